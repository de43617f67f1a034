"""Signed Shopify and WooCommerce product webhooks become one job per changed product image."""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from tests.e2e.conftest import SAMPLE, finish

pytestmark = pytest.mark.e2e
SHOPIFY_SECRET = "shpss_e2e_secret_0123456789"
WOO_SECRET = "wc_e2e_secret_0123456789abcd"
RECIPE = {"prompt": "lifestyle ad on a sunlit kitchen counter", "aspect_ratios": ["1:1"]}


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def jobs_for(tenant, product_id: str) -> list[dict]:
    jobs = tenant.api.get("/v1/jobs", params={"limit": 100}).json()["jobs"]
    return [job for job in jobs if job["request"]["metadata"].get("product_id") == product_id]


@pytest.fixture(scope="module")
def shops(stack, acme):
    stack.register_shop("shopify", "acme-mugs.myshopify.com", "acme", SHOPIFY_SECRET, RECIPE)
    stack.register_shop("woocommerce", "https://woo.acme.example/", "acme", WOO_SECRET, RECIPE)


@pytest.fixture
def photo_url(stack, acme) -> str:
    return stack.client("s3").generate_presigned_url("get_object", Params={"Bucket": stack.bucket, "Key": acme.upload_key})


@pytest.fixture
def other_photo_url(stack, acme) -> str:
    key = f"tenants/acme/uploads/product-{uuid.uuid4().hex[:8]}.png"  # another file: what a changed image is
    stack.client("s3").put_object(Bucket=stack.bucket, Key=key, Body=SAMPLE.read_bytes())
    return stack.client("s3").generate_presigned_url("get_object", Params={"Bucket": stack.bucket, "Key": key})


def stamp(minute: int) -> str:
    return f"2026-11-22T11:{minute:02d}:00Z"


def shopify_headers(body: bytes, secret: str = SHOPIFY_SECRET, webhook_id: str | None = None) -> dict[str, str]:
    return {
        "X-Shopify-Topic": "products/update",
        "X-Shopify-Hmac-Sha256": sign(secret, body),
        "X-Shopify-Shop-Domain": "acme-mugs.myshopify.com",
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "Content-Type": "application/json",
    }


def shopify(stack, product: dict, secret: str = SHOPIFY_SECRET, webhook_id: str | None = None) -> httpx.Response:
    body = json.dumps(product).encode()
    return post(stack, "shopify", body, shopify_headers(body, secret, webhook_id))


def post(stack, platform: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{stack.api.url}/v1/hooks/{platform}", content=body, headers=headers)


def test_shopify_update_makes_one_job_per_new_image_and_nothing_twice(stack, acme, shops, photo_url):
    product_id = str(uuid.uuid4().int % 10**12)
    product = {"id": int(product_id), "title": "Red mug", "updated_at": stamp(1), "images": [{"id": 91, "src": photo_url}]}
    first = shopify(stack, product, webhook_id="wh-1-" + product_id)
    assert (first.status_code, first.json()) == (200, {"accepted": True})
    stack.wait_until(lambda: len(jobs_for(acme, product_id)) == 1, timeout=20)
    job = finish(stack, acme, jobs_for(acme, product_id)[0]["id"])
    assert job["status"] == "completed" and job["request"]["metadata"]["platform"] == "shopify"
    assert shopify(stack, product, webhook_id="wh-1-" + product_id).json() == {"accepted": False}  # duplicate delivery
    renamed = {**product, "title": "Red mug (renamed)", "updated_at": stamp(2)}
    assert shopify(stack, renamed).json() == {"accepted": True}  # no image changed
    bad = shopify(stack, product, secret="not-the-shop-secret")
    assert (bad.status_code, bad.json()["error"]["code"]) == (401, "invalid_signature")
    stack.wait_until(stack.relay_idle, timeout=10)
    assert len(jobs_for(acme, product_id)) == 1


def test_woocommerce_product_and_ping(stack, acme, shops, photo_url):
    ping = httpx.post(f"{stack.api.url}/v1/hooks/woocommerce", content=b"webhook_id=7",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert (ping.status_code, ping.json()) == (200, {"accepted": False})
    product_id = str(uuid.uuid4().int % 10**12)
    product = {"id": int(product_id), "name": "Blue mug", "images": [{"id": 5, "src": photo_url}]}
    body = json.dumps({**product, "date_modified_gmt": "2026-11-22T11:01:00"}).encode()
    headers = {
        "X-WC-Webhook-Source": "https://woo.acme.example/",
        "X-WC-Webhook-Topic": "product.updated",
        "X-WC-Webhook-Signature": sign(WOO_SECRET, body),
        "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
        "Content-Type": "application/json",
    }
    assert post(stack, "woocommerce", body, headers).json() == {"accepted": True}
    stack.wait_until(lambda: len(jobs_for(acme, product_id)) == 1, timeout=20)
    assert finish(stack, acme, jobs_for(acme, product_id)[0]["id"])["status"] == "completed"
    assert post(stack, "woocommerce", body.replace(b"Blue", b"Gray"), headers).status_code == 401  # tampered
    replayed = post(stack, "woocommerce", body, {**headers, "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex})
    assert (replayed.status_code, replayed.json()) == (200, {"accepted": False})
    undated = json.dumps(product).encode()
    refused = post(stack, "woocommerce", undated, {**headers, "X-WC-Webhook-Signature": sign(WOO_SECRET, undated)})
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "malformed_payload")
    stack.wait_until(stack.relay_idle, timeout=10)
    assert len(jobs_for(acme, product_id)) == 1


def test_a_replayed_shopify_delivery_makes_no_job_and_a_newer_update_still_does(stack, acme, shops, photo_url, other_photo_url):
    product_id = str(uuid.uuid4().int % 10**12)

    def mug(minute: int, src: str) -> dict:
        return {"id": int(product_id), "title": "Green mug", "updated_at": stamp(minute), "images": [{"id": 7, "src": src}]}

    captured = json.dumps(mug(1, photo_url)).encode()
    signed = shopify_headers(captured) | {"X-Shopify-Triggered-At": datetime.now(UTC).isoformat()}  # a live delivery
    assert post(stack, "shopify", captured, signed).json() == {"accepted": True}
    stack.wait_until(lambda: len(jobs_for(acme, product_id)) == 1, timeout=20)

    def replay() -> httpx.Response:  # the captured body and signature, a fresh webhook id, no trigger time
        headers = {k: v for k, v in signed.items() if k != "X-Shopify-Triggered-At"}
        return post(stack, "shopify", captured, headers | {"X-Shopify-Webhook-Id": str(uuid.uuid4())})

    replayed = replay()
    assert (replayed.status_code, replayed.json()) == (200, {"accepted": False})
    assert shopify(stack, mug(2, other_photo_url)).json() == {"accepted": True}  # the image changed
    stack.wait_until(lambda: len(jobs_for(acme, product_id)) == 2, timeout=20)
    assert replay().json() == {"accepted": False}  # the old photo is not made again
    assert shopify(stack, mug(3, photo_url)).json() == {"accepted": True}  # a newer update back to it is
    stack.wait_until(lambda: len(jobs_for(acme, product_id)) == 3, timeout=20)
    stack.wait_until(stack.relay_idle, timeout=10)
    jobs = jobs_for(acme, product_id)
    assert len(jobs) == 3
    for job in jobs:
        assert finish(stack, acme, job["id"])["status"] == "completed"
