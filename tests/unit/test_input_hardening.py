"""Hostile inputs are refused cleanly at the boundary: URLs (one answer whatever the reason), types, sizes."""

import json

import httpx
import pytest
from pydantic import ValidationError

from adforge.adapters.http_fetch import GuardedFetcher
from adforge.adapters.ssrf_guard import DestinationGuard
from adforge.adapters.webhook_sender import WebhookSender
from adforge.domain.models import JobRequest, VendorState, VendorUpdate
from adforge.domain.signatures import SignatureInvalid
from adforge.platforms.readers import PLATFORMS
from adforge.ports.assets import REFUSED, FetchRefused
from adforge.ports.vendors import VendorProtocolError
from adforge.services.intake import JobIntake
from adforge.services.submission import Submitter
from adforge.services.updates import UnknownGeneration, UpdateRecorder
from adforge.services.vendor_callbacks import VendorCallbacks
from adforge.vendors.catalog import CAPABILITIES as VENDORS
from adforge.vendors.creativeai import CAPABILITIES as CREATIVEAI
from adforge.vendors.creativeai.transform import to_update
from adforge.vendors.creativeai.webhook import CreativeAIWebhooks
from tests.fakes import FakeAssets, FakeEvents, FakeFetcher, FakeGateway, FakeHealth, FakeJobs, FakeTasks, FakeWorkflow

NAMES = {"internal.corp.example": ["10.20.30.40"], "public.example": ["93.184.216.34"]}


def resolver(host: str, port: int) -> list[str]:
    if host not in NAMES:
        raise OSError("no such name")
    return NAMES[host]


HOSTILE = [
    "https://internal.corp.example/p.png",  # resolves to a private address
    "https://nowhere.example/p.png",  # does not resolve
    "https://10.20.30.40/p.png",
    "https://169.254.169.254/latest/meta-data",
    "https://0177.0.0.1/p.png",  # octal loopback
    "https://256.1.1.1/p.png",  # not an address, not a name
    "https://0x7f.0.0.1/",
    "https://[::1/p.png",  # broken IPv6 literal
    "https://public.example:99999/p.png",  # port out of range
    "https://public.example:port/p.png",
    "https://public.example/" + "a" * 70_000,  # 70 KB
    "http://public.example/p.png",  # plain http when deployed
    "https://user:pw@public.example/p.png",
    "ftp://public.example/p.png",
]


def refusal(url: str) -> FetchRefused:
    guard = DestinationGuard(resolver=resolver)
    with pytest.raises(FetchRefused) as refused:
        guard.check_url(url)
        host = url.split("//")[1].split("/", maxsplit=1)[0]
        guard.resolve(host, 443)
    return refused.value


@pytest.mark.parametrize("url", HOSTILE)
def test_every_refused_url_gets_the_same_answer_and_the_reason_stays_in_the_log(url, caplog):
    refused = refusal(url)
    assert str(refused) == REFUSED
    assert "10.20.30.40" not in str(refused) and "internal" not in str(refused)
    assert refused.detail and refused.detail in caplog.text  # the operator still learns why


def test_a_public_name_is_still_allowed():
    guard = DestinationGuard(resolver=resolver)
    guard.check_url("https://public.example/p.png")
    assert guard.resolve("public.example", 443) == "93.184.216.34"


@pytest.mark.parametrize("url", ["https://[::1/p.png", "https://public.example:99999/", "https://256.1.1.1/"])
def test_the_fetcher_and_the_webhook_sender_refuse_malformed_urls_without_raising_anything_else(url):
    guard = DestinationGuard(resolver=resolver)
    with pytest.raises(FetchRefused), GuardedFetcher(guard).open(url):
        pass
    sent = WebhookSender(guard, transport=httpx.MockTransport(lambda request: httpx.Response(200))).post(url, b"{}", {})
    assert sent.refused and sent.status is None


def test_a_plain_http_webhook_url_is_refused_at_creation_and_nothing_is_written():
    jobs, workflow = FakeJobs(), FakeWorkflow()
    intake = JobIntake(jobs, FakeAssets(), FakeEvents(), workflow, FakeFetcher(), VENDORS)
    with pytest.raises(FetchRefused):
        intake.create("acme", JobRequest(prompt="a red mug", webhook_url="http://hooks.example/adforge"))
    assert jobs.items == {} and workflow.started == []
    intake.create("acme", JobRequest(prompt="a red mug", webhook_url="https://hooks.example/adforge"))
    assert len(jobs.items) == 1


@pytest.mark.parametrize("count", ["2", True, 2.0, "two"])
def test_a_count_must_be_an_integer(count):
    with pytest.raises(ValidationError):
        JobRequest.model_validate({"prompt": "a red mug", "count": count})
    with pytest.raises(ValidationError):
        JobRequest.model_validate_json(json.dumps({"prompt": "a red mug", "count": count}))


@pytest.mark.parametrize(
    "metadata",
    [
        {"k" * 65: "v"},  # key too long
        {"": "v"},
        {"sku": "v" * 257},  # value too long
        {f"key{i}": "v" for i in range(21)},  # too many keys
        {f"k{i}-{'x' * 60}": "y" * 200 for i in range(16)},  # each within bounds, together over 4 KB
    ],
)
def test_metadata_is_bounded_in_keys_lengths_and_total_size(metadata):
    with pytest.raises(ValidationError):
        JobRequest(prompt="a red mug", metadata=metadata)


def test_metadata_within_bounds_is_kept():
    metadata = {f"key{i}": "v" * 100 for i in range(20)}
    assert JobRequest(prompt="a red mug", metadata=metadata).metadata == metadata


@pytest.mark.parametrize(
    "body",
    [
        {"id": "g1", "status": "completed", "output_url": 12345},
        {"id": "g1", "status": "completed", "output_urls": "https://cdn.example/o.png"},
        {"id": "g1", "status": "completed", "output_urls": ["https://cdn.example/o.png", 7]},
    ],
)
def test_a_vendor_body_with_outputs_of_the_wrong_type_is_unreadable_not_coerced(body):
    with pytest.raises(VendorProtocolError):
        to_update(body)


def test_a_signed_webhook_whose_completed_at_is_not_a_timestamp_is_refused():
    from tests.unit.test_creativeai_adapter import sign  # the adapter's own signing helper

    reader = CreativeAIWebhooks("secret", lambda: 1_700_000_000.0)
    body = json.dumps({"id": "g1", "status": "completed", "output_url": "https://cdn.example/o.png", "completed_at": 1}).encode()
    with pytest.raises(SignatureInvalid):
        reader.read(body, {"X-CreativeAI-Signature": sign(body, "secret")})


class Reader:
    def read(self, raw_body, headers, query):
        vendor_job_id = raw_body.decode()
        return vendor_job_id, VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.COMPLETED, outputs=["https://c/o.png"])


def test_an_unsigned_delivery_on_another_vendors_route_is_unknown_before_any_vendor_call():
    jobs, served, other = FakeJobs(), FakeGateway(name="creativeai"), FakeGateway(name="other")
    intake = JobIntake(jobs, FakeAssets(), FakeEvents(), FakeWorkflow(), FakeFetcher(), VENDORS, new_id=lambda: "job_1")
    intake.create("acme", JobRequest(prompt="a red mug"))
    Submitter(
        jobs, FakeAssets(), FakeEvents(), {"creativeai": served}, FakeHealth(), "https://api", 60, 5, vendors=VENDORS
    ).submit("job_1")
    vendors = {**VENDORS, "other": CREATIVEAI.model_copy(update={"name": "other", "signed_webhooks": False})}
    webhooks = VendorCallbacks(
        jobs,
        UpdateRecorder(jobs, FakeEvents(), FakeTasks(), vendors=vendors),
        {"other": Reader()},
        {"other": other},
        vendors=vendors,
    )
    with pytest.raises(UnknownGeneration):
        webhooks.receive("other", b"creativeai_1", {}, {"job": "job_1"})
    assert other.status_calls == 0


def test_one_malformed_image_url_in_a_product_refuses_that_image_only():
    from adforge.services.shop_webhooks import ShopWebhooks
    from tests.unit.test_shop_webhooks import FRONT, SIDE, shopify_delivery, world

    shops = world.__wrapped__()  # the platform tests' shops and ledger
    jobs, fetcher = FakeJobs(), FakeFetcher()
    intake = JobIntake(jobs, FakeAssets(), FakeEvents(), FakeWorkflow(), fetcher, VENDORS)
    for key, config in list(shops.directory.shops.items()):  # a recipe creativeai serves
        shops.directory.shops[key] = config.model_copy(
            update={"recipe": config.recipe.model_copy(update={"aspect_ratios": ["1:1"]})}
        )
    hooks = ShopWebhooks(shops.directory, shops.ledger, intake, PLATFORMS)
    event = hooks.accept("shopify", *shopify_delivery(FRONT, {**SIDE, "src": "https://0177.0.0.1/side.png"}))
    outcomes = hooks.process(event)
    assert [(o.status, o.error.code if o.error else None) for o in outcomes] == [
        ("created", None),
        ("rejected", "url_not_allowed"),
    ]
