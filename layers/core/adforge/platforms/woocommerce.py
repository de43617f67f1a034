"""WooCommerce `product.created` and `product.updated` deliveries, and the ping sent when a webhook is saved.

The ping (`webhook_id=<n>`, form-encoded) carries no signature, no shop and no data, and WooCommerce
keeps the webhook pending until it is answered with 200: it is recognised by its exact shape and
acknowledged without any lookup, so it can neither create work nor reveal whether a shop exists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from adforge.domain.shops import ProductEvent, ProductImageRef
from adforge.domain.signatures import header
from adforge.platforms import image_refs, json_object, numeric_id, product_id, verify_base64_hmac
from adforge.platforms.replays import body_digest, modified_at, unsigned_header

PLATFORM = "woocommerce"
TOPICS = frozenset({"product.created", "product.updated"})
PING_BODY = re.compile(rb"webhook_id=[0-9]{1,20}")


def shop_key(value: str) -> str:
    """The store's home URL (`X-WC-Webhook-Source`) as `host[:port][/path]`: scheme, case of the host
    and trailing slash do not make another shop."""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.username or parts.query or parts.fragment:
        raise ValueError(f"not a store URL: {value[:100]!r}")
    port = f":{parts.port}" if parts.port else ""  # .port raises ValueError when malformed
    key = f"{parts.hostname}{port}{parts.path.rstrip('/')}"
    if len(key) > 200 or any(ch.isspace() or not ch.isprintable() for ch in key):
        raise ValueError(f"not a store URL: {value[:100]!r}")
    return key


def shop_of(headers: Mapping[str, str]) -> str | None:
    value = header(headers, "X-WC-Webhook-Source")
    try:
        return shop_key(value) if value else None
    except ValueError:
        return None


def is_ping(raw_body: bytes, headers: Mapping[str, str]) -> bool:
    return header(headers, "X-WC-Webhook-Signature") is None and PING_BODY.fullmatch(raw_body.strip()) is not None


def read(raw_body: bytes, headers: Mapping[str, str], shop: str, secret: str) -> ProductEvent | None:
    """Verify, then parse; None for a verified topic we do not act on.

    WooCommerce sends no timestamp header, and its delivery id (a hash of the webhook id and the current
    second, shared by every delivery of that webhook in the same second) is unsigned: it is logged only.
    What the replay rule needs is in the signed body: the resource's `date_modified_gmt` (UTC without an
    offset), else `date_modified` (the store's wall clock, read the same way); one is required.
    """
    verify_base64_hmac(raw_body, header(headers, "X-WC-Webhook-Signature"), secret)
    topic = (header(headers, "X-WC-Webhook-Topic") or "").strip()
    if topic not in TOPICS:
        return None
    payload = json_object(raw_body)
    return ProductEvent(
        platform=PLATFORM,
        shop=shop,
        topic=topic,
        body_sha256=body_digest(raw_body),
        product_id=_product_id(payload),
        resource_id=product_id(payload),
        updated_at=_modified_at(payload),
        title=str(payload.get("name") or ""),
        images=images(payload),
        delivery_id=unsigned_header(headers, "X-WC-Webhook-Delivery-ID"),
    )


def _modified_at(payload: dict[str, Any]) -> datetime:
    field = "date_modified_gmt" if payload.get("date_modified_gmt") is not None else "date_modified"
    return modified_at(payload.get(field), field, naive_is_utc=True)


def images(payload: dict[str, Any]) -> list[ProductImageRef]:
    listed = payload.get("images")
    if not isinstance(listed, list):
        return []
    return image_refs((item.get("id"), item.get("src")) for item in listed if isinstance(item, dict))


def _product_id(payload: dict[str, Any]) -> str:
    """A variation (saving one fires `product.updated` too) shows one of its product's images: record it
    under the product, so the same image is not taken once per variation. (Its `date_modified` is its
    own: the replay rule keeps it under the variation's id, the event's `resource_id`.)"""
    parent = numeric_id(payload.get("parent_id"))
    if payload.get("type") == "variation" and parent is not None and parent != "0":
        return parent
    return product_id(payload)
