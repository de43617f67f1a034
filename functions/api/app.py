"""Public API: jobs, uploads, vendors, and the OpenAPI document of every route."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from adforge.http_api import install_error_handlers
from adforge.idempotency import CONFIG
from adforge.routes import docs, jobs

logger = Logger(service="api")
app = APIGatewayRestResolver(enable_validation=True)
install_error_handlers(app)
app.include_router(jobs.router)
app.include_router(docs.router)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    CONFIG.register_lambda_context(context)
    return app.resolve(event, context)
