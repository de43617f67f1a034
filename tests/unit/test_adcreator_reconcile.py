"""adcreator reconciliation: our generation recognised in GET /generations by prompt, model and time."""

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from adforge.domain.models import JobRequest, VendorSubmission
from adforge.ports.vendors import ReconcilingGateway, VendorOutcomeUnknown
from adforge.vendors.adcreator.client import AdCreatorClient
from adforge.vendors.adcreator.gateway import LIST_PAGE, MAX_LIST_PAGES, AdCreatorGateway

INTENT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
MODELS = {"models": [{"id": "nano-banana-2", "creditsCost": 2, "supportsImageInput": False}]}


def item(gen_id: str, minutes: float, prompt: str = "red mug", model: str = "nano-banana-2") -> dict:
    moment = (INTENT + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
    return {"id": gen_id, "status": "processing", "prompt": prompt, "model_id": model, "image_url": None, "created_at": moment}


class Listed:
    """The vendor: a generation list (as given, paged by limit/offset) and a counter of new generations."""

    def __init__(self, items: list[dict]) -> None:
        self.items = items
        self.generated = 0
        self.pages_read = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/platform")
        if path == "/models":
            return httpx.Response(200, json=MODELS)
        if path == "/credits":
            return httpx.Response(200, json={"balance": 100, "unlimited": False})
        if path == "/generate":
            self.generated += 1
            assert json.loads(request.content)["prompt"] == "red mug"
            return httpx.Response(202, json={"id": f"new{self.generated}", "status": "processing"})
        assert path == "/generations"
        self.pages_read += 1
        limit, offset = int(request.url.params["limit"]), int(request.url.params["offset"])
        return httpx.Response(200, json=self.items[offset : offset + limit])


def reconcile(vendor: Listed, count: int = 1, claimed: frozenset[str] = frozenset()) -> str | None:
    http = httpx.Client(base_url="https://adcreator.test", transport=httpx.MockTransport(vendor))
    gateway = AdCreatorGateway(AdCreatorClient(http), fetcher=None)  # type: ignore[arg-type]
    assert isinstance(gateway, ReconcilingGateway)
    submission = VendorSubmission(request=JobRequest(prompt="  red mug ", count=count))
    return gateway.reconcile(submission, INTENT, lambda gen_id: gen_id in claimed)


def test_our_generation_is_found_by_prompt_model_and_time():
    vendor = Listed([item("g3", 2, prompt="blue mug"), item("g2", 1), item("g1", -10)])
    assert reconcile(vendor) == "g2" and vendor.generated == 0


def test_another_model_another_prompt_an_older_one_or_a_claimed_one_is_not_ours():
    vendor = Listed([item("g4", 3), item("g3", 2, model="flux"), item("g2", 1, prompt="blue"), item("g1", -5)])
    assert reconcile(vendor, claimed=frozenset({"g4"})) is None


def test_an_empty_list_proves_the_vendor_has_none():
    assert reconcile(Listed([])) is None


def test_a_newest_first_list_is_read_only_until_a_page_older_than_the_intent():
    vendor = Listed([item("g0", 1)] + [item(f"old{n}", -60 - n) for n in range(3 * LIST_PAGE)])
    assert reconcile(vendor) == "g0" and vendor.pages_read == 2


def test_a_list_in_no_known_order_longer_than_the_bound_cannot_tell():
    old = [item(f"old{n}", -60 + (n % 7)) for n in range(MAX_LIST_PAGES * LIST_PAGE + 1)]  # not newest first
    with pytest.raises(VendorOutcomeUnknown):
        reconcile(Listed(old))


def test_two_matching_generations_for_a_job_of_one_cannot_be_told_apart():
    with pytest.raises(VendorOutcomeUnknown):
        reconcile(Listed([item("g2", 2), item("g1", 1)]))


def test_a_partly_started_job_keeps_what_the_vendor_has_and_starts_only_the_rest():
    vendor = Listed([item("g2", 2), item("g1", 1)])
    assert reconcile(vendor, count=3) == "g1,g2,new1" and vendor.generated == 1
