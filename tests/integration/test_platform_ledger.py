import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from boto3.dynamodb.conditions import Key

from adforge.adapters.dynamodb_shops import (
    DELIVERY_TTL_SECONDS,
    IMAGE_TTL_SECONDS,
    DynamoDBProductLedger,
    DynamoDBShopDirectory,
    ShopTaken,
)
from adforge.domain.models import Job, JobRequest
from adforge.domain.shops import ProductImageRef, ShopConfig
from adforge.platforms.readers import PLATFORMS
from adforge.ports.shops import UnknownPlatform
from adforge.services.shop_webhooks import ShopWebhooks

EVENTS = Path(__file__).resolve().parents[2] / "events"
NOW = 1_795_290_000
RECIPE = JobRequest(prompt="Lifestyle ad for this product")


def config(tenant_id="acme", secret="wc_secret_0123456789"):
    return ShopConfig(tenant_id=tenant_id, secret=secret, recipe=RECIPE)


def image(image_id="415", fingerprint="a" * 64):
    return ProductImageRef(image_id=image_id, url=f"https://shop.acme.example/{image_id}.jpg", fingerprint=fingerprint)


@pytest.fixture
def clock():
    return [float(NOW)]


@pytest.fixture
def ledger(table, clock):
    return DynamoDBProductLedger(table, lambda: clock[0])


def test_a_shop_is_registered_under_its_canonical_key_and_found(table):
    shops = DynamoDBShopDirectory(table)
    assert shops.register_shop("woocommerce", "https://Shop.Acme.example/", config()) == "shop.acme.example"
    assert shops.find("woocommerce", "shop.acme.example") == config()
    item = table.get_item(Key={"pk": "SHOP#woocommerce#shop.acme.example"})["Item"]
    assert (item["kind"], item["owner"]) == ("shop", "acme")
    assert table.query(IndexName="ByTenant", KeyConditionExpression=Key("tenant_id").eq("acme"))["Items"] == []
    assert shops.find("woocommerce", "other.example") is None
    assert shops.find("shopify", "shop.acme.example") is None


def test_only_the_owning_tenant_can_register_a_shop_again(table):
    shops = DynamoDBShopDirectory(table)
    shops.register_shop("shopify", "acme-mugs.myshopify.com", config())
    shops.register_shop("shopify", "ACME-mugs.myshopify.com", config(secret="shpss_rotated_secret_01"))  # rotation
    with pytest.raises(ShopTaken):
        shops.register_shop("shopify", "acme-mugs.myshopify.com", config(tenant_id="mallory", secret="shpss_mallory_secret_1"))
    assert shops.find("shopify", "acme-mugs.myshopify.com") == config(secret="shpss_rotated_secret_01")


def test_registration_refuses_unknown_platforms_and_shops(table):
    shops = DynamoDBShopDirectory(table)
    with pytest.raises(UnknownPlatform):
        shops.register_shop("magento", "https://shop.acme.example/", config())
    with pytest.raises(ValueError):
        shops.register_shop("shopify", "shop.acme.example", config())
    assert table.scan()["Items"] == []


def test_a_signed_body_is_claimed_once_per_shop_until_its_claim_expires_or_is_released(table, ledger, clock):
    digest = "d" * 64
    assert ledger.claim_delivery("shopify", "acme-mugs.myshopify.com", digest) is True
    assert ledger.claim_delivery("shopify", "acme-mugs.myshopify.com", digest) is False
    assert ledger.claim_delivery("woocommerce", "acme-mugs.myshopify.com", digest) is True  # per platform
    assert ledger.claim_delivery("shopify", "globex.myshopify.com", digest) is True  # and per shop
    item = table.get_item(Key={"pk": f"DELIVERY#shopify#acme-mugs.myshopify.com#{digest}"})["Item"]
    assert int(item["expires_at"]) == NOW + DELIVERY_TTL_SECONDS
    clock[0] += DELIVERY_TTL_SECONDS + 1  # expired, not yet removed by TTL
    assert ledger.claim_delivery("shopify", "acme-mugs.myshopify.com", digest) is True
    ledger.release_delivery("shopify", "acme-mugs.myshopify.com", digest)
    assert ledger.claim_delivery("shopify", "acme-mugs.myshopify.com", digest) is True


def at(minute, second=0, microsecond=0):
    return datetime(2026, 11, 22, 11, minute, second, microsecond, tzinfo=UTC)


def test_a_products_update_time_only_moves_forward(table, ledger):
    shop = "shop.acme.example"
    assert ledger.latest_update("woocommerce", shop, "412") is None
    assert ledger.record_update("woocommerce", shop, "412", at(19)) is True
    assert ledger.record_update("woocommerce", shop, "412", at(19)) is False  # equal: never twice
    assert ledger.record_update("woocommerce", shop, "412", at(18, 59)) is False  # older
    assert ledger.record_update("woocommerce", shop, "412", at(19, 0, 1)) is True  # a microsecond newer
    assert ledger.latest_update("woocommerce", shop, "412") == at(19, 0, 1)
    assert ledger.record_update("woocommerce", shop, "413", at(1)) is True  # another product
    assert ledger.record_update("woocommerce", "other.example", "412", at(1)) is True  # another shop
    assert ledger.record_update("shopify", shop, "412", at(1)) is True  # another platform
    item = table.get_item(Key={"pk": "PUPD#woocommerce#shop.acme.example#412"})["Item"]
    assert int(item["updated_us"]) == int(at(19, 0, 1).timestamp()) * 10**6 + 1
    assert "expires_at" not in item  # kept for good: an old body replayed a year on is still older
    assert table.query(IndexName="ByTenant", KeyConditionExpression=Key("tenant_id").eq("acme"))["Items"] == []


def test_the_update_time_is_advanced_by_one_conditional_write(table, ledger):
    # two workers that read "nothing newer" at once: the condition, not a read, decides
    other = DynamoDBProductLedger(table, lambda: float(NOW))
    assert [
        ledger.record_update("shopify", "a.myshopify.com", "1", at(5)),
        other.record_update("shopify", "a.myshopify.com", "1", at(5)),
    ] == [True, False]


def test_undoing_an_update_goes_back_one_step_and_never_undoes_a_newer_one(ledger):
    shop = "acme-mugs.myshopify.com"
    ledger.record_update("shopify", shop, "1", at(10))
    ledger.undo_update("shopify", shop, "1", at(10))  # the first: back to nothing recorded
    assert ledger.latest_update("shopify", shop, "1") is None
    assert ledger.record_update("shopify", shop, "1", at(10)) is True  # so the platform's retry is taken
    ledger.record_update("shopify", shop, "1", at(20))
    ledger.undo_update("shopify", shop, "1", at(10))  # superseded: the newer one stands
    assert ledger.latest_update("shopify", shop, "1") == at(20)
    ledger.undo_update("shopify", shop, "1", at(20))
    assert ledger.latest_update("shopify", shop, "1") == at(10)
    ledger.undo_update("shopify", shop, "1", at(10))  # one step only: at(10)'s own undo point is gone
    assert ledger.latest_update("shopify", shop, "1") == at(10)
    assert ledger.record_update("shopify", shop, "1", at(10)) is False
    assert ledger.record_update("shopify", shop, "1", at(20)) is True


def test_an_image_counts_as_changed_when_new_or_refingerprinted(table, ledger, clock):
    assert ledger.image_changed("woocommerce", "shop.acme.example", "412", image()) is True
    assert ledger.image_changed("woocommerce", "shop.acme.example", "412", image()) is False
    clock[0] += 60
    assert ledger.image_changed("woocommerce", "shop.acme.example", "412", image(fingerprint="b" * 64)) is True
    assert ledger.image_changed("woocommerce", "shop.acme.example", "412", image("416")) is True
    assert ledger.image_changed("woocommerce", "shop.acme.example", "413", image()) is True  # another product
    item = table.get_item(Key={"pk": "PIMG#woocommerce#shop.acme.example#412#415"})["Item"]
    assert (item["fingerprint"], int(item["expires_at"])) == ("b" * 64, NOW + 60 + IMAGE_TTL_SECONDS)
    clock[0] += 60
    ledger.image_changed("woocommerce", "shop.acme.example", "412", image(fingerprint="b" * 64))  # seen again: kept alive
    assert int(table.get_item(Key={"pk": "PIMG#woocommerce#shop.acme.example#412#415"})["Item"]["expires_at"]) == (
        NOW + 120 + IMAGE_TTL_SECONDS
    )


def test_forgetting_an_image_leaves_a_newer_fingerprint_alone(ledger):
    ledger.image_changed("shopify", "acme-mugs.myshopify.com", "1", image())
    ledger.image_changed("shopify", "acme-mugs.myshopify.com", "1", image(fingerprint="b" * 64))  # a newer delivery
    ledger.forget_image("shopify", "acme-mugs.myshopify.com", "1", image())
    assert ledger.image_changed("shopify", "acme-mugs.myshopify.com", "1", image(fingerprint="b" * 64)) is False
    ledger.forget_image("shopify", "acme-mugs.myshopify.com", "1", image(fingerprint="b" * 64))
    assert ledger.image_changed("shopify", "acme-mugs.myshopify.com", "1", image(fingerprint="b" * 64)) is True


class Intake:
    def __init__(self):
        self.urls = []

    def create(self, tenant_id, request):
        self.urls.append(request.image.url)
        return Job(id=f"job_{len(self.urls)}", tenant_id=tenant_id, request=request, vendor_requested="auto")


def test_the_shopify_sample_end_to_end_on_the_table(table, ledger):
    shops, intake = DynamoDBShopDirectory(table), Intake()
    shops.register_shop("shopify", "adforge-demo.myshopify.com", config("demo-merchant", "shpss_sample_secret"))
    hooks = ShopWebhooks(shops, ledger, intake, PLATFORMS)
    sample = json.loads((EVENTS / "product_webhook_shopify.json").read_text())
    body, headers = sample["body"].encode(), sample["headers"]
    event = hooks.accept("shopify", body, headers)
    assert hooks.accept("shopify", body, headers) is None  # Shopify's retry of the same delivery
    assert [o.status for o in hooks.process(event)] == ["created", "created"]
    assert [o.status for o in hooks.process(event)] == ["unchanged", "unchanged"]  # the worker's redelivery
    assert len(intake.urls) == 2
    replay = {k: v for k, v in headers.items() if k != "X-Shopify-Webhook-Id"} | {"X-Shopify-Webhook-Id": "forged"}
    assert hooks.accept("shopify", body, replay) is None


def shopify_update(updated_at, src):
    body = json.dumps({"id": 1, "title": "Mug", "updated_at": updated_at, "images": [{"id": 7, "src": src}]}).encode()
    signature = base64.b64encode(hmac.new(b"shpss_sample_secret", body, hashlib.sha256).digest()).decode()
    headers = {"X-Shopify-Hmac-Sha256": signature, "X-Shopify-Shop-Domain": "adforge-demo.myshopify.com"}
    return body, headers | {"X-Shopify-Topic": "products/update"}


def test_an_old_body_replayed_after_the_image_changed_makes_no_job_on_the_table(table, ledger):
    shops, intake = DynamoDBShopDirectory(table), Intake()
    shops.register_shop("shopify", "adforge-demo.myshopify.com", config("demo-merchant", "shpss_sample_secret"))
    hooks = ShopWebhooks(shops, ledger, intake, PLATFORMS)
    old = shopify_update("2026-11-22T06:19:57-05:00", "https://cdn.shopify.com/mug.png")
    hooks.process(hooks.accept("shopify", *old))
    hooks.process(hooks.accept("shopify", *shopify_update("2026-11-22T06:25:00-05:00", "https://cdn.shopify.com/mug-v2.png")))
    assert hooks.accept("shopify", *old) is None
    table.delete_item(Key={"pk": f"DELIVERY#shopify#adforge-demo.myshopify.com#{hashlib.sha256(old[0]).hexdigest()}"})
    assert hooks.accept("shopify", *old) is None  # its claim long expired: the update time still refuses it
    assert intake.urls == ["https://cdn.shopify.com/mug.png", "https://cdn.shopify.com/mug-v2.png"]
