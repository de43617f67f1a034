import json
from pathlib import Path

import pytest
from boto3.dynamodb.conditions import Key

from adforge.domain.models import Job, JobRequest
from adforge.platforms import ProductImageRef, UnknownPlatform
from adforge.platforms.dynamodb import (
    DELIVERY_TTL_SECONDS,
    IMAGE_TTL_SECONDS,
    DynamoDBProductLedger,
    DynamoDBShopDirectory,
    ShopTaken,
)
from adforge.platforms.ports import ShopConfig
from adforge.services.product_hooks import ProductHooks

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


def test_a_delivery_is_claimed_once_until_its_claim_expires_or_is_released(table, ledger, clock):
    assert ledger.claim_delivery("shopify", "wh-1") is True
    assert ledger.claim_delivery("shopify", "wh-1") is False
    assert ledger.claim_delivery("woocommerce", "wh-1") is True  # ids are per platform
    item = table.get_item(Key={"pk": "DELIVERY#shopify#wh-1"})["Item"]
    assert int(item["expires_at"]) == NOW + DELIVERY_TTL_SECONDS
    clock[0] += DELIVERY_TTL_SECONDS + 1  # expired, not yet removed by TTL
    assert ledger.claim_delivery("shopify", "wh-1") is True
    ledger.release_delivery("shopify", "wh-1")
    assert ledger.claim_delivery("shopify", "wh-1") is True


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
    hooks = ProductHooks(shops, ledger, intake, clock=lambda: NOW)
    sample = json.loads((EVENTS / "product_webhook_shopify.json").read_text())
    body, headers = sample["body"].encode(), sample["headers"]
    event = hooks.accept("shopify", body, headers)
    assert hooks.accept("shopify", body, headers) is None  # Shopify's retry of the same delivery
    assert [o.status for o in hooks.process(event)] == ["created", "created"]
    assert [o.status for o in hooks.process(event)] == ["unchanged", "unchanged"]  # the worker's redelivery
    assert len(intake.urls) == 2
