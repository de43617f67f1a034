"""Workflow step: one status call to the vendor (the fallback when the webhook is late)."""

from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap
from adforge.api.observability import observed

logger = Logger(service="poll")


@observed("poll")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = bootstrap.poller().poll(event["job_id"], event.get("wait"), event.get("slot"))
    logger.info("poll step", extra={"outcome": result})
    return result
