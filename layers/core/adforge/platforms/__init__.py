"""Shopify and WooCommerce product webhooks, read: each platform module verifies and reads one delivery (pure
functions) into the platform-neutral `ProductEvent` (adforge.domain.shops); `replays` states what decides that a
delivery is worked (the signed body only); `readers` names the readers by platform. This module holds the helpers
the platform modules share. The shop directory and product ledger are adapters (adforge.adapters.dynamodb_shops).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from adforge.domain.shops import ProductImageRef
from adforge.domain.signatures import SignatureInvalid
from adforge.ports.shops import PayloadInvalid


def verify_base64_hmac(raw_body: bytes, provided: str | None, secret: str) -> None:
    """Check a header holding base64(HMAC-SHA256(secret, raw body)), in constant time."""
    if not provided:
        raise SignatureInvalid("signature header missing")
    expected = base64.b64encode(hmac.new(secret.encode(), raw_body, hashlib.sha256).digest())
    if not hmac.compare_digest(expected, provided.strip().encode()):
        raise SignatureInvalid("signature does not match the body")


def json_object(raw_body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(raw_body)
    except ValueError as error:  # also UnicodeDecodeError
        raise PayloadInvalid("body is not JSON") from error
    if not isinstance(payload, dict):
        raise PayloadInvalid("body is not a JSON object")
    return payload


def numeric_id(value: object) -> str | None:
    """Platform ids are integers (sometimes sent as strings); anything else is no id."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**20:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        return value
    return None


def product_id(payload: dict[str, Any]) -> str:
    found = numeric_id(payload.get("id"))
    if found is None:
        raise PayloadInvalid("product id missing or not numeric")
    return found


def stable_url(url: str) -> str:
    """The URL without query and fragment (`?v=<timestamp>`, resize hints): what names the file."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}"


def image_refs(candidates: Iterable[tuple[object, object]]) -> list[ProductImageRef]:
    """(id, src) pairs in payload order -> refs; entries without a numeric id or an http(s) src are
    skipped, and a file listed twice (same stable URL) counts once."""
    refs: list[ProductImageRef] = []
    seen: set[str] = set()
    for raw_id, src in candidates:
        image_id = numeric_id(raw_id)
        if image_id is None or not isinstance(src, str) or not src.startswith(("https://", "http://")) or len(src) > 2048:
            continue
        stable = stable_url(src)
        if stable in seen:
            continue
        seen.add(stable)
        fingerprint = hashlib.sha256(f"{image_id}\n{stable}".encode()).hexdigest()
        refs.append(ProductImageRef(image_id=image_id, url=src, fingerprint=fingerprint))
    return refs
