"""CreativeAI webhook deliveries: verify `X-CreativeAI-Signature` on the raw body, then read."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime

from adforge.domain.models import VendorUpdate
from adforge.domain.signatures import SignatureInvalid, header, verify_prefixed_hex
from adforge.vendors.creativeai.transform import delivery_update

REPLAY_WINDOW_SECONDS = 15 * 60


def _completed_at(payload: dict[str, object]) -> float | None:
    """None when absent (an in-progress delivery); anything but an ISO timestamp is refused, so that a forged
    type cannot skip the replay window."""
    value = payload.get("completed_at")
    if value is None:
        return None
    if not isinstance(value, str):
        raise SignatureInvalid("completed_at is not a timestamp")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError as error:
        raise SignatureInvalid("completed_at is not a timestamp") from error


class CreativeAIWebhooks:
    """`WebhookReader` for CreativeAI: one generation's delivery, or a batch's (`video.batch`)."""

    def __init__(self, secret: str, clock: Callable[[], float]) -> None:
        self._secret = secret
        self._clock = clock

    def read(
        self, raw_body: bytes, headers: Mapping[str, str], query: Mapping[str, str] | None = None
    ) -> tuple[str, VendorUpdate]:
        verify_prefixed_hex(raw_body, header(headers, "X-CreativeAI-Signature"), self._secret)
        payload = json.loads(raw_body)
        if not isinstance(payload, dict):
            raise SignatureInvalid("payload is not an object")
        stamp = _completed_at(payload)
        if stamp is not None and abs(self._clock() - stamp) > REPLAY_WINDOW_SECONDS:
            raise SignatureInvalid("delivery is outside the replay window")
        update = delivery_update(payload)
        delivery_id = header(headers, "X-CreativeAI-Delivery-Id") or update.vendor_job_id
        return delivery_id, update


def build_reader(secret: Mapping[str, str], clock: Callable[[], float]) -> CreativeAIWebhooks:
    """The signing secret we configured at CreativeAI ("X-CreativeAI-Signature is included when a signing
    secret is configured"), kept as `webhook_secret` in this vendor's entry; without it, the API key (the doc's
    tip: "Use your API key as the HMAC secret")."""
    return CreativeAIWebhooks(secret.get("webhook_secret") or secret["api_key"], clock)
