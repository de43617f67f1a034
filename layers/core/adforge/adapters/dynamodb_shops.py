"""The product-webhook ports on the single table.

Items: `SHOP#<platform>#<shop>` (tenant, secret, recipe), `DELIVERY#<platform>#<shop>#<body sha256>` (a
claim on a signed body, expiring after a few days), `PUPD#<platform>#<shop>#<resource>` (the latest
accepted modification time of a product or variation, in epoch microseconds, kept for good: it is what
refuses an old body replayed at any later time), `PIMG#<platform>#<shop>#<product>#<image>` (the image's
last fingerprint, expiring about a year after the image was last seen). Shop keys are canonical, ids
numeric and digests hex, so no key part can contain `#`. No item here has `tenant_id`/`created_at`, so
none shows up in the per-tenant job listing (the shop's tenant is its `owner`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from adforge.domain.errors import DomainError
from adforge.domain.shops import ProductImageRef, ShopConfig
from adforge.platforms.readers import platform_reader

DELIVERY_TTL_SECONDS = 3 * 24 * 3600  # longer than Shopify's 4 hours of retries; `PUPD#` outlives it
IMAGE_TTL_SECONDS = 400 * 24 * 3600
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NOTHING_RECORDED = 0  # `previous_us` of a first update: what undoing it goes back to


class ShopTaken(DomainError):
    """The shop is registered to another tenant."""

    code = "shop_taken"


def _is_conditional_failure(error: ClientError) -> bool:
    return bool(error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


def shop_item_key(platform: str, shop: str) -> dict[str, str]:
    return {"pk": f"SHOP#{platform}#{shop}"}


def delivery_item_key(platform: str, shop: str, body_sha256: str) -> dict[str, str]:
    return {"pk": f"DELIVERY#{platform}#{shop}#{body_sha256}"}


def update_item_key(platform: str, shop: str, resource_id: str) -> dict[str, str]:
    return {"pk": f"PUPD#{platform}#{shop}#{resource_id}"}


def micros(stamp: datetime) -> int:
    return (stamp - EPOCH) // timedelta(microseconds=1)


def image_item_key(platform: str, shop: str, product_id: str, image_id: str) -> dict[str, str]:
    return {"pk": f"PIMG#{platform}#{shop}#{product_id}#{image_id}"}


def _conditionally(write: Callable[[], object]) -> bool:
    """Run one conditional write; False when its condition did not hold (any other error is raised)."""
    try:
        write()
    except ClientError as error:
        if _is_conditional_failure(error):
            return False
        raise
    return True


class DynamoDBShopDirectory:
    """`ShopDirectory` over a boto3 Table resource, plus the admin path's `register_shop`."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def find(self, platform: str, shop: str) -> ShopConfig | None:
        item = self._table.get_item(Key=shop_item_key(platform, shop), ConsistentRead=True).get("Item")
        return ShopConfig.model_validate_json(str(item["doc"])) if item else None

    def register_shop(self, platform: str, shop: str, config: ShopConfig) -> str:
        """Store a shop's config (again, for its own tenant: new secret or recipe); returns the canonical
        shop key. Raises `UnknownPlatform`, `ValueError` for no valid shop, `ShopTaken`."""
        key = platform_reader(platform).shop_key(shop)
        item = {**shop_item_key(platform, key), "kind": "shop", "owner": config.tenant_id, "doc": config.model_dump_json()}
        try:
            self._table.put_item(
                Item=item,
                ConditionExpression="attribute_not_exists(pk) OR #owner = :tenant",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":tenant": config.tenant_id},
            )
        except ClientError as error:
            if _is_conditional_failure(error):
                raise ShopTaken(f"{platform} shop {key} is registered to another tenant") from error
            raise
        return key


class DynamoDBProductLedger:
    """`ProductLedger` over a boto3 Table resource; `clock` gives epoch seconds."""

    def __init__(self, table: Any, clock: Callable[[], float]) -> None:
        self._table = table
        self._clock = clock

    def claim_delivery(self, platform: str, shop: str, body_sha256: str) -> bool:
        now = int(self._clock())
        return _conditionally(
            lambda: self._table.put_item(
                Item={**delivery_item_key(platform, shop, body_sha256), "expires_at": now + DELIVERY_TTL_SECONDS},
                # TTL deletes lazily: an expired claim that is still there no longer counts
                ConditionExpression="attribute_not_exists(pk) OR expires_at < :now",
                ExpressionAttributeValues={":now": now},
            )
        )

    def release_delivery(self, platform: str, shop: str, body_sha256: str) -> None:
        self._table.delete_item(Key=delivery_item_key(platform, shop, body_sha256))

    def record_update(self, platform: str, shop: str, resource_id: str, updated_at: datetime) -> bool:
        # one conditional write: of two concurrent writers of the same time, only the first succeeds; the
        # time it replaces is kept (every operand is read before the update) for `undo_update`
        return _conditionally(
            lambda: self._table.update_item(
                Key=update_item_key(platform, shop, resource_id),
                UpdateExpression="SET previous_us = if_not_exists(updated_us, :nothing), updated_us = :new",
                ConditionExpression="attribute_not_exists(updated_us) OR updated_us < :new",
                ExpressionAttributeValues={":new": micros(updated_at), ":nothing": NOTHING_RECORDED},
            )
        )

    def undo_update(self, platform: str, shop: str, resource_id: str, updated_at: datetime) -> None:
        _conditionally(  # a newer time recorded meanwhile is never undone
            lambda: self._table.update_item(
                Key=update_item_key(platform, shop, resource_id),
                UpdateExpression="SET updated_us = previous_us REMOVE previous_us",
                ConditionExpression="updated_us = :ours AND attribute_exists(previous_us)",
                ExpressionAttributeValues={":ours": micros(updated_at)},
            )
        )

    def latest_update(self, platform: str, shop: str, resource_id: str) -> datetime | None:
        item = self._table.get_item(Key=update_item_key(platform, shop, resource_id), ConsistentRead=True).get("Item")
        if not item or int(item["updated_us"]) == NOTHING_RECORDED:
            return None
        return EPOCH + timedelta(microseconds=int(item["updated_us"]))

    def image_changed(self, platform: str, shop: str, product_id: str, image: ProductImageRef) -> bool:
        # one atomic write that also keeps the record alive: of two concurrent writers of the same new
        # fingerprint, only the first sees an old value that differs
        previous = self._table.update_item(
            Key=image_item_key(platform, shop, product_id, image.image_id),
            UpdateExpression="SET fingerprint = :fingerprint, expires_at = :expires",
            ExpressionAttributeValues={":fingerprint": image.fingerprint, ":expires": int(self._clock()) + IMAGE_TTL_SECONDS},
            ReturnValues="ALL_OLD",
        ).get("Attributes", {})
        return bool(previous.get("fingerprint") != image.fingerprint)

    def forget_image(self, platform: str, shop: str, product_id: str, image: ProductImageRef) -> None:
        _conditionally(
            lambda: self._table.delete_item(
                Key=image_item_key(platform, shop, product_id, image.image_id),
                ConditionExpression="fingerprint = :fingerprint",
                ExpressionAttributeValues={":fingerprint": image.fingerprint},
            )
        )
