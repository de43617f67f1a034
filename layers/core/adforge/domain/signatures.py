"""Signature checks of inbound deliveries (vendor callbacks, shop webhooks): pure functions over the raw body and
headers, constant-time compares, one typed error; verify before parsing."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


class SignatureInvalid(Exception):
    """A delivery whose signature is missing, malformed, wrong or outside the replay window."""

    code = "invalid_signature"


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup (API Gateway keeps the sender's casing)."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def hmac_sha256_hex(secret: str, raw_body: bytes) -> str:
    return hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def verify_prefixed_hex(raw_body: bytes, provided: str | None, secret: str, prefix: str = "sha256=") -> None:
    """Check a `sha256=<hex HMAC of the raw body>` header value."""
    if not provided or not provided.startswith(prefix):
        raise SignatureInvalid("signature header missing or malformed")
    expected = hmac_sha256_hex(secret, raw_body)
    if not hmac.compare_digest(expected.encode(), provided[len(prefix) :].strip().lower().encode()):
        raise SignatureInvalid("signature does not match the body")
