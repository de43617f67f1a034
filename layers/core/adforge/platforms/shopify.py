"""Shopify `products/create` and `products/update` deliveries: verify the HMAC on the raw body, then read.

Only the body is signed; the headers (shop, topic, webhook id, trigger time) are not, so they are
used to find the secret, route, deduplicate and bound replays, never as facts about the product.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from adforge.platforms import (
    PayloadInvalid,
    ProductEvent,
    ProductImageRef,
    image_refs,
    json_object,
    product_id,
    verify_base64_hmac,
)
from adforge.vendors.signatures import SignatureInvalid, header

PLATFORM = "shopify"
TOPICS = frozenset({"products/create", "products/update"})
REPLAY_WINDOW_SECONDS = 15 * 60
SHOP_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]{0,99}\.myshopify\.com")


def shop_key(value: str) -> str:
    """`Example-Shop.myshopify.com` -> `example-shop.myshopify.com`; anything else is refused."""
    shop = value.strip().lower()
    if not SHOP_DOMAIN.fullmatch(shop):
        raise ValueError(f"not a myshopify.com domain: {value[:100]!r}")
    return shop


def shop_of(headers: Mapping[str, str]) -> str | None:
    value = header(headers, "X-Shopify-Shop-Domain")
    try:
        return shop_key(value) if value else None
    except ValueError:
        return None


def is_ping(raw_body: bytes, headers: Mapping[str, str]) -> bool:
    """Shopify sends no unsigned pings."""
    return False


def read(raw_body: bytes, headers: Mapping[str, str], shop: str, secret: str, now: float) -> ProductEvent | None:
    """Verify, bound replays, then parse; None for a verified topic we do not act on."""
    verify_base64_hmac(raw_body, header(headers, "X-Shopify-Hmac-Sha256"), secret)
    _check_fresh(header(headers, "X-Shopify-Triggered-At"), now)
    topic = (header(headers, "X-Shopify-Topic") or "").strip()
    if topic not in TOPICS:
        return None
    delivery_id = (header(headers, "X-Shopify-Webhook-Id") or "").strip()
    if not 0 < len(delivery_id) <= 256:
        raise PayloadInvalid("X-Shopify-Webhook-Id missing or too long")
    payload = json_object(raw_body)
    return ProductEvent(
        platform=PLATFORM,
        shop=shop,
        topic=topic,
        delivery_id=delivery_id,
        product_id=product_id(payload),
        title=str(payload.get("title") or ""),
        images=images(payload),
    )


def _check_fresh(triggered_at: str | None, now: float) -> None:
    if triggered_at is None:
        return
    try:
        stamp = datetime.fromisoformat(triggered_at.strip())
    except ValueError as error:
        raise SignatureInvalid("X-Shopify-Triggered-At is not a timestamp") from error
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    if abs(now - stamp.timestamp()) > REPLAY_WINDOW_SECONDS:
        raise SignatureInvalid("delivery is outside the replay window")


def images(payload: dict[str, Any]) -> list[ProductImageRef]:
    """`images[]` (every API version so far), else `media[]` (2024-07+, when `images` was filtered out
    by include_fields), else the featured `image`. One source only: their ids are different numbers."""
    listed = payload.get("images")
    if isinstance(listed, list):
        return image_refs((item.get("id"), item.get("src")) for item in listed if isinstance(item, dict))
    media = payload.get("media")
    if isinstance(media, list):
        return image_refs(
            (item.get("id"), _preview_src(item))
            for item in media
            if isinstance(item, dict) and item.get("media_content_type") == "IMAGE"
        )
    featured = payload.get("image")
    if isinstance(featured, dict):
        return image_refs([(featured.get("id"), featured.get("src"))])
    return []


def _preview_src(media: dict[str, Any]) -> object:
    preview = media.get("preview_image")
    return preview.get("src") if isinstance(preview, dict) else None
