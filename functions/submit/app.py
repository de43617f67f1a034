"""Workflow step: submit the job to its vendor."""

from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap
from adforge.api.observability import observed

logger = Logger(service="submit")


@observed("submit")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = bootstrap.submitter().submit(event["job_id"], event.get("slot"))
    logger.info("submit step", extra={"outcome": result})
    return result
