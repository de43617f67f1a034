"""Product webhooks from e-commerce platforms, in two steps: `accept` (verify and claim, fast enough for
Shopify's 5-second budget) and `process` (one job per changed product image, later, in a worker).

Replays are refused by what the signature covers only (`adforge.platforms.replays`): a body is claimed
once, and a product's update is worked only when its signed `updated_at` is newer than any accepted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from adforge.domain.errors import InputRejected
from adforge.domain.models import Frozen, JobError, JobRequest
from adforge.domain.shops import ProductEvent, ProductImageRef, ShopConfig
from adforge.ports.assets import FetchFailed, FetchRefused
from adforge.ports.shops import JobCreator, PlatformReader, ProductLedger, ShopDirectory, UnknownPlatform, UnknownShop

log = logging.getLogger(__name__)

# refusals of one image's job (unusable file or URL, or a recipe no vendor serves), as opposed to outages
IMAGE_ERRORS = (InputRejected, FetchRefused, FetchFailed)


class ImageOutcome(Frozen):
    """What `process` did with one image of the product."""

    image_id: str
    status: Literal["created", "unchanged", "rejected"]
    job_id: str | None = None
    error: JobError | None = None


def job_request(recipe: JobRequest, event: ProductEvent, image: ProductImageRef) -> JobRequest:
    """The shop's recipe, for this image, tagged with where it came from."""
    tags = {"platform": event.platform, "shop": event.shop, "product_id": event.product_id, "image_id": image.image_id}
    return JobRequest.model_validate(
        {**recipe.model_dump(), "image": {"url": image.url}, "metadata": {**recipe.metadata, **tags}}
    )


@dataclass
class ShopWebhooks:
    directory: ShopDirectory
    ledger: ProductLedger
    intake: JobCreator
    platforms: Mapping[str, PlatformReader]  # adforge.platforms.readers

    def accept(self, platform: str, raw_body: bytes, headers: Mapping[str, str]) -> ProductEvent | None:
        """The verified delivery to hand to a worker; None when there is nothing to do (a ping, a topic
        not acted on, a body already claimed, an update no newer than one accepted): answer 200 either way.

        The body's digest is claimed first, then the product's `updated_at` is recorded, only forward
        (a conditional write); when that write fails the claim is released, so the retry is taken.
        Unsigned headers (delivery id, trigger time) are only logged.

        Raises `UnknownPlatform`, `UnknownShop` (a `SignatureInvalid`: answer both alike, so that
        nobody learns which shops exist), `SignatureInvalid`, `PayloadInvalid` (also for a product
        without a readable `updated_at`).
        """
        reader = self.platforms.get(platform)
        if reader is None:
            raise UnknownPlatform(f"no webhooks are taken for {platform[:40]!r}")
        if reader.is_ping(raw_body, headers):
            log.info("%s ping acknowledged", platform)
            return None
        shop = reader.shop_of(headers)
        config = self.directory.find(platform, shop) if shop else None
        if shop is None or config is None:
            raise UnknownShop("no shop is registered under this delivery's shop header")
        event = reader.read(raw_body, headers, shop, config.secret)
        if event is None:
            log.info("%s delivery for %s ignored: topic not acted on", platform, shop)
            return None
        if not self.ledger.claim_delivery(platform, shop, event.body_sha256):
            log.info("%s delivery %s: body %s already taken", platform, event.delivery_id, event.body_sha256[:12])
            return None
        try:
            newer = self.ledger.record_update(platform, shop, event.resource_id, event.updated_at)
        except Exception:
            self.ledger.release_delivery(platform, shop, event.body_sha256)
            raise
        if not newer:
            log.warning(
                "%s delivery %s (triggered at %s): %s %s updated_at %s is not newer than the last accepted; dropped",
                platform,
                event.delivery_id,
                event.triggered_at,
                shop,
                event.resource_id,
                event.updated_at.isoformat(),
            )
            return None
        return event

    def release(self, event: ProductEvent) -> None:
        """Call when an accepted delivery could not be handed on (then answer 5xx): the retry is taken."""
        self.ledger.undo_update(event.platform, event.shop, event.resource_id, event.updated_at)
        self.ledger.release_delivery(event.platform, event.shop, event.body_sha256)

    def process(self, event: ProductEvent) -> list[ImageOutcome]:
        """One job per image that is new or changed, unless a newer update of the product was accepted
        since (the queue keeps no order: the newer one is the product's state). Only a created job makes
        an image seen: an image refused for its own sake (or the recipe's) is reported without blocking
        the others and is tried again with the product's next delivery; any other failure is raised, so
        that processing the same event again (the worker's retry) redoes exactly what is missing."""
        config = self.directory.find(event.platform, event.shop)
        if config is None:
            log.warning("%s shop %s is no longer registered; product %s skipped", event.platform, event.shop, event.product_id)
            return []
        latest = self.ledger.latest_update(event.platform, event.shop, event.resource_id)
        if latest is not None and latest > event.updated_at:
            log.info(
                "%s product %s update of %s overtaken by %s; skipped",
                event.platform,
                event.product_id,
                event.updated_at.isoformat(),
                latest.isoformat(),
            )
            return []
        return [self._take(config, event, image) for image in event.images]

    def _take(self, config: ShopConfig, event: ProductEvent, image: ProductImageRef) -> ImageOutcome:
        if not self.ledger.image_changed(event.platform, event.shop, event.product_id, image):
            return ImageOutcome(image_id=image.image_id, status="unchanged")
        try:
            job = self.intake.create(config.tenant_id, job_request(config.recipe, event, image))
        except Exception as error:
            self.ledger.forget_image(event.platform, event.shop, event.product_id, image)
            if not isinstance(error, IMAGE_ERRORS):
                raise
            log.info("%s product %s image %s refused: %s", event.platform, event.product_id, image.image_id, error)
            rejection = JobError(code=error.code, message=str(error)[:500])
            return ImageOutcome(image_id=image.image_id, status="rejected", error=rejection)
        return ImageOutcome(image_id=image.image_id, status="created", job_id=job.id)
