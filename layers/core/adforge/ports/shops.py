"""Ports of the shop webhooks: the platforms' delivery readers, the shop directory, the product ledger, and what
creates the jobs; with the errors the readers promise."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from adforge.domain.models import Job, JobRequest
from adforge.domain.shops import ProductEvent, ProductImageRef, ShopConfig
from adforge.domain.signatures import SignatureInvalid


class UnknownPlatform(LookupError):
    code = "unknown_platform"


class UnknownShop(SignatureInvalid):
    """No shop is registered under the delivery's shop header: answered exactly like a bad signature."""


class PayloadInvalid(ValueError):
    """A verified delivery whose body is not the product resource it should be."""

    code = "malformed_payload"


class PlatformReader(Protocol):
    """One platform's deliveries (the `shopify` and `woocommerce` modules)."""

    def shop_key(self, value: str) -> str:
        """The shop's canonical key; raises `ValueError` for a value that names no shop."""

    def shop_of(self, headers: Mapping[str, str]) -> str | None:
        """The canonical key of the shop a delivery claims to come from (unverified)."""

    def is_ping(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        """An unsigned set-up ping that carries nothing to act on."""

    def read(self, raw_body: bytes, headers: Mapping[str, str], shop: str, secret: str) -> ProductEvent | None:
        """Verify (`SignatureInvalid`) before parsing (`PayloadInvalid`, also for a body without a readable
        modification time); None for a topic not acted on."""


class ShopDirectory(Protocol):
    def find(self, platform: str, shop: str) -> ShopConfig | None:
        """The shop registered under its canonical key, if any."""


class ProductLedger(Protocol):
    """What was already seen: signed bodies (for a while), each product's latest accepted modification
    time, and each product image's fingerprint. See `adforge.platforms.replays` for the rule."""

    def claim_delivery(self, platform: str, shop: str, body_sha256: str) -> bool:
        """True only the first time a signed body is claimed for the shop (claims expire after a few days)."""

    def release_delivery(self, platform: str, shop: str, body_sha256: str) -> None:
        """Undo a claim whose work could not be handed on, so the platform's retry is taken."""

    def record_update(self, platform: str, shop: str, resource_id: str, updated_at: datetime) -> bool:
        """Atomically move the resource's modification time forward; True only when `updated_at` is
        strictly newer than every one recorded before (never for an older or equal one)."""

    def undo_update(self, platform: str, shop: str, resource_id: str, updated_at: datetime) -> None:
        """Undo `record_update` (only if nothing newer was recorded since), so the retry is newer again."""

    def latest_update(self, platform: str, shop: str, resource_id: str) -> datetime | None:
        """The latest modification time recorded for the resource, if any."""

    def image_changed(self, platform: str, shop: str, product_id: str, image: ProductImageRef) -> bool:
        """Record the image's fingerprint; True when the image is new or its fingerprint changed."""

    def forget_image(self, platform: str, shop: str, product_id: str, image: ProductImageRef) -> None:
        """Undo `image_changed` (if nothing newer was recorded since), so a retry sees the change again."""


class JobCreator(Protocol):
    """`JobIntake`, as far as product webhooks need it."""

    def create(self, tenant_id: str, request: JobRequest) -> Job:
        """Create and start a job; raises `InputRejected` (or the fetcher's errors) for unusable input."""
