"""An SQS queue that messages are handed to (the accepted product deliveries, for their worker)."""

from __future__ import annotations

from typing import Any


class SQSQueue:
    def __init__(self, sqs: Any, url: str) -> None:
        self._sqs, self._url = sqs, url

    def send(self, body: str) -> None:
        self._sqs.send_message(QueueUrl=self._url, MessageBody=body)
