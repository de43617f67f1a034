"""Workflow step: stream the vendor's outputs into S3 and complete the job."""

from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap

logger = Logger(service="collect")


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return bootstrap.completer().collect(event["job_id"])
