"""The one error-to-status table of the HTTP API: every error a route lets through, answered in the one error shape.

A route raises (or lets through) typed errors and never picks a status itself; `answer` finds the row of the most
specific class in the table. Where an error's own message must not be shown (a signature check says nothing of
why it failed, a missing job nothing of whose it is), the row gives the message. Anything not in the table is a 500
with no detail (adforge.api.http).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from adforge.domain.errors import InputRejected, JobNotFound, TransitionRejected
from adforge.domain.signatures import SignatureInvalid
from adforge.ports.assets import FetchFailed, FetchRefused
from adforge.ports.jobs import InvalidCursor
from adforge.ports.shops import PayloadInvalid, UnknownPlatform
from adforge.services.intake import ServiceUnavailable
from adforge.services.updates import NotYetSubmitted, UnknownGeneration
from adforge.services.vendor_callbacks import CallbackUnreadable, UnknownVendor


class ApiError(Exception):
    """An answer a route decides itself (a missing tenant, a header it refuses, a queue it could not reach)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Row:
    status: int
    code: str | None = None  # None: the error's own `code`
    message: str | None = None  # None: the error's own message


TABLE: dict[type[Exception], Row] = {
    # jobs and uploads
    JobNotFound: Row(404, message="no such job"),
    InputRejected: Row(422),
    FetchRefused: Row(422),  # its message is always the same (adforge.ports.assets)
    FetchFailed: Row(422, code="image_fetch_failed"),
    InvalidCursor: Row(400),
    TransitionRejected: Row(409),
    ServiceUnavailable: Row(503),
    IdempotencyValidationError: Row(409, "idempotency_key_reused", "this Idempotency-Key was used with a different request"),
    IdempotencyAlreadyInProgressError: Row(
        409, "idempotency_in_progress", "a request with this Idempotency-Key is still running; retry"
    ),
    # inbound vendor callbacks and shop webhooks (an unknown shop is a SignatureInvalid: answered alike)
    SignatureInvalid: Row(401, "invalid_signature", "signature verification failed"),
    UnknownVendor: Row(404),
    UnknownPlatform: Row(404),
    CallbackUnreadable: Row(400, "malformed_payload", "the payload is not a readable update"),
    PayloadInvalid: Row(400),
    UnknownGeneration: Row(404, message="no such generation"),
    NotYetSubmitted: Row(409, message="not ready for this update yet; retry later"),
}


def answer(error: Exception) -> tuple[int, str, str] | None:
    """(status, code, message) for `error`, or None when no row covers it (a 500)."""
    if isinstance(error, ApiError):
        return error.status, error.code, error.message
    for cls in type(error).__mro__:
        row = TABLE.get(cls)
        if row is not None:
            code = row.code or str(getattr(error, "code", "error"))
            return row.status, code, row.message or str(getattr(error, "message", None) or error)
    return None
