"""The adcreator doc's own examples (adcreator-platform-api.txt), verbatim: one copy for the sandbox, adapter and
contract tests. `EXAMPLES` / `FORMS` list them all (tests/contract/test_doc_inventory.py finds each in the doc, and
every block of the doc among them). The doc describes `/models`, `/styles`, `/video-models` and the generation and
video answers by field tables only: no example to copy."""

from typing import Any

# adcreator-platform-api.txt --------------------------------------------------------------------------
CREDITS_200: dict[str, Any] = {  # adcreator-platform-api.txt:36
    "balance": 142,
    "lifetimePurchased": 500,
    "lifetimeUsed": 358,
    "unlimited": False,
}
UPLOAD_201: dict[str, Any] = {  # adcreator-platform-api.txt:115
    "path": "user_123/1709012345-a1b2c3.jpg",
    "publicUrl": "https://...supabase.co/storage/v1/.../product.jpg",
}
GENERATE_REQUEST: dict[str, Any] = {  # adcreator-platform-api.txt:147
    "prompt": "Luxury perfume bottle on marble surface, soft studio lighting",
    "modelId": "nano-banana-2",
    "aspectRatio": "1:1",
    "stylePreset": "studio-product",
}
GENERATE_202: dict[str, Any] = {  # adcreator-platform-api.txt:154
    "id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "status": "processing",
}
VIDEO_REQUEST: dict[str, Any] = {  # adcreator-platform-api.txt:239
    "sourceGenerationId": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "prompt": "Smooth camera orbit around the product",
    "modelId": "kling-v3-pro",
    "durationSeconds": 5,
}

UPLOAD_FORM: dict[str, str] = {}  # adcreator-platform-api.txt:113, "curl — multipart upload": no text field
UPLOAD_FORM_FILES: dict[str, Any] = {"file": "product.jpg"}  # -F "file=@product.jpg"

EXAMPLES: dict[str, Any] = {
    name: value
    for name, value in dict(globals()).items()
    if name.isupper() and not name.endswith(("FORM", "FORM_FILES")) and isinstance(value, dict)
}
FORMS: dict[str, tuple[dict[str, str], dict[str, str]]] = {"UPLOAD_FORM": (UPLOAD_FORM, UPLOAD_FORM_FILES)}
