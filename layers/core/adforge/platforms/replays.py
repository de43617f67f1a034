"""The replay rule for product webhooks: only what the signature covers decides whether work is done.

Shopify and WooCommerce sign the raw body and nothing else. Anyone holding one captured delivery can
resend it with any headers they like (a fresh `X-Shopify-Webhook-Id` / `X-WC-Webhook-Delivery-ID`, no
`X-Shopify-Triggered-At`), so acceptance rests on the body alone:

1. Deduplication keys on the SHA-256 of the signed raw body (`body_digest`), per platform and shop.
2. The product's own modification time, read from the signed body (Shopify `updated_at`, WooCommerce
   `date_modified_gmt`, else `date_modified`), must be strictly newer than the last one accepted for
   that product: the ledger advances it with a conditional write, so it only ever moves forward, and
   an older or equal update is never worked twice, whatever its headers. A body without a readable
   modification time is malformed (400), never trusted.
3. The worker skips an accepted update that a newer one has overtaken on the queue.
4. Unsigned delivery headers are kept for the logs (`unsigned_header`) and decide nothing.

The cost, on purpose: two different bodies for one product with the same timestamp (both platforms
send whole seconds) are worked once, the first to arrive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

from adforge.domain.signatures import header
from adforge.ports.shops import PayloadInvalid

UNSIGNED_MAX = 256


def body_digest(raw_body: bytes) -> str:
    """What identifies a delivery: the hex SHA-256 of exactly the bytes the signature covers."""
    return hashlib.sha256(raw_body).hexdigest()


def unsigned_header(headers: Mapping[str, str], name: str) -> str | None:
    """An unsigned header's value, trimmed and bounded, for the logs only."""
    value = (header(headers, name) or "").strip()
    return value[:UNSIGNED_MAX] or None


def modified_at(value: object, field: str, *, naive_is_utc: bool) -> datetime:
    """An ISO 8601 timestamp from the signed body, in UTC. A value without a UTC offset is read as UTC
    when `naive_is_utc`, else refused; anything missing or unreadable is `PayloadInvalid`."""
    if not isinstance(value, str) or not value.strip():
        raise PayloadInvalid(f"{field} missing or not a timestamp string")
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise PayloadInvalid(f"{field} is not an ISO 8601 timestamp") from error
    if stamp.tzinfo is None:
        if not naive_is_utc:
            raise PayloadInvalid(f"{field} has no UTC offset")
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)
