"""Delivers EventBridge rule matches to their Lambda targets, as Lambda's asynchronous invoke would.

moto's EventBridge does not call Lambda, so each rule (created from template.yaml) targets a relay
queue instead; this drains the queues, invokes the rule's functions, retries a failed invocation as
many times as the function's EventInvokeConfig says, then sends the event to its OnFailure queue.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from adforge_local.provision import QueueSource, RelayedRule

REDELIVERY_SECONDS = 1  # how soon a failed SQS message comes back (the queue's own timeout is minutes)


def _sqs_record(message: dict[str, Any]) -> dict[str, Any]:
    """A received message in the shape Lambda's SQS poller hands to a function."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "awsRegion": "us-east-1",
    }


class EventRelay:
    def __init__(self, rules: list[RelayedRule], sources: list[QueueSource], sqs: Any, lambda_client: Any) -> None:
        self._rules = [rule for rule in rules if rule.functions]
        self._sources = sources
        self._sqs = sqs
        self._lambda = lambda_client
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-relay", daemon=True)
        self.delivered: list[tuple[str, str]] = []  # (function, event id)
        self.failed: list[tuple[str, str]] = []

    def idle(self) -> bool:
        """No message waiting in any relayed queue (in flight ones count as waiting)."""
        urls = [rule.queue_url for rule in self._rules] + [source.queue_url for source in self._sources]
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        return all(
            not any(int(v) for v in self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"].values())
            for url in urls
        )

    def start(self) -> EventRelay:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            idle = True
            for rule in self._rules:
                messages = self._sqs.receive_message(QueueUrl=rule.queue_url, MaxNumberOfMessages=10).get("Messages", [])
                for message in messages:
                    idle = False
                    self._deliver(rule, message["Body"])
                    self._sqs.delete_message(QueueUrl=rule.queue_url, ReceiptHandle=message["ReceiptHandle"])
            for source in self._sources:
                idle = not self._poll(source) and idle
            if idle:
                self._stop.wait(0.1)

    def _poll(self, source: QueueSource) -> bool:
        """One SQS batch to the function, like Lambda's poller: processed messages are deleted, failed ones return."""
        batch = self._sqs.receive_message(
            QueueUrl=source.queue_url,
            MaxNumberOfMessages=source.batch_size,
            VisibilityTimeout=REDELIVERY_SECONDS,
            AttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            return False
        records = [_sqs_record(message) for message in batch]
        answer = self._lambda.invoke(FunctionName=source.function, Payload=json.dumps({"Records": records}))
        result = json.loads(answer["Payload"].read() or b"null")
        if "FunctionError" in answer:
            return True  # the whole batch comes back after the visibility timeout (and, in time, to the DLQ)
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])} if source.partial_failures else set()
        for message in batch:
            if message["MessageId"] not in failed:
                self._sqs.delete_message(QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return True

    def _deliver(self, rule: RelayedRule, body: str) -> None:
        event_id = str(json.loads(body).get("id"))
        for function in rule.functions:
            for _ in range(1 + rule.retries):
                answer = self._lambda.invoke(FunctionName=function, Payload=body)
                answer["Payload"].read()
                if "FunctionError" not in answer:
                    self.delivered.append((function, event_id))
                    break
            else:
                self.failed.append((function, event_id))
                if rule.failure_queue_url:
                    self._sqs.send_message(QueueUrl=rule.failure_queue_url, MessageBody=body)
