"""Workflow step: one status call to the vendor (the fallback when the webhook is late)."""

from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap

logger = Logger(service="poll")


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return bootstrap.poller().poll(event["job_id"], event.get("wait"), event.get("slot"))
