"""Ports of the outbound job notifications: each tenant's signing secret, the signer, and one POST to a merchant's
webhook URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class WebhookSecretMissing(LookupError):
    """The tenant has no webhook secret yet (the secrets adapter's `ensure_secret` creates one)."""

    code = "webhook_secret_missing"


class TenantWebhookSecrets(Protocol):
    """Each tenant's signing secret."""

    def secret_for(self, tenant_id: str) -> str:
        """The tenant's `whsec_<base64>` secret; raises `WebhookSecretMissing` when it has none."""


class WebhookSigner(Protocol):
    """Standard Webhooks signatures."""

    def sign(self, secret: str, message_id: str, timestamp: int, body: str) -> str:
        """The `webhook-signature` header value of `body` sent as `message_id` at `timestamp` (Unix seconds)."""


@dataclass(frozen=True)
class PostResult:
    """What one POST came to: an HTTP status, or why there was none."""

    status: int | None = None
    retry_after: str | None = None
    reason: str = ""
    refused: bool = False  # the destination is not allowed: nothing was sent


class WebhookPoster(Protocol):
    """One POST to a webhook URL."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> PostResult:
        """Never raises for the destination's behaviour: failures come back in the result."""
