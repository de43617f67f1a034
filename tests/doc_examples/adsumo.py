"""The adsumo doc's own JSON examples (adsumo-image-api.txt), verbatim: one copy for the sandbox, adapter and contract
tests. `EXAMPLES` lists them all (tests/contract/test_doc_inventory.py finds each in the doc, and every block of the doc
among them)."""

from typing import Any

# adsumo-image-api.txt --------------------------------------------------------------------------------
TEXT_TO_IMAGE_REQUEST: dict[str, Any] = {  # adsumo-image-api.txt:33
    "prompt": "A minimalist product shot of white sneakers on a marble surface, soft studio lighting",
    "model": "pro",
    "aspect_ratio": "1:1",
    "quantity": 2,
    "resolution": "2k",
}
PRODUCT_SHOTS_REQUEST: dict[str, Any] = {  # adsumo-image-api.txt:62
    "product_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "style_id": "lifestyle-outdoor",
    "model": "pro",
    "aspect_ratio": "16:9",
    "quantity": 4,
    "resolution": "2k",
    "additional_prompt": "Golden hour lighting, beach setting",
}
EDIT_REQUEST: dict[str, Any] = {  # adsumo-image-api.txt:95
    "prompt": "Remove the background and place the product on a clean white surface",
    "model": "fast",
    "aspect_ratio": "1:1",
    "reference_image_urls": ["https://example.com/images/product-photo.png"],
    "quantity": 1,
    "resolution": "1k",
}
ACCEPTED_RESPONSE: dict[str, Any] = {  # adsumo-image-api.txt:114
    "generation_id": "f47ac10b-58cc-4372-a567-0e02b2c3d479",
    "type": "text-to-image",
    "status": "processing",
}
COMPLETED_RESPONSE: dict[str, Any] = {  # adsumo-image-api.txt:132
    "generation_id": "f47ac10b-58cc-4372-a567-0e02b2c3d479",
    "type": "text-to-image",
    "status": "completed",
    "result_url": "https://cdn.adsumo.ai/generations/f47ac10b.png",
    "created_at": "2026-03-17T12:00:00Z",
    "completed_at": "2026-03-17T12:00:12Z",
}

EXAMPLES: dict[str, Any] = {name: value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, dict)}
FORMS: dict[str, tuple[dict[str, str], dict[str, str]]] = {}  # the doc has no multipart example
