"""Signed Shopify and WooCommerce product webhooks become one job per changed product image."""

import base64
import hashlib
import hmac
import json
import uuid

import httpx
import pytest

from tests.e2e.conftest import finish

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


def shopify(stack, product: dict, secret: str = SHOPIFY_SECRET, webhook_id: str | None = None) -> httpx.Response:
    body = json.dumps(product).encode()
    headers = {
        "X-Shopify-Topic": "products/update",
        "X-Shopify-Hmac-Sha256": sign(secret, body),
        "X-Shopify-Shop-Domain": "acme-mugs.myshopify.com",
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "Content-Type": "application/json",
    }
    return httpx.post(f"{stack.api.url}/v1/hooks/shopify", content=body, headers=headers)


def test_shopify_update_makes_one_job_per_new_image_and_nothing_twice(stack, acme, shops, photo_url):
    product_id = str(uuid.uuid4().int % 10**12)
    product = {"id": int(product_id), "title": "Red mug", "images": [{"id": 91, "src": photo_url, "position": 1}]}
    first = shopify(stack, product, webhook_id="wh-1-" + product_id)
    assert (first.status_code, first.json()) == (200, {"accepted": True})
    stack.wait_until(lambda: len(jobs_for(acme, product_id)) == 1, timeout=20)
    job = finish(stack, acme, jobs_for(acme, product_id)[0]["id"])
    assert job["status"] == "completed" and job["request"]["metadata"]["platform"] == "shopify"
    assert shopify(stack, product, webhook_id="wh-1-" + product_id).json() == {"accepted": False}  # duplicate delivery
    assert shopify(stack, {**product, "title": "Red mug (renamed)"}).json() == {"accepted": True}  # no image changed
    bad = shopify(stack, product, secret="not-the-shop-secret")
    assert (bad.status_code, bad.json()["error"]["code"]) == (401, "invalid_signature")
    stack.wait_until(stack.relay_idle, timeout=10)
    assert len(jobs_for(acme, product_id)) == 1


def test_woocommerce_product_and_ping(stack, acme, shops, photo_url):
    ping = httpx.post(f"{stack.api.url}/v1/hooks/woocommerce", content=b"webhook_id=7",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert (ping.status_code, ping.json()) == (200, {"accepted": False})
    product_id = str(uuid.uuid4().int % 10**12)
    body = json.dumps({"id": int(product_id), "name": "Blue mug", "images": [{"id": 5, "src": photo_url}]}).encode()
    headers = {
        "X-WC-Webhook-Source": "https://woo.acme.example/",
        "X-WC-Webhook-Topic": "product.updated",
        "X-WC-Webhook-Signature": sign(WOO_SECRET, body),
        "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
        "Content-Type": "application/json",
    }
    assert httpx.post(f"{stack.api.url}/v1/hooks/woocommerce", content=body, headers=headers).json() == {"accepted": True}
    stack.wait_until(lambda: len(jobs_for(acme, product_id)) == 1, timeout=20)
    assert finish(stack, acme, jobs_for(acme, product_id)[0]["id"])["status"] == "completed"
    tampered = httpx.post(f"{stack.api.url}/v1/hooks/woocommerce", content=body.replace(b"Blue", b"Gray"), headers=headers)
    assert tampered.status_code == 401
