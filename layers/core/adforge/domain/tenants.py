"""Tenants: their API keys (shown once, kept only as SHA-256 hashes, told apart by a shown prefix) and the Standard
Webhooks secret their outbound notifications are signed with. Pure rules; the items live in
adforge.adapters.dynamodb_tenants."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

KEY_PREFIX = "afk_"
SHOWN_CHARS = len(KEY_PREFIX) + 8  # the public part of a key (`afk_AbCd1234`): 48 of its ~256 random bits
MAX_KEY_CHARS = 128
WHSEC_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def may_be_a_key(api_key: str) -> bool:
    """A presented value that could be one of our keys (anything else is refused without a lookup)."""
    return api_key.startswith(KEY_PREFIX) and len(api_key) <= MAX_KEY_CHARS


def new_secret() -> str:
    """A Standard Webhooks symmetric secret: 32 random bytes, base64, `whsec_` prefix."""
    return WHSEC_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


class KeySelectionError(LookupError):
    """`--key-prefix` matched no live key of the tenant, or more than one."""


@dataclass(frozen=True)
class KeyRecord:
    key_hash: str
    tenant_id: str
    prefix: str  # "" for keys issued before prefixes were kept
    issued_at: int | None
    expires_at: int | None
    revoked_at: int | None

    def live(self, now: float) -> bool:
        """Refused once revoked or from its `expires_at` on, by the clock (TTL deletion lags and only tidies up)."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def selected_by(self, selector: str) -> bool:
        """`selector` is a prefix of the key's shown part, the whole key, or `sha256:<hex prefix>` (keys with no
        shown part)."""
        if selector.startswith("sha256:"):
            return len(selector) > len("sha256:") and self.key_hash.startswith(selector.removeprefix("sha256:"))
        shown = self.prefix
        return bool(shown) and (shown.startswith(selector) or selector.startswith(shown))
