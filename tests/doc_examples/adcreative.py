"""AdCreative.ai's own JSON examples, verbatim: one copy for the sandbox and the adapter tests.

From adcreative-stock-image-api.txt; CREDITS_400 from adcreative-product-photoshoot-api.txt.
"""

START_200 = {
    "messageType": "ImageStockGenerationProgress",
    "requestRenderState": 1,
    "applicationId": "d5eabbb8-c0f6-4640-94fd-3566edad499f",
    "userId": "2581c740-8e9d-4d63-96bc-5665bb9a646b",
    "imageRenderProcessId": "0898d00e-4a06-4d3d-b7c5-96116286449e",
    "totalTaskCount": 1,
    "completedTaskCount": 0,
    "progress": 0,
    "tasks": {"530286a9-7adb-49e0-a66d-065cbb52fecc": 1},
    "renderType": 32,
    "isSuccessful": False,
    "errorMessage": "",
}

CHECK_USER_PROGRESS_200 = [
    {
        "messageType": "ImageStockGenerationProgress",
        "requestRenderState": 5,
        "applicationId": "d5eabbb8-c0f6-4640-94fd-3566edad499f",
        "userId": "2581c740-8e9d-4d63-96bc-5665bb9a646b",
        "imageRenderProcessId": "0898d00e-4a06-4d3d-b7c5-96116286449e",
        "totalTaskCount": 1,
        "completedTaskCount": 1,
        "progress": 100,
        "tasks": {"530286a9-7adb-49e0-a66d-065cbb52fecc": 5},
        "renderType": 32,
        "isSuccessful": True,
        "errorMessage": "",
    }
]

ALL_PROGRESSES_200 = [
    {
        "messageType": "ImageStockGenerationProgress",
        "requestRenderState": 1,
        "applicationId": "d5eabbb8-c0f6-4640-94fd-3566edad499f",
        "userId": "2581c740-8e9d-4d63-96bc-5665bb9a646b",
        "imageRenderProcessId": "63dd1bff-8396-41d0-ba89-3406a27179cc",
        "totalTaskCount": 1,
        "completedTaskCount": 0,
        "progress": 0,
        "tasks": {"54f61fb3-114a-4eb1-b4ce-263c7298efa3": 1},
        "renderType": 32,
        "isSuccessful": False,
        "errorMessage": "",
    },
    {
        "messageType": "ImageStockGenerationProgress",
        "requestRenderState": 1,
        "applicationId": "d5eabbb8-c0f6-4640-94fd-3566edad499f",
        "userId": "2581c740-8e9d-4d63-96bc-5665bb9a646b",
        "imageRenderProcessId": "b3a0ce72-a4cb-4651-b128-b465a4b36b17",
        "totalTaskCount": 1,
        "completedTaskCount": 0,
        "progress": 0,
        "tasks": {"0f5f6dce-09ba-4287-ac2c-799aa607cb63": 1},
        "renderType": 32,
        "isSuccessful": False,
        "errorMessage": "",
    },
]

CREDITS_400 = {  # adcreative-product-photoshoot-api.txt: "400 Bad Request - API Key Credits for Application does not exist"
    "errors": {
        "engine: ProductGeneration/Download": [
            "Error decreasing Api Key Credits for Application e790c565-d56a-4e32-b00a-66be90cfcd43. ErrorMessage: API Key Credits for Application does not exist."  # noqa: E501
        ],
        "business: ProductGeneration/Download": ["Bad request error occurred while getting image content stream"],
    },
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 400,
    "detail": None,
    "instance": None,
    "extensions": {"traceId": "00-5593df94b6415482f5d01c65f51de46f-9a0a8bfb206eae96-00"},
}
