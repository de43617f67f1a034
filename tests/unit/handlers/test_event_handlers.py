"""Event-source functions: the notifier (EventBridge), the upload trigger (S3 via EventBridge), the product
worker (SQS, partial batch responses)."""

import base64
import copy
import hashlib
import hmac
import json

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from adforge.domain.events import JobEvent
from adforge.domain.models import JobRequest
from adforge.domain.shops import ShopConfig
from adforge.ports.notifications import PostResult, WebhookSecretMissing
from adforge.services.outbound_notifications import DeliveryFailed
from adforge.services.upload_trigger import job_id_for
from tests.unit.handlers.conftest import NOW, handler, sample

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
MESSAGE_ID = "msg_job_0123456789abcdef0123456789abcdef_completed"


# notifier ------------------------------------------------------------------------------------------------
def test_the_notifier_posts_the_finished_job_signed_to_its_webhook_url(world, context):
    world.tenants.secrets["acme"] = SECRET
    world.poster.answers = [PostResult(status=204)]
    event = sample("notifier")
    answer = handler("notifier")(event, context)
    assert answer == {"outcome": "delivered", "message_id": MESSAGE_ID, "attempts": 1, "status": 204, "reason": ""}
    assert world.called("outbound_notifier.notify") == [{"event": event}]
    ((url, body, headers),) = world.poster.posts
    assert url == event["detail"]["webhook_url"]
    assert (headers["webhook-id"], headers["webhook-timestamp"]) == (MESSAGE_ID, str(int(NOW)))
    sent = json.loads(body)
    assert (sent["type"], sent["timestamp"]) == ("job.completed", event["time"])
    assert sent["data"] == {name: value for name, value in event["detail"].items() if name != "webhook_url"}
    signed = f"{MESSAGE_ID}.{int(NOW)}.".encode() + body  # Standard Webhooks: id.timestamp.body, the tenant's key
    mac = hmac.new(base64.b64decode(SECRET.removeprefix("whsec_")), signed, hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(mac).decode()


def test_the_notifier_raises_when_every_attempt_failed_so_lambda_redelivers(world, context):
    world.tenants.secrets["acme"] = SECRET
    world.poster.answers = [PostResult(status=503)]
    with pytest.raises(DeliveryFailed) as failed:
        handler("notifier")(sample("notifier"), context)
    assert failed.value.message_id == MESSAGE_ID
    assert len(world.poster.posts) == failed.value.attempts == 4
    assert {headers["webhook-id"] for _, _, headers in world.poster.posts} == {MESSAGE_ID}
    assert len(world.sleeps) == 3


def test_the_notifier_skips_a_job_without_a_webhook_url_and_sends_nothing_unsigned(world, context):
    event = copy.deepcopy(sample("notifier"))
    event["detail"]["webhook_url"] = None
    assert handler("notifier")(event, context)["outcome"] == "skipped"
    with pytest.raises(WebhookSecretMissing):  # acme has no secret in this world
        handler("notifier")(sample("notifier"), context)
    assert world.poster.posts == []


# upload trigger ------------------------------------------------------------------------------------------
@pytest.fixture
def dropped(world):
    detail = sample("upload_trigger")["detail"]
    key = detail["object"]["key"]
    world.inputs.objects[key] = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    world.object_metadata[key] = {"recipe": json.dumps({"prompt": "lifestyle ad", "aspect_ratios": ["9:16"]})}
    return detail


def test_a_dropped_photo_becomes_one_job_named_by_its_object_version(world, dropped, context):
    key, version = dropped["object"]["key"], dropped["object"]["version-id"]
    answer = handler("upload_trigger")(sample("upload_trigger"), context)
    expected = job_id_for(dropped["bucket"]["name"], key, version)
    assert answer == {"job_id": expected}
    assert world.called("upload_trigger.handle") == [{"detail": dropped}]
    assert world.metadata_reads == [(key, version)]
    job = world.jobs.get(expected)
    assert (job.tenant_id, job.input_key, job.request.prompt, job.request.aspect_ratios) == (
        "demo-merchant", key, "lifestyle ad", ["9:16"])  # fmt: skip
    assert world.workflow.started == [expected]


def test_a_redelivered_upload_event_names_the_same_job_and_starts_nothing_more(world, dropped, context):
    first = handler("upload_trigger")(sample("upload_trigger"), context)
    again = handler("upload_trigger")(sample("upload_trigger"), context)
    assert again == first and len(world.jobs.items) == 1 and len(world.workflow.started) == 1


def test_an_object_outside_a_tenants_incoming_prefix_makes_no_job(world, context):
    event = sample("upload_trigger")
    event["detail"]["object"]["key"] = "tenants/demo-merchant/jobs/job_x/output-0.png"
    assert handler("upload_trigger")(event, context) == {"job_id": None}
    assert world.metadata_reads == [] and world.jobs.items == {}


def test_without_object_metadata_the_tenants_default_recipe_is_used(world, dropped, context):
    del world.object_metadata[dropped["object"]["key"]]
    world.tenants.recipes["demo-merchant"] = {"prompt": "the default recipe"}
    job_id = handler("upload_trigger")(sample("upload_trigger"), context)["job_id"]
    assert world.jobs.get(job_id).request.prompt == "the default recipe"


# product worker ------------------------------------------------------------------------------------------
@pytest.fixture
def shop(world):
    recipe = JobRequest(prompt="lifestyle ad", metadata={"campaign": "autumn"})
    world.shops.shops[("shopify", "adforge-demo.myshopify.com")] = ShopConfig(tenant_id="acme", secret="s" * 16, recipe=recipe)
    return recipe


def bad_record(message_id="bad-record-1"):
    record = copy.deepcopy(sample("product_worker")["Records"][0])
    record.update(messageId=message_id, body='{"platform": "shopify"}')  # not a ProductEvent
    return record


def test_the_worker_makes_one_job_per_changed_image_and_reports_no_failure(world, shop, context):
    event = sample("product_worker")
    product = json.loads(event["Records"][0]["body"])
    assert handler("product_worker")(event, context) == {"batchItemFailures": []}
    (job,) = world.jobs.items.values()
    assert job.tenant_id == "acme" and job.request.prompt == shop.prompt
    image = product["images"][0]
    tags = {"platform": "shopify", "shop": product["shop"], "product_id": product["product_id"], "image_id": image["image_id"]}
    assert job.request.metadata == {"campaign": "autumn", **tags}
    assert world.fetcher.opened == [image["url"]]
    assert world.events.names() == [JobEvent.CREATED.value] and world.workflow.started == [job.id]


def test_a_bad_record_is_reported_by_its_message_id_and_the_good_one_is_still_worked(world, shop, context):
    event = sample("product_worker")
    event["Records"].append(bad_record())
    assert handler("product_worker")(event, context) == {"batchItemFailures": [{"itemIdentifier": "bad-record-1"}]}
    assert len(world.jobs.items) == 1


def test_a_batch_of_only_bad_records_fails_the_invocation_so_the_whole_batch_returns(world, shop, context):
    # Powertools' partial-batch contract: when every record failed, the invocation itself fails (BatchSize is 1)
    with pytest.raises(BatchProcessingError):
        handler("product_worker")({"Records": [bad_record()]}, context)
    assert world.jobs.items == {}


def test_a_redelivered_product_event_makes_no_second_job(world, shop, context):
    for _ in range(2):
        assert handler("product_worker")(sample("product_worker"), context) == {"batchItemFailures": []}
    assert len(world.jobs.items) == 1
