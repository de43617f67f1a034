"""Inbound vendor callbacks: POST /v1/webhooks/{vendor}[?job=<job id>]. Verify first, then record."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from adforge import bootstrap
from adforge.api.http import optional_parameter, raw_body, responses
from adforge.services.updates import Recorded

logger = Logger(service="vendor-webhook")
router = Router()


class WebhookReceipt(BaseModel):
    delivery_id: str
    recorded: Recorded


def _parameters() -> list[dict[str, Any]]:
    tokens = sorted({c.callback_token_param for c in bootstrap.capabilities().values() if c.callback_token_param})
    return [
        {
            "name": "vendor",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": sorted(bootstrap.capabilities())},
        },
        optional_parameter("job", "query", "Our job id, where the callback URL carries it"),
        *(optional_parameter(name, "query", "The callback URL's secret token (AdCreative)") for name in tokens),
        optional_parameter("X-CreativeAI-Signature", "header", "CreativeAI: HMAC-SHA256 of the body"),
        optional_parameter("X-CreativeAI-Delivery-Id", "header"),
    ]


@router.post(
    "/v1/webhooks/<vendor>",
    operation_id="receiveVendorWebhook",
    tags=["webhooks"],
    summary="A vendor's callback",
    description="Called by the vendors, not by API clients: verified (signature or token) before anything is read.",
    responses=responses({200: ("Taken (or already taken)", WebhookReceipt)}, {400, 401, 404, 409, 413}),
    openapi_extensions={
        "security": [],
        "x-parameters": _parameters(),
        "requestBody": {
            "required": True,
            "description": "The vendor's own update document, verified over these exact bytes",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    },
)
def receive(vendor: str) -> dict[str, str]:
    event = router.current_event
    delivery_id, recorded = bootstrap.vendor_callbacks().receive(
        vendor, raw_body(router), event.headers, event.query_string_parameters or {}
    )  # its errors are answered by the table (adforge.api.errors)
    logger.info("webhook", extra={"vendor": vendor, "delivery_id": delivery_id, "recorded": recorded})
    return {"delivery_id": delivery_id, "recorded": recorded.value}
