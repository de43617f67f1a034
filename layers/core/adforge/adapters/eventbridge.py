"""Lifecycle events to an EventBridge bus, refusing partial failure."""

from __future__ import annotations

import json
from typing import Any

from adforge.domain.events import SOURCE, JobEvent, event_detail
from adforge.domain.models import Job


class EventPublishFailed(Exception):
    """The bus rejected an entry (FailedEntryCount > 0)."""


class EventBridgePublisher:
    """`EventPublisher` over a boto3 EventBridge client."""

    def __init__(self, client: Any, bus_name: str) -> None:
        self._client = client
        self._bus = bus_name

    def publish(self, event: JobEvent, job: Job) -> None:
        entry: dict[str, Any] = {
            "Source": SOURCE,
            "DetailType": event.value,
            "Detail": json.dumps(event_detail(job)),
            "EventBusName": self._bus,
            "Resources": [],
        }
        response = self._client.put_events(Entries=[entry])
        if response.get("FailedEntryCount", 0):
            failed = response["Entries"][0]
            raise EventPublishFailed(f"{event.value} for job {job.id}: {failed.get('ErrorCode')} {failed.get('ErrorMessage')}")
