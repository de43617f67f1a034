"""Workflow step: stream the vendor's outputs into S3 and complete the job."""

from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap
from adforge.api.observability import observed

logger = Logger(service="collect")


@observed("collect")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = bootstrap.completer().collect(event["job_id"])
    logger.info("collect step", extra={"outcome": result})
    return result
