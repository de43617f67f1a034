"""Vendor callbacks: POST /v1/webhooks/{vendor}?job=<job id>. Verify first, then record."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from adforge import bootstrap
from adforge.http_api import ApiError, install_error_handlers, raw_body
from adforge.services.updates import NotYetSubmitted, UnknownGeneration
from adforge.vendors.errors import VendorProtocolError
from adforge.vendors.signatures import SignatureInvalid

logger = Logger(service="vendor-webhook")
app = APIGatewayRestResolver()
install_error_handlers(app)


@app.post("/v1/webhooks/<vendor>")
def receive(vendor: str) -> dict[str, str]:
    reader = bootstrap.webhook_readers().get(vendor)
    if reader is None:
        raise ApiError(404, "unknown_vendor", f"no webhooks are taken for {vendor!r}")
    job_id = app.current_event.get_query_string_value("job")
    if not job_id:
        raise ApiError(400, "missing_job", "the callback URL must carry ?job=<job id>")
    try:
        delivery_id, update = reader.read(
            raw_body(app), app.current_event.headers, app.current_event.query_string_parameters or {}
        )
    except SignatureInvalid as error:
        logger.warning("webhook refused", extra={"vendor": vendor, "reason": str(error)})
        raise ApiError(401, error.code, "signature verification failed") from error
    except (ValueError, VendorProtocolError) as error:
        raise ApiError(400, "malformed_payload", "the payload is not a readable update") from error
    try:
        recorded = bootstrap.recorder().record(job_id, vendor, update)
    except UnknownGeneration as error:
        raise ApiError(404, error.code, "no such generation") from error
    except NotYetSubmitted as error:
        raise ApiError(409, error.code, "not ready for this update yet; retry later") from error
    logger.info("webhook", extra={"vendor": vendor, "delivery_id": delivery_id, "job_id": job_id, "recorded": recorded})
    return {"delivery_id": delivery_id, "recorded": recorded.value}


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
