"""Tells a merchant's webhook that a job finished: Standard Webhooks signing, bounded in-process retries.

One job outcome is one message: its `webhook-id` comes from the job (not the bus event), so retries,
duplicate events and platform redeliveries all carry the same id and receivers can dedup.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from adforge.domain.events import JobEvent
from adforge.ports.notifications import PostResult, TenantWebhookSecrets, WebhookPoster, WebhookSigner

EVENT_TYPES = {
    JobEvent.COMPLETED.value: "job.completed",
    JobEvent.FAILED.value: "job.failed",
    JobEvent.TIMED_OUT.value: "job.timed_out",
    JobEvent.CANCELLED.value: "job.cancelled",
}  # merchants' automations hear of every ending
MAX_ATTEMPTS = 4
BASE_DELAY = 1.0  # seconds; full jitter over 1, 2, 4 s
MAX_DELAY = 10.0  # longest in-process wait, for backoff and for a receiver's Retry-After


class DeliveryFailed(Exception):
    """Every in-process attempt failed transiently: the platform should redeliver (same webhook-id)."""

    def __init__(self, message_id: str, attempts: int, reason: str) -> None:
        super().__init__(f"webhook {message_id} not delivered after {attempts} attempts: {reason}")
        self.message_id = message_id
        self.attempts = attempts


@dataclass(frozen=True)
class DeliveryReport:
    """How a notification ended, when it ended without needing a redelivery."""

    outcome: Literal["delivered", "rejected", "refused", "skipped"]
    message_id: str | None = None
    attempts: int = 0
    status: int | None = None
    reason: str = ""


@dataclass
class OutboundNotifier:
    sender: WebhookPoster
    secrets: TenantWebhookSecrets
    signer: WebhookSigner
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    random: Callable[[], float]

    def notify(self, event: Mapping[str, Any]) -> DeliveryReport:
        """Deliver one EventBridge job event; raises `DeliveryFailed` when a later redelivery may succeed.

        A tenant without a secret raises the secrets port's error: nothing is ever sent unsigned.
        """
        event_type = EVENT_TYPES.get(event.get("detail-type", ""))
        detail: Mapping[str, Any] = event["detail"]
        url = detail.get("webhook_url")
        if event_type is None or not url:
            return DeliveryReport("skipped", reason="not a finished job" if event_type is None else "no webhook_url")
        message_id = f"msg_{detail['job_id']}_{detail['status']}"
        data = {name: value for name, value in detail.items() if name != "webhook_url"}
        body = json.dumps({"type": event_type, "timestamp": event["time"], "data": data}, sort_keys=True, separators=(",", ":"))
        secret = self.secrets.secret_for(detail["tenant_id"])
        for attempt in range(1, MAX_ATTEMPTS + 1):
            result = self.sender.post(url, body.encode(), self._headers(secret, message_id, body))
            if result.refused:
                return DeliveryReport("refused", message_id, attempt, reason=result.reason)
            if result.status is not None and 200 <= result.status < 300:
                return DeliveryReport("delivered", message_id, attempt, result.status)
            if result.status is not None and not _retryable(result.status):
                return DeliveryReport("rejected", message_id, attempt, result.status, f"answered {result.status}")
            delay = self._delay(attempt, result) if attempt < MAX_ATTEMPTS else None
            if delay is None:
                break
            self.sleep(delay)
        raise DeliveryFailed(message_id, attempt, result.reason or f"answered {result.status}")

    def _headers(self, secret: str, message_id: str, body: str) -> dict[str, str]:
        """Signed afresh for each attempt: the timestamp is the attempt's, the id and body stay the same."""
        timestamp = int(self.clock())
        signature = self.signer.sign(secret, message_id, timestamp, body)
        return {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}

    def _delay(self, attempt: int, result: PostResult) -> float | None:
        """Full-jitter backoff, or the receiver's Retry-After if longer; None if it asks for more than MAX_DELAY."""
        backoff = self.random() * min(MAX_DELAY, BASE_DELAY * 2.0 ** (attempt - 1))
        asked = _seconds_until(result.retry_after, self.clock()) if result.retry_after else None
        if asked is None:
            return backoff
        return max(asked, backoff) if asked <= MAX_DELAY else None


def _retryable(status: int) -> bool:
    return status >= 500 or status in (408, 429)


def _seconds_until(retry_after: str, now: float) -> float | None:
    """Retry-After as delta-seconds or an HTTP date; None when unreadable."""
    if retry_after.strip().isdigit():
        return float(retry_after)
    try:
        return max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
    except (TypeError, ValueError):
        return None
