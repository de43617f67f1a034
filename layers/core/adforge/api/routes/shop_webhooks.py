"""Shopify / WooCommerce product webhooks: POST /v1/hooks/{platform}. Verify, claim, queue, answer 200.

The work (one job per changed product image) happens in the worker, so the platform's 5-second budget
is kept whatever the number of images. A replayed body, or an update no newer than one already taken,
is answered 200 `{"accepted": false}`; a product without a readable modification time, 400.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from adforge import bootstrap
from adforge.api.errors import ApiError
from adforge.api.http import optional_parameter, raw_body, responses

logger = Logger(service="product-webhook")
router = Router()
PLATFORMS = ("shopify", "woocommerce")


class HookReceipt(BaseModel):
    accepted: bool  # False: a ping, an ignored topic, a replay or an update no newer than one already taken


def _header(name: str, description: str) -> dict[str, Any]:
    return optional_parameter(name, "header", description)


@router.post(
    "/v1/hooks/<platform>",
    operation_id="receiveProductWebhook",
    tags=["webhooks"],
    summary="A store's product webhook",
    description="Called by Shopify or WooCommerce, not by API clients: the HMAC is verified over the raw body.",
    responses=responses({200: ("Taken, or nothing to do", HookReceipt)}, {400, 401, 404, 413, 503}),
    openapi_extensions={
        "security": [],
        "x-parameters": [
            {"name": "platform", "in": "path", "required": True, "schema": {"type": "string", "enum": list(PLATFORMS)}},
            _header("X-Shopify-Hmac-Sha256", "Shopify: base64 HMAC-SHA256 of the body with the app secret"),
            _header("X-Shopify-Shop-Domain", "Shopify: the shop, e.g. `acme.myshopify.com`"),
            _header("X-Shopify-Topic", "Shopify: `products/create` or `products/update`"),
            _header("X-Shopify-Webhook-Id", "Shopify: the delivery id (unsigned, for tracing)"),
            _header("X-WC-Webhook-Signature", "WooCommerce: base64 HMAC-SHA256 of the body with the webhook secret"),
            _header("X-WC-Webhook-Source", "WooCommerce: the store's home URL"),
            _header("X-WC-Webhook-Topic", "WooCommerce: `product.created` or `product.updated`"),
            _header("X-WC-Webhook-Delivery-ID", "WooCommerce: the delivery id (unsigned, for tracing)"),
        ],
        "requestBody": {
            "required": True,
            "description": "The platform's product document (WooCommerce's ping is `webhook_id=<n>`)",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            },
        },
    },
)
def receive(platform: str) -> dict[str, bool]:
    hooks = bootstrap.shop_webhooks()
    event = hooks.accept(platform, raw_body(router), router.current_event.headers)  # errors: adforge.api.errors
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
