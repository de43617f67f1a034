"""GET /v1/openapi.json: the OpenAPI 3.1 document of every route, generated from the code.

Powertools builds paths, bodies and responses from the routes' `responses=` and pydantic models; `finish`
adds what its generator cannot say: parameters a route reads from the raw event (`x-parameters`), the vendor
enum (the catalogue, which the domain does not know), and the outbound job notifications under `webhooks`.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server, Tag
from pydantic import BaseModel, Field, JsonValue

from adforge.domain.models import Asset, JobError, JobKind
from adforge.domain.status import JobStatus
from adforge.services.outbound_notifications import EVENT_TYPES

router = Router()
TITLE = "AdForge API"
VERSION = "1.0.0"
REF = "#/components/schemas/"
UNSENT = ("HTTPValidationError", "ValidationError", "ResponseValidationError")  # Powertools' defaults; never answered


class JobNotificationData(BaseModel):
    """The finished job, as every job event carries it."""

    job_id: str
    tenant_id: str
    status: JobStatus
    version: int
    kind: JobKind
    vendor_requested: str
    vendor: str | None
    assets: list[Asset]
    error: JobError | None
    metadata: dict[str, str]


NOTIFICATION_TYPES: list[JsonValue] = [name for name in sorted(set(EVENT_TYPES.values()))]


class JobNotification(BaseModel):
    """POSTed to the job's `webhook_url` when it ends, signed per Standard Webhooks with the tenant's secret."""

    type: str = Field(json_schema_extra={"enum": NOTIFICATION_TYPES})
    timestamp: str = Field(description="When the job event happened (ISO 8601)")
    data: JobNotificationData


def _standard_webhook_headers() -> list[dict[str, Any]]:
    described = {
        "webhook-id": "`msg_<job>_<status>`: the same on every retry; deduplicate on it",
        "webhook-timestamp": "Unix seconds of this attempt; refuse old ones",
        "webhook-signature": "`v1,<base64 HMAC-SHA256>` of `id.timestamp.body` with the tenant's `whsec_` secret",
    }
    return [
        {"name": name, "in": "header", "required": True, "description": text, "schema": {"type": "string"}}
        for name, text in described.items()
    ]


def _notifications(schemas: dict[str, Any]) -> dict[str, Any]:
    for model in (JobNotification, JobNotificationData, Asset, JobError):
        definition = model.model_json_schema(ref_template=REF + "{model}")
        for name, nested in definition.pop("$defs", {}).items():
            schemas.setdefault(name, nested)
        schemas.setdefault(model.__name__, definition)
    operation = {
        "operationId": "jobFinished",
        "summary": "A job ended (completed, failed, timed out or cancelled)",
        "tags": ["notifications"],
        "parameters": _standard_webhook_headers(),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF + "JobNotification"}}},
        },
        "responses": {
            "2XX": {"description": "Delivered"},
            "default": {"description": "408, 429 and 5xx are retried (Retry-After honoured); any other 4xx is not"},
        },
    }
    return {"jobFinished": {"post": operation}}


def finish(document: dict[str, Any], vendors: list[str]) -> dict[str, Any]:
    """What Powertools cannot generate; see the module docstring."""
    for item in document["paths"].values():
        for operation in item.values():
            extra = operation.pop("x-parameters", [])
            named = {(p["in"], p["name"].lower()) for p in extra}
            kept = [p for p in operation.get("parameters", []) if (p["in"], p["name"].lower()) not in named]
            if kept or extra:
                operation["parameters"] = kept + extra
            for status, response in list(operation["responses"].items()):
                if any(REF + name in json.dumps(response) for name in UNSENT):
                    del operation["responses"][status]  # a route that takes no input Powertools validates
    schemas = document["components"]["schemas"]
    for name in UNSENT:
        schemas.pop(name, None)
    vendor = schemas["JobRequest"]["properties"]["vendor"]
    vendor.pop("pattern", None)
    vendor["enum"] = ["auto", *vendors]
    document["webhooks"] = _notifications(schemas)
    document["components"]["schemas"] = dict(sorted(schemas.items()))
    return document


@cache
def document() -> str:
    """Every router included in one resolver, for the schema only (it serves nothing)."""
    from adforge import bootstrap
    from adforge.api.routes import jobs, shop_webhooks, vendor_callbacks

    everything = APIGatewayRestResolver(enable_validation=True)
    for routes in (jobs.router, vendor_callbacks.router, shop_webhooks.router, router):
        everything.include_router(routes)
    generated = everything.get_openapi_json_schema(
        title=TITLE,
        version=VERSION,
        summary="Product photos in, AI ad creatives out, through the merchant's own vendors.",
        servers=[Server(url="/")],
        security_schemes={"bearerAuth": HTTPBearer(description="The tenant's API key: `Authorization: Bearer <key>`")},
        security=[{"bearerAuth": []}],
        tags=[
            Tag(name="jobs", description="Create, follow and cancel jobs"),
            Tag(name="uploads", description="Presigned uploads of product photos"),
            Tag(name="vendors", description="What each vendor can do, and its health"),
            Tag(name="webhooks", description="Called by vendors and stores, not by API clients (no API key)"),
            Tag(name="notifications", description="What AdForge sends to a job's webhook_url"),
        ],
    )
    return json.dumps(finish(json.loads(generated), sorted(bootstrap.capabilities())))


@router.get("/v1/openapi.json", include_in_schema=False)
def openapi() -> dict[str, Any]:
    return dict(json.loads(document()))
