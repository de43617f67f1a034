"""Workflow step: submit the job to its vendor."""

from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap

logger = Logger(service="submit")


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return bootstrap.submitter().submit(event["job_id"], event.get("slot"))
