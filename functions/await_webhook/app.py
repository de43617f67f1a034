"""Workflow step (waitForTaskToken): park the task token on the job until the vendor's webhook."""

from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap
from adforge.api.observability import observed

logger = Logger(service="await-webhook")


@observed("await-webhook")
def lambda_handler(event: dict[str, Any], context: Any) -> None:
    bootstrap.recorder().wait_for_webhook(event["job_id"], event["task_token"])
    logger.info("waiting for the vendor's webhook")
