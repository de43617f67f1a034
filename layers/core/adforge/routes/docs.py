"""GET /v1/openapi.json: the OpenAPI 3 document of every route, generated from the code."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.models import Server

router = Router()
TITLE = "AdForge API"
VERSION = "1.0.0"


@cache
def document() -> str:
    """Every router included in one resolver, for the schema only (it serves nothing)."""
    from adforge.routes import jobs, product_hooks, vendor_webhooks

    everything = APIGatewayRestResolver(enable_validation=True)
    for routes in (jobs.router, vendor_webhooks.router, product_hooks.router, router):
        everything.include_router(routes)
    return str(
        everything.get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            summary="Product photos in, AI ad creatives out, through the merchant's own vendors.",
            servers=[Server(url="/")],
        )
    )


@router.get("/v1/openapi.json", include_in_schema=False)
def openapi() -> dict[str, Any]:
    import json

    return dict(json.loads(document()))
