"""Shopify `products/create` and `products/update` deliveries: verify the HMAC on the raw body, then read.

Only the body is signed; the headers (shop, topic, webhook id, trigger time) are not, so the shop and
topic only find the secret and route, and the webhook id and trigger time are logged, never trusted:
a replay is recognised by its body (`adforge.platforms.replays`), which carries the product's own
`updated_at`. There is no replay window on `X-Shopify-Triggered-At`: a replayer drops the header, and
Shopify's own retries of a delivery keep coming for hours (with its original trigger time).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adforge.domain.shops import ProductEvent, ProductImageRef
from adforge.domain.signatures import header
from adforge.platforms import image_refs, json_object, product_id, verify_base64_hmac
from adforge.platforms.replays import body_digest, modified_at, unsigned_header

PLATFORM = "shopify"
TOPICS = frozenset({"products/create", "products/update"})
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


def read(raw_body: bytes, headers: Mapping[str, str], shop: str, secret: str) -> ProductEvent | None:
    """Verify, then parse; None for a verified topic we do not act on. The product's `updated_at`
    (always sent with its UTC offset) is required: `PayloadInvalid` without it."""
    verify_base64_hmac(raw_body, header(headers, "X-Shopify-Hmac-Sha256"), secret)
    topic = (header(headers, "X-Shopify-Topic") or "").strip()
    if topic not in TOPICS:
        return None
    payload = json_object(raw_body)
    product = product_id(payload)
    return ProductEvent(
        platform=PLATFORM,
        shop=shop,
        topic=topic,
        body_sha256=body_digest(raw_body),
        product_id=product,
        resource_id=product,
        updated_at=modified_at(payload.get("updated_at"), "updated_at", naive_is_utc=False),
        title=str(payload.get("title") or ""),
        images=images(payload),
        delivery_id=unsigned_header(headers, "X-Shopify-Webhook-Id"),
        triggered_at=unsigned_header(headers, "X-Shopify-Triggered-At"),
    )


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
