"""Vendor callbacks: POST /v1/webhooks/{vendor}[?job=<job id>]. Verify first, then record."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from adforge import bootstrap
from adforge.domain.signatures import SignatureInvalid
from adforge.http_api import ApiError, raw_body, responses
from adforge.ports.vendors import VendorProtocolError
from adforge.services.updates import NotYetSubmitted, Recorded, UnknownGeneration
from adforge.services.webhooks import UnknownVendor
from adforge.vendors.adcreative.channels import TOKEN_PARAM

logger = Logger(service="vendor-webhook")
router = Router()


class WebhookReceipt(BaseModel):
    delivery_id: str
    recorded: Recorded


def _parameters() -> list[dict[str, Any]]:
    optional = {"required": False, "schema": {"type": "string"}}
    return [
        {
            "name": "vendor",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": sorted(bootstrap.capabilities())},
        },
        {"name": "job", "in": "query", "description": "Our job id, where the callback URL carries it", **optional},
        {"name": TOKEN_PARAM, "in": "query", "description": "AdCreative: the callback URL's secret token", **optional},
        {"name": "X-CreativeAI-Signature", "in": "header", "description": "CreativeAI: HMAC-SHA256 of the body", **optional},
        {"name": "X-CreativeAI-Delivery-Id", "in": "header", **optional},
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
    try:
        delivery_id, recorded = bootstrap.webhook_intake().receive(
            vendor, raw_body(router), event.headers, event.query_string_parameters or {}
        )
    except UnknownVendor as error:
        raise ApiError(404, error.code, str(error)) from error
    except SignatureInvalid as error:
        logger.warning("webhook refused", extra={"vendor": vendor, "reason": str(error)})
        raise ApiError(401, error.code, "signature verification failed") from error
    except (ValueError, VendorProtocolError) as error:
        raise ApiError(400, "malformed_payload", "the payload is not a readable update") from error
    except UnknownGeneration as error:
        raise ApiError(404, error.code, "no such generation") from error
    except NotYetSubmitted as error:
        raise ApiError(409, error.code, "not ready for this update yet; retry later") from error
    logger.info("webhook", extra={"vendor": vendor, "delivery_id": delivery_id, "recorded": recorded})
    return {"delivery_id": delivery_id, "recorded": recorded.value}
