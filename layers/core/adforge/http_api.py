"""One error shape for every HTTP answer: status, machine-readable code, human message, request id."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from adforge.adapters.dynamodb_jobs import InvalidCursor
from adforge.adapters.http_fetch import FetchFailed
from adforge.adapters.ssrf_guard import FetchRefused
from adforge.domain.errors import InputRejected, JobNotFound, TransitionRejected
from adforge.services.intake import ServiceUnavailable


class ApiError(Exception):
    """Raised by a route to answer with a given status and code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def request_id(app: APIGatewayRestResolver) -> str:
    context = app.current_event.raw_event.get("requestContext") or {}
    return str(context.get("requestId", "local"))


def error_response(app: APIGatewayRestResolver, status: int, code: str, message: str) -> Response[str]:
    body = {"error": {"code": code, "message": message, "request_id": request_id(app)}}
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(body))


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("body",))
        parts.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
    return "; ".join(parts) or "request is invalid"


def install_error_handlers(app: APIGatewayRestResolver) -> None:
    """Map every expected failure to the one error shape; anything else is a 500 with no detail."""

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[str]:
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
        import base64

        return base64.b64decode(body)
    return body.encode()


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def http_function(
    service: str, *routers: Router, validation: bool = False, before: Callable[[Any], None] | None = None
) -> Handler:
    """A Lambda handler serving `routers` with the one error shape, Powertools logging, and an optional
    per-invocation hook (e.g. registering the context for idempotency)."""
    logger = Logger(service=service)
    app = APIGatewayRestResolver(enable_validation=validation)
    install_error_handlers(app)
    for router in routers:
        app.include_router(router)

    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if before is not None:
            before(context)
        return app.resolve(event, context)

    return handler
