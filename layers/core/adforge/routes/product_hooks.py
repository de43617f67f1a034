"""Shopify / WooCommerce product webhooks: POST /v1/hooks/{platform}. Verify, claim, queue, answer 200.

The work (one job per changed product image) happens in the worker, so the platform's 5-second budget
is kept whatever the number of images. A replayed body, or an update no newer than one already taken,
is answered 200 `{"accepted": false}`; a product without a readable modification time, 400.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import Router

from adforge import bootstrap
from adforge.http_api import ApiError, raw_body
from adforge.platforms import PayloadInvalid, UnknownPlatform
from adforge.vendors.signatures import SignatureInvalid

logger = Logger(service="product-webhook")
router = Router()


@router.post("/v1/hooks/<platform>")
def receive(platform: str) -> dict[str, bool]:
    hooks = bootstrap.product_hooks()
    try:
        event = hooks.accept(platform, raw_body(router), router.current_event.headers)
    except UnknownPlatform as error:
        raise ApiError(404, "unknown_platform", f"no webhooks are taken for {platform!r}") from error
    except SignatureInvalid as error:  # an unknown shop answers exactly like a bad signature
        logger.warning("product webhook refused", extra={"platform": platform, "reason": str(error)})
        raise ApiError(401, "invalid_signature", "signature verification failed") from error
    except PayloadInvalid as error:
        raise ApiError(400, "malformed_payload", str(error)) from error
    if event is None:
        return {"accepted": False}  # ping, ignored topic or duplicate: nothing to do, and 200 says so
    try:
        bootstrap.product_queue().send(event.model_dump_json())
    except Exception as error:
        hooks.release(event)  # let the platform's retry be taken as new
        raise ApiError(503, "service_unavailable", "could not queue the product; retry") from error
    logger.info(
        "product webhook accepted",
        extra={
            "platform": platform,
            "shop": event.shop,
            "product_id": event.product_id,
            "updated_at": event.updated_at.isoformat(),
            "delivery_id": event.delivery_id,  # unsigned: for tracing only
        },
    )
    return {"accepted": True}
