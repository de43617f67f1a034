"""Delivers EventBridge rule matches to their Lambda targets, as Lambda's asynchronous invoke would.

moto's EventBridge does not call Lambda, so each rule (created from template.yaml) targets a relay
queue instead; this drains the queues, invokes the rule's functions, retries a failed invocation as
many times as the function's EventInvokeConfig says, then sends the event to its OnFailure queue.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from adforge_local.provision import RelayedRule


class EventRelay:
    def __init__(self, rules: list[RelayedRule], sqs: Any, lambda_client: Any) -> None:
        self._rules = [rule for rule in rules if rule.functions]
        self._sqs = sqs
        self._lambda = lambda_client
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-relay", daemon=True)
        self.delivered: list[tuple[str, str]] = []  # (function, event id)
        self.failed: list[tuple[str, str]] = []

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
            if idle:
                self._stop.wait(0.1)

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
