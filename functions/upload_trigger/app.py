"""S3 "Object Created" (via EventBridge) under a tenant's incoming prefix -> one job per object version."""

from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap
from adforge.api.observability import observed

logger = Logger(service="upload-trigger")


@observed("upload-trigger")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    job_id = bootstrap.upload_trigger().handle(event["detail"])
    logger.info("upload trigger", extra={"key": event["detail"]["object"]["key"], "job_id": job_id})
    return {"job_id": job_id}
