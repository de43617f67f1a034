"""Shopify / WooCommerce product webhooks: POST /v1/hooks/{platform}. Verify, claim, queue, answer 200.

The work (one job per changed product image) happens in the worker, so the platform's 5-second budget
is kept whatever the number of images.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from adforge.http_api import install_error_handlers
from adforge.routes import product_hooks

logger = Logger(service="product-webhook")
app = APIGatewayRestResolver()
install_error_handlers(app)
app.include_router(product_hooks.router)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
