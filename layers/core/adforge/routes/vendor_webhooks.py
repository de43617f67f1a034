"""Vendor callbacks: POST /v1/webhooks/{vendor}[?job=<job id>]. Verify first, then record."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import Router

from adforge import bootstrap
from adforge.http_api import ApiError, raw_body
from adforge.services.updates import NotYetSubmitted, UnknownGeneration
from adforge.services.webhooks import UnknownVendor
from adforge.vendors.errors import VendorProtocolError
from adforge.vendors.signatures import SignatureInvalid

logger = Logger(service="vendor-webhook")
router = Router()


@router.post("/v1/webhooks/<vendor>")
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
