"""AdCreative.ai's own examples, verbatim: one copy for the sandbox, adapter and contract tests.

Two docs: adcreative-product-photoshoot-api.txt and adcreative-stock-image-api.txt. Every JSON body each shows (once,
with where it appears; the photoshoot preset example without the stray non-breaking spaces, which JSON does not allow),
the `--form` fields of the start requests and the query strings of the example URLs. `PHOTOSHOOT_EXAMPLES` /
`STOCK_EXAMPLES` (and `*_FORMS`, `STOCK_QUERIES`) list them all: tests/contract/test_doc_inventory.py finds each in its
doc and every block of the doc among them.
"""

from typing import Any

# adcreative-product-photoshoot-api.txt ---------------------------------------------------------------
RECOMMENDATIONS_200: dict[str, Any] = {  # adcreative-product-photoshoot-api.txt:20
    "productInfo": {
        "productName": "headphones",
        "productDescription": "Wireless over-ear headphones with noise-canceling features in vibrant red and black.",
    },
    "backgroundRemovedImageAssetId": "ecc767e4-c107-4492-9826-89756e925425",
    "recommendedPrompts": [
        "on a sleek glass surface with a reflection of city skyscrapers...",
        "on a dynamic music waveform graphic...",
        "on a velvet cushion inside a luxurious music studio...",
        "on a vibrant graffiti wall in an urban alley...",
    ],
    "recommendedPresetIds": [
        "natural_beige_background",
        "white_background",
        "light_grey_background",
        "light_blue_background",
        "gray_shadowy_room_sunlight_streaming_studio",
        "gray_shadowy_room_sunlight_streaming_neutral",
    ],
}
PHOTOSHOOT_401: dict[str, Any] = {  # adcreative-product-photoshoot-api.txt:43, 174
    "errors": {"business:": ["Token is missing, invalid or ApplicationId is not found in the token."]},
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 401,
    "detail": None,
    "instance": None,
    "extensions": {"traceId": "00-6865a20820da1254cdd62ef5de9df71e-60781c154d97f7c6-00"},
}
RECOMMENDATIONS_400: dict[str, Any] = {  # adcreative-product-photoshoot-api.txt:59
    "errors": {
        "productImage": [
            "The productImage field is required.",
            "The request does not contain a file. Please make sure to upload the file.",
        ]
    },
    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    "title": "One or more validation errors occurred.",
    "status": 400,
    "traceId": "00-1342e34cfbba2b448dcaefe49e0b67d6-a3d4e02dd4b7f122-00",
}
PRESET: dict[str, Any] = {  # adcreative-product-photoshoot-api.txt:80
    "id": "white_background",
    "previewImageUrl": "https://api.adcreative.ai/assets/ai-product-preset/white_background.webp",
    "previewName": "White Background",
    "promptText": ", in front of a white background",
    "categories": [{"name": "monochrome"}],
}
PHOTOSHOOT_DOWNLOAD_404: dict[str, Any] = {  # adcreative-product-photoshoot-api.txt:132
    "errors": {
        "engine: ProductGeneration/Download": ["Image content not found."],
        "business: ProductGeneration/Download": ["Not found error occurred while getting image content stream"],
    },
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 404,
    "detail": None,
    "instance": None,
    "extensions": {"traceId": "00-599b17ae93900d22ce7df8169f3188f6-edcd222ed89634ed-00"},
}
CREDITS_400: dict[str, Any] = {  # adcreative-product-photoshoot-api.txt:190
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
PHOTOSHOOT_DOWNLOAD_400: dict[str, Any] = {  # adcreative-product-photoshoot-api.txt:209
    "errors": {"imageProductGeneratorProcessId": ["The value '60a743a6-c761-4168-9288-40a729dd407e1' is not valid."]},
    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    "title": "One or more validation errors occurred.",
    "status": 400,
    "traceId": "00-ae0c64f2970933d69b2a159253a68fea-9e4a75471688ac32-00",
}

# adcreative-stock-image-api.txt ----------------------------------------------------------------------
START_200: dict[str, Any] = {  # adcreative-stock-image-api.txt:271
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
START_400_EXAMPLE_1: dict[str, Any] = {  # adcreative-stock-image-api.txt:292
    "errors": {
        "engine: StockGeneration/AdCreative": ["CustomWithImage can't be null if ImageStyle is CustomWithImage"],
        "business: StockGeneration/AdCreative": ["Bad request error occurred while starting image stock generation process"],
    },
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 400,
    "detail": None,
    "instance": None,
    "extensions": {"traceId": "00-3bbaf2bdb083fbf5b8d96a25830005ca-adee457f95c76f15-00"},
}
START_400_EXAMPLE_2: dict[str, Any] = {  # adcreative-stock-image-api.txt:313
    "errors": {
        "engine: StockGeneration/AdCreative": ["CustomStyleText can't be null or empty if ImageStyle is CustomWithText"],
        "business: StockGeneration/AdCreative": ["Bad request error occurred while starting image stock generation process"],
    },
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 400,
    "detail": None,
    "instance": None,
    "extensions": {"traceId": "00-9c92e7330476cab570f09bde47f59f47-d0040fb4d3c039c8-00"},
}
STOCK_401: dict[str, Any] = {  # adcreative-stock-image-api.txt:334, 731
    "errors": {"business:": ["Token is missing, invalid or ApplicationId is not found in the token."]},
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 401,
    "detail": None,
    "instance": None,
    "extensions": {"traceId": "00-d378b545461dcc848f91b9c6ea2e4775-26d09313c3eebb1a-00"},
}
CHECK_USER_PROGRESS_200: list[dict[str, Any]] = [  # adcreative-stock-image-api.txt:431
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
CHECK_USER_PROGRESS_400: dict[str, Any] = {  # adcreative-stock-image-api.txt:452
    "errors": {
        "business: StockGeneration/CheckUserProgress": ["Invalid userId or imageStockGeneratorProcessId provided."],
        "engine: StockGeneration/CheckProgress": ["A required parameter is missing."],
    },
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 400,
    "detail": "Validation error in the request parameters.",
    "instance": None,
    "extensions": {"traceId": "00-abcdef1234567890abcdef1234567890-abcdef1234567890-00"},
}
CHECK_USER_PROGRESS_401: dict[str, Any] = {  # adcreative-stock-image-api.txt:473
    "errors": {"business:": ["Token is missing, invalid or ApplicationId is not found in the token."]},
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 401,
    "detail": None,
    "instance": None,
    "extensions": {"traceId": "00-2963f16f8ef6ed45095d4ceab4aa4be3-5d89071342730431-00"},
}
ALL_PROGRESSES_200: list[dict[str, Any]] = [  # adcreative-stock-image-api.txt:545
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
ALL_PROGRESSES_400: dict[str, Any] = {  # adcreative-stock-image-api.txt:582
    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    "title": "One or more validation errors occurred.",
    "status": 400,
    "errors": {"applicationId": ["The value '2581c740-8e9d-4d63-96bc-5665bb9a6' is not valid."]},
    "traceId": "00-f63a19f0239297745f0493e1ff93f582-3e5099e2cbe621ce-00",
}
ALL_PROGRESSES_404: dict[str, Any] = {  # adcreative-stock-image-api.txt:596
    "errors": {
        "engine: CheckProgress": [
            "No running or incomplete Stock Image Generation process was not found for the User: N/A or the Application: 2581c740-8e9d-4d63-96bc-5665bb9a646b"  # noqa: E501
        ],
        "business: CheckApplicationAllProgresses": [
            "Not found error occurred while checking Stock Image Generation process for the ApplicationId: 2581c740-8e9d-4d63-96bc-5665bb9a646b"  # noqa: E501
        ],
    },
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 404,
    "detail": None,
    "instance": None,
    "extensions": {"traceId": "00-8d925e3ff2b520c283a3fbd504172fce-1df96f7a708f401d-00"},
}
STOCK_DOWNLOAD_400: dict[str, Any] = {  # adcreative-stock-image-api.txt:751
    "$id": "1",
    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    "title": "One or more validation errors occurred.",
    "status": 400,
    "errors": {"$id": "2", "taskId": ["The value '165ce0c4-27a4-4317-a388-3c4064cf8b' is not valid."]},
    "traceId": "00-a54a3264785cd30b4ee7e454053096bf-0b0d3b01c3bcd870-00",
}
STOCK_DOWNLOAD_404: dict[str, Any] = {  # adcreative-stock-image-api.txt:769
    "errors": {
        "engine: StockGeneration/Download": ["Image content not found."],
        "business: StockGeneration/Download": ["Not found error occurred while getting original image content stream"],
    },
    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    "title": "One or more errors occurred.",
    "status": 404,
    "detail": None,
    "instance": None,
    "extensions": {"traceId": "00-80d865ee86529038daf1fef33992439c-4defb5fc45a4f77e-00"},
}

# not JSON in the docs ------------------------------------------------------------------------------------------
PHOTOSHOOT_START_FORM: dict[str, Any] = {  # adcreative-product-photoshoot-api.txt:89, "Example curl Request" --form fields
    "applicationId": "6a9d3f2c-1b0e-4c7f-a8d5-e3f0c1b9a4d6",
    "userId": "2f1e3c4d-5b6a-4d8f-9c01-e2d3c4b5f6a7",
    "renderKind": "4",
    "productImageAssetId": "d7f5c3b1-c029-4df5-8908-896ab0c1f24d",
    "PromptObjectsString": '[{"preset":"mid_century_modern_office","tag":"preset"},{"preset":"mid_century_modern_office","tag":"preset"},{"preset":"mid_century_modern_office","tag":"preset"},{"preset":"mid_century_modern_office","tag":"preset"},{"preset":"mid_century_modern_office","tag":"preset"},{"preset":"mid_century_modern_office","tag":"preset"}]',  # noqa: E501
    "productName": "vodka bottle",
    "productDescription": "A clear glass bottle of vodka with blue and black text, set against a marble background with green leaves.",  # noqa: E501
    "DisableSafeMargin": "true",
    "UseSameStyleReferenceImage": "",
}
STOCK_START_FORM: dict[str, Any] = {  # adcreative-stock-image-api.txt:219, the HttpClient example's MultipartFormDataContent
    "applicationId": "4f7d8a9c-b5e6-4d3e-b7a9-d5c3e1b7a4f6",
    "userId": "2581c740-8e9d-4d63-96bc-5665bb9a646b",
    "renderKind": "1",
    "imageStyle": "3",
    "userPrompt": "Darth Vader",
}
STOCK_START_FORM_CURL: dict[str, Any] = {  # adcreative-stock-image-api.txt:234, the cURL example (and its "HTTP Request" twin)
    "applicationId": "4f7d8a9c-b5e6-4d3e-b7a9-d5c3e1b7a4f6",
    "userId": "2581c740-8e9d-4d63-96bc-5665bb9a646b",
    "renderKind": "1",
    "imageStyle": "3",
    "userPrompt": "Darth Vader",
    "customStyleText": "Serious looking",
    "loraParams": "e2b3c5d1-a123-456b-c789-d12345678901:0.75,a4b2c6d3-e234-567c-d890-f23456789012:1.0",
}
STOCK_START_FORM_CURL_FILES: dict[str, Any] = {
    "customStyleImage": "/path/to/image.jpg"
}  # --form 'customStyleImage=@"/path/to/image.jpg"'
CHECK_USER_PROGRESS_QUERY: dict[str, Any] = {  # adcreative-stock-image-api.txt:409, 418
    "userId": "2581c740-8e9d-4d63-96bc-5665bb9a646b",
    "imageStockGeneratorProcessId": "26eca5df-b455-4111-847a-84247bc8e594",
}
ALL_PROGRESSES_QUERY: dict[str, Any] = {  # adcreative-stock-image-api.txt:523, 532
    "applicationId": "d5eabbb8-c0f6-4640-94fd-3566edad499f"
}
DOWNLOAD_QUERY: dict[str, Any] = {  # adcreative-stock-image-api.txt:714
    "applicationId": "4f7d8a9c-b5e6-4d3e-b7a9-d5c3e1b7a4f6",
    "taskId": "165ce0c4-27a4-4317-a388-3c4064cf8b17",
    "imageStockGeneratorProcessId": "2c3a9038-a7c8-4a8a-8821-a66dc433c3dd",
    "lowResolution": "true",
}

PHOTOSHOOT_EXAMPLES: dict[str, Any] = {
    "RECOMMENDATIONS_200": RECOMMENDATIONS_200,
    "PHOTOSHOOT_401": PHOTOSHOOT_401,
    "RECOMMENDATIONS_400": RECOMMENDATIONS_400,
    "PRESET": PRESET,
    "PHOTOSHOOT_DOWNLOAD_404": PHOTOSHOOT_DOWNLOAD_404,
    "CREDITS_400": CREDITS_400,
    "PHOTOSHOOT_DOWNLOAD_400": PHOTOSHOOT_DOWNLOAD_400,
}
STOCK_EXAMPLES: dict[str, Any] = {
    "START_200": START_200,
    "START_400_EXAMPLE_1": START_400_EXAMPLE_1,
    "START_400_EXAMPLE_2": START_400_EXAMPLE_2,
    "STOCK_401": STOCK_401,
    "CHECK_USER_PROGRESS_200": CHECK_USER_PROGRESS_200,
    "CHECK_USER_PROGRESS_400": CHECK_USER_PROGRESS_400,
    "CHECK_USER_PROGRESS_401": CHECK_USER_PROGRESS_401,
    "ALL_PROGRESSES_200": ALL_PROGRESSES_200,
    "ALL_PROGRESSES_400": ALL_PROGRESSES_400,
    "ALL_PROGRESSES_404": ALL_PROGRESSES_404,
    "STOCK_DOWNLOAD_400": STOCK_DOWNLOAD_400,
    "STOCK_DOWNLOAD_404": STOCK_DOWNLOAD_404,
}
PHOTOSHOOT_FORMS: dict[str, tuple[dict[str, str], dict[str, str]]] = {"PHOTOSHOOT_START_FORM": (PHOTOSHOOT_START_FORM, {})}
STOCK_FORMS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "STOCK_START_FORM": (STOCK_START_FORM, {}),
    "STOCK_START_FORM_CURL": (STOCK_START_FORM_CURL, STOCK_START_FORM_CURL_FILES),
}
STOCK_QUERIES: dict[str, dict[str, str]] = {
    "CHECK_USER_PROGRESS_QUERY": CHECK_USER_PROGRESS_QUERY,
    "ALL_PROGRESSES_QUERY": ALL_PROGRESSES_QUERY,
    "DOWNLOAD_QUERY": DOWNLOAD_QUERY,
}
