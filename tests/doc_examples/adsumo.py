"""The adsumo doc's own JSON examples (adsumo-image-api.txt), verbatim: one copy for the sandbox and the adapter tests."""

ACCEPTED_RESPONSE = {
    "generation_id": "f47ac10b-58cc-4372-a567-0e02b2c3d479",
    "type": "text-to-image",
    "status": "processing",
}

COMPLETED_RESPONSE = {
    "generation_id": "f47ac10b-58cc-4372-a567-0e02b2c3d479",
    "type": "text-to-image",
    "status": "completed",
    "result_url": "https://cdn.adsumo.ai/generations/f47ac10b.png",
    "created_at": "2026-03-17T12:00:00Z",
    "completed_at": "2026-03-17T12:00:12Z",
}
