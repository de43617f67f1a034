"""Vendor callbacks: POST /v1/webhooks/{vendor}[?job=<job id>]. Verify first, then record."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from adforge.http_api import install_error_handlers
from adforge.routes import vendor_webhooks

logger = Logger(service="vendor-webhook")
app = APIGatewayRestResolver()
install_error_handlers(app)
app.include_router(vendor_webhooks.router)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
