"""Workflow step: record why the job failed (or timed out) and announce it."""

import json
from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap
from adforge.api.observability import observed
from adforge.api.step_errors import code_for_error

logger = Logger(service="fail")


def _reason(error: dict[str, Any]) -> tuple[str, str]:
    """`{"Error", "Cause"}` from a Catch -> (code, message)."""
    name = str(error.get("Error", "States.Runtime"))
    cause = error.get("Cause") or ""
    try:
        message = str(json.loads(cause).get("errorMessage", cause))
    except (ValueError, AttributeError):
        message = str(cause)
    return code_for_error(name), message[:500] or name


@observed("fail")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = record_failure(event)
    logger.info("fail step", extra={"outcome": result})
    return result


def record_failure(event: dict[str, Any]) -> dict[str, Any]:
    if event.get("reason") == "deadline":
        return bootstrap.completer().fail(
            event["job_id"], "deadline_exceeded", "the vendor did not finish before the deadline", timed_out=True
        )
    if event.get("reason") == "vendor_failed":
        return bootstrap.completer().vendor_failed(event["job_id"])
    code, message = _reason(event.get("error") or {})
    return bootstrap.completer().fail(event["job_id"], code, message)
