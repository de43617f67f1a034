"""EventBridge subscriber: POST the finished job to its `webhook_url`, signed per Standard Webhooks.

A `DeliveryFailed` propagates so Lambda's asynchronous retries (EventInvokeConfig) redeliver later with
the same webhook-id, and the failure destination keeps what never got through.
"""

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap
from adforge.api.observability import observed

logger = Logger(service="notifier")


@observed("notifier")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    report = bootstrap.outbound_notifier().notify(event)
    logger.info("webhook notification", extra=asdict(report))
    return asdict(report)
