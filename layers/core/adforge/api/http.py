"""One error shape for every HTTP answer: status, machine-readable code, human message, request id."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType, RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, Field

from adforge.api.errors import TABLE, ApiError, answer
from adforge.api.observability import observed
from adforge.domain.signatures import SignatureInvalid


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable reason, e.g. `validation_error`, `job_not_found`")
    message: str = Field(description="For humans; may change")
    request_id: str = Field(description="Quote it when asking for support")


class ErrorResponse(BaseModel):
    """The one error shape of every 4xx and 5xx answer."""

    error: ErrorDetail


ERRORS: dict[int, str] = {
    400: "The request cannot be read: a body that is not UTF-8 JSON, a bad cursor or header, a malformed payload",
    401: "Missing or invalid API key (or, on webhook routes, a signature that does not verify)",
    403: "This API key may not call this route",
    404: "No such resource (jobs of other tenants are not found either)",
    409: "The request conflicts with the resource's state; see the code",
    413: "The body is over API Gateway's 10 MB payload limit (the gateway's own answer, in the error shape)",
    415: "The body is not `application/json`",
    422: "The request is readable but refused: schema validation or a business rule; see the code and message",
    503: "A dependency is unavailable; retry with backoff",
}


def responses(ok: dict[int, tuple[str, Any]], errors: Iterable[int]) -> dict[int, OpenAPIResponse]:
    """Powertools `responses=`: each success status with its model, each error status with the one error shape."""
    documented: dict[int, OpenAPIResponse] = {
        status: {"description": text, "content": {content_types.APPLICATION_JSON: {"model": model}}}
        for status, (text, model) in ok.items()
    }
    for status in sorted(errors):
        documented[status] = {
            "description": ERRORS[status],
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
    return documented


def optional_parameter(name: str, where: str, description: str = "") -> dict[str, Any]:
    """An OpenAPI parameter that may be absent (a webhook's signature headers, its query tokens), as a string."""
    parameter: dict[str, Any] = {"name": name, "in": where, "required": False, "schema": {"type": "string"}}
    if description:
        parameter["description"] = description
    return parameter


AUTHENTICATED = (401, 403)  # the authorizer's own answers (template.yaml's GatewayResponses), in the error shape
JSON_BODY = (400, 413, 415, 422)  # a body route: unreadable, too large, not JSON, or refused by the schema


def request_id(app: APIGatewayRestResolver) -> str:
    context = app.current_event.raw_event.get("requestContext") or {}
    return str(context.get("requestId", "local"))


def _error_json(status: int, code: str, message: str, request: str) -> str:
    return json.dumps({"error": {"code": code, "message": message, "request_id": request}})


def error_response(app: APIGatewayRestResolver, status: int, code: str, message: str) -> Response[str]:
    body = _error_json(status, code, message, request_id(app))
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("body",))
        parts.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
    return "; ".join(parts) or "request is invalid"


def install_error_handlers(app: APIGatewayRestResolver, logger: Logger) -> None:
    """Answer every expected failure in the one error shape (the table: adforge.api.errors); anything else is a 500
    with no detail."""

    @app.not_found
    def _no_route(error: Exception) -> Response[str]:  # e.g. a path parameter Powertools' route pattern will not take
        return error_response(app, 404, "not_found", "no such route")

    @app.exception_handler(RequestUnsupportedContentType)
    def _media(error: RequestUnsupportedContentType) -> Response[str]:
        return error_response(app, 415, "unsupported_media_type", "send the body as application/json")

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[str]:
        if any(item.get("type") == "json_invalid" for item in error.errors()):
            return error_response(app, 400, "malformed_json", "the body is not a JSON document")
        return error_response(app, 422, "validation_error", _validation_message(error))

    @app.exception_handler([ApiError, *TABLE])
    def _mapped(error: Exception) -> Response[str]:
        found = answer(error)
        assert found is not None, "every class registered here has a row"
        status, code, message = found
        if isinstance(error, SignatureInvalid):  # why it failed is logged, never answered
            logger.warning("signature refused", extra={"path": app.current_event.path, "reason": str(error)})
        return error_response(app, status, code, message)


def raw_body(app: Any) -> bytes:
    """The request body exactly as sent (signatures are computed over these bytes)."""
    event: dict[str, Any] = app.current_event.raw_event
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode()


def unreadable_body(event: dict[str, Any]) -> tuple[int, str, str] | None:
    """Why a JSON route cannot read this body (status, code, message), before any parsing; None when it can.

    Only `application/json` is taken (form and multipart bodies included: 415), and only UTF-8 (RFC 8259), so a
    UTF-16 document or stray bytes get a 400 instead of a decoding error deep inside the resolver."""
    body = event.get("body") or ""
    if not body:
        return None
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    media = str(headers.get("content-type") or "").split(";")[0].strip().lower()
    if media and media != content_types.APPLICATION_JSON:
        return 415, "unsupported_media_type", "send the body as application/json"
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else None
        if raw is not None:
            raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return 400, "invalid_encoding", "the body is not UTF-8 text"
    return None


def _refusal(event: dict[str, Any], status: int, code: str, message: str) -> dict[str, Any]:
    context = event.get("requestContext") or {}
    body = _error_json(status, code, message, str(context.get("requestId", "local")))
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": body,
        "isBase64Encoded": False,
    }


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def http_function(
    service: str, *routers: Router, validation: bool = False, before: Callable[[Any], None] | None = None
) -> Handler:
    """A Lambda handler serving `routers` with the one error shape, Powertools observability (`observed`), and an optional
    per-invocation hook (e.g. registering the context for idempotency). With `validation` (the JSON API),
    bodies that are not UTF-8 JSON are refused before routing; webhook routes verify the raw bytes as sent."""
    logger = Logger(service=service)  # the same service's Logger as `observed` makes: one configuration
    app = APIGatewayRestResolver(enable_validation=validation)
    install_error_handlers(app, logger)
    for router in routers:
        app.include_router(router)

    @observed(service)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if before is not None:
            before(context)
        refused = unreadable_body(event) if validation else None
        if refused is not None:
            return _refusal(event, *refused)
        return app.resolve(event, context)

    return handler
