"""One error shape for every HTTP answer: status, machine-readable code, human message, request id."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType, RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, Field

from adforge.adapters.dynamodb_jobs import InvalidCursor
from adforge.adapters.http_fetch import FetchFailed
from adforge.adapters.ssrf_guard import FetchRefused
from adforge.domain.errors import InputRejected, JobNotFound, TransitionRejected
from adforge.observability import observed
from adforge.services.intake import ServiceUnavailable


class ApiError(Exception):
    """Raised by a route to answer with a given status and code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


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


def install_error_handlers(app: APIGatewayRestResolver) -> None:
    """Map every expected failure to the one error shape; anything else is a 500 with no detail."""

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

    @app.exception_handler(ApiError)
    def _api(error: ApiError) -> Response[str]:
        return error_response(app, error.status, error.code, error.message)

    @app.exception_handler(JobNotFound)
    def _missing(error: JobNotFound) -> Response[str]:
        return error_response(app, 404, error.code, "no such job")

    @app.exception_handler(InputRejected)
    def _input(error: InputRejected) -> Response[str]:
        return error_response(app, 422, error.code, error.message)

    @app.exception_handler(FetchRefused)
    def _refused(error: FetchRefused) -> Response[str]:
        return error_response(app, 422, error.code, str(error))

    @app.exception_handler(FetchFailed)
    def _fetch(error: FetchFailed) -> Response[str]:
        return error_response(app, 422, "image_fetch_failed", str(error))

    @app.exception_handler(InvalidCursor)
    def _cursor(error: InvalidCursor) -> Response[str]:
        return error_response(app, 400, error.code, error.message)

    @app.exception_handler(TransitionRejected)
    def _conflict(error: TransitionRejected) -> Response[str]:
        return error_response(app, 409, error.code, error.message)

    @app.exception_handler(ServiceUnavailable)
    def _unavailable(error: ServiceUnavailable) -> Response[str]:
        return error_response(app, 503, error.code, str(error))


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
    app = APIGatewayRestResolver(enable_validation=validation)
    install_error_handlers(app)
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
