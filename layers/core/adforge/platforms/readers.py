"""The platforms whose product webhooks are read, by name."""

from __future__ import annotations

from collections.abc import Mapping

from adforge.platforms import shopify, woocommerce
from adforge.ports.shops import PlatformReader, UnknownPlatform

PLATFORMS: Mapping[str, PlatformReader] = {shopify.PLATFORM: shopify, woocommerce.PLATFORM: woocommerce}


def platform_reader(platform: str) -> PlatformReader:
    reader = PLATFORMS.get(platform)
    if reader is None:
        raise UnknownPlatform(f"no product webhooks are taken from {platform[:40]!r}")
    return reader
