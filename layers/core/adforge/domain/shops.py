"""Shops and their product deliveries: a registered shop (whose jobs, which secret, which recipe) and a verified
product delivery from Shopify or WooCommerce, platform-neutral (see adforge.platforms)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, model_validator

from adforge.domain.models import Frozen, JobRequest

NumericId = Annotated[str, Field(pattern=r"^[0-9]{1,20}$")]
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Unsigned = Annotated[str | None, Field(max_length=256)]
ImageUrl = Annotated[str, Field(pattern=r"^https?://", max_length=2048)]


class ProductImageRef(Frozen):
    """One product image; `fingerprint` changes only when the image itself does."""

    image_id: NumericId
    url: ImageUrl
    fingerprint: str


class ProductEvent(Frozen):
    """A verified product delivery, small enough to hand to a worker (`model_dump_json`).

    `body_sha256`, `resource_id` and `updated_at` come from the signed body and are what the replay
    rule (`adforge.platforms.replays`) decides on: `resource_id` is the resource the body describes (a
    WooCommerce variation, else the product itself, `product_id`) and `updated_at` its own modification
    time. `delivery_id` and `triggered_at` are unsigned headers, carried for the logs only.
    """

    platform: str
    shop: str
    topic: str
    body_sha256: Sha256Hex
    product_id: NumericId
    resource_id: NumericId
    updated_at: AwareDatetime
    title: str
    images: list[ProductImageRef]
    delivery_id: Unsigned = None
    triggered_at: Unsigned = None


HOOK_METADATA_KEYS = ("platform", "shop", "product_id", "image_id")
MAX_RECIPE_METADATA = 20 - len(HOOK_METADATA_KEYS)  # JobRequest takes 20 metadata entries


class ShopConfig(Frozen):
    """A registered shop: whose jobs its products make, the webhook secret, and the job recipe."""

    tenant_id: Annotated[str, Field(min_length=1, max_length=128)]
    secret: Annotated[str, Field(min_length=16, max_length=512, repr=False)]
    recipe: JobRequest

    @model_validator(mode="after")
    def _recipe_is_a_template(self) -> ShopConfig:
        if self.recipe.image is not None:
            raise ValueError("the recipe must not name an image: each product image fills it in")
        if len(self.recipe.metadata) > MAX_RECIPE_METADATA:
            raise ValueError(f"the recipe may carry at most {MAX_RECIPE_METADATA} metadata entries")
        return self
