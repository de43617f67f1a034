"""Inbound webhooks over API Gateway: vendor callbacks and store product hooks, verified over the raw body first."""

import json

import pytest

from adforge.domain.models import JobRequest, VendorState
from adforge.domain.shops import ProductEvent, ShopConfig
from adforge.domain.status import JobStatus
from adforge.platforms import shopify, woocommerce
from tests.unit.handlers.conftest import EXAMPLE_JOB, api_body, handler, sample

TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAexampletoken"
SHOPS = {  # the samples' shops and the secrets they are signed with (tests/e2e/test_sample_events.py)
    "product_webhook_shopify": ("shopify", shopify.shop_key("adforge-demo.myshopify.com"), "shpss_sample_secret"),
    "product_webhook_woocommerce": (
        "woocommerce",
        woocommerce.shop_key("https://shop.adforge-demo.example/"),
        "wc_sample_secret",
    ),
}


def error_code(answer):
    return answer["statusCode"], api_body(answer)["error"]["code"]


# vendor callbacks ----------------------------------------------------------------------------------------
@pytest.fixture
def waiting(world):
    """The sample's job, at CreativeAI as its generation img_000001, its execution waiting on a task token."""
    return world.seed(JobStatus.SUBMITTED, vendor_job_id="img_000001", task_token=TOKEN)


def test_a_signed_vendor_delivery_records_the_result_and_wakes_the_execution(world, waiting, context):
    event = sample("vendor_webhook")
    answer = handler("vendor_webhook")(event, context)
    assert answer["statusCode"] == 200, answer
    assert api_body(answer) == {"delivery_id": "img_000001", "recorded": "accepted"}
    (call,) = world.called("vendor_callbacks.receive")
    assert (call["vendor"], call["raw_body"], call["query"]) == ("creativeai", event["body"].encode(), {"job": EXAMPLE_JOB})
    stored = world.jobs.get(EXAMPLE_JOB)
    assert (stored.status, stored.result.state) == (JobStatus.PROCESSING, VendorState.COMPLETED)
    assert stored.result.outputs == [json.loads(event["body"])["output_url"]]
    assert world.tasks.resumed == [(TOKEN, {"state": "completed"})]


@pytest.mark.parametrize(
    "forge",
    [
        lambda event: event["headers"].update({"X-CreativeAI-Signature": "sha256=" + "0" * 64}),
        lambda event: event.update(body=event["body"].replace("completed", "failed")),  # one changed word
        lambda event: event["headers"].pop("X-CreativeAI-Signature"),
    ],
)
def test_a_forged_vendor_delivery_is_401_and_changes_nothing(world, waiting, context, forge):
    event = sample("vendor_webhook")
    forge(event)
    writes = world.jobs.writes
    assert error_code(handler("vendor_webhook")(event, context)) == (401, "invalid_signature")
    assert world.jobs.get(EXAMPLE_JOB) == waiting and world.jobs.writes == writes
    assert world.tasks.resumed == [] and world.gateway.status_calls == 0 and world.events.published == []


def test_a_vendor_that_takes_no_webhooks_is_404(world, waiting, context):
    event = sample("vendor_webhook")
    event["path"], event["pathParameters"] = "/v1/webhooks/adsumo", {"vendor": "adsumo"}
    assert error_code(handler("vendor_webhook")(event, context)) == (404, "unknown_vendor")
    assert world.jobs.get(EXAMPLE_JOB) == waiting


# product hooks -------------------------------------------------------------------------------------------
@pytest.fixture
def shops(world):
    for platform, shop, secret in SHOPS.values():
        world.shops.shops[(platform, shop)] = ShopConfig(
            tenant_id="acme", secret=secret, recipe=JobRequest(prompt="lifestyle ad")
        )
    return world.shops


@pytest.mark.parametrize("name", sorted(SHOPS))
def test_a_signed_product_delivery_is_queued_for_the_worker_and_answered_200(world, shops, context, name):
    platform, shop, _ = SHOPS[name]
    answer = handler("product_webhook")(sample(name), context)
    assert answer["statusCode"] == 200, answer
    assert api_body(answer) == {"accepted": True}
    (body,) = world.queue.bodies
    queued = ProductEvent.model_validate_json(body)
    product = json.loads(sample(name)["body"])
    assert (queued.platform, queued.shop, queued.product_id) == (platform, shop, str(product["id"]))
    assert [image.url for image in queued.images] == [image["src"] for image in product["images"]]
    assert len(world.ledger.deliveries) == 1


def test_a_replayed_product_delivery_is_answered_200_not_accepted_and_not_queued_again(world, shops, context):
    for _ in range(2):
        answer = handler("product_webhook")(sample("product_webhook_shopify"), context)
    assert (answer["statusCode"], api_body(answer)) == (200, {"accepted": False})
    assert len(world.queue.bodies) == 1


@pytest.mark.parametrize("name", sorted(SHOPS))
def test_a_forged_product_delivery_is_401_and_nothing_is_claimed_or_queued(world, shops, context, name):
    event = sample(name)
    event["body"] = event["body"].replace("Red Ceramic Mug", "Red Ceramic Jug")
    assert error_code(handler("product_webhook")(event, context)) == (401, "invalid_signature")
    assert world.queue.bodies == [] and world.ledger.deliveries == set() and world.ledger.updates == {}


def test_an_unregistered_shop_is_answered_like_a_bad_signature(world, context):
    assert error_code(handler("product_webhook")(sample("product_webhook_shopify"), context)) == (401, "invalid_signature")
    assert world.shops.lookups == [SHOPS["product_webhook_shopify"][:2]]
    assert world.queue.bodies == []


def test_when_the_queue_is_down_the_delivery_is_503_and_released_for_the_platforms_retry(world, shops, context):
    world.queue.fail = True
    answer = handler("product_webhook")(sample("product_webhook_shopify"), context)
    assert error_code(answer) == (503, "service_unavailable")
    assert world.ledger.deliveries == set()
    world.queue.fail = False
    assert api_body(handler("product_webhook")(sample("product_webhook_shopify"), context)) == {"accepted": True}
