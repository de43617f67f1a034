import pytest

from adforge.domain.models import JobRequest, VendorState, VendorUpdate
from adforge.services.intake import JobIntake
from adforge.services.submission import Submitter
from adforge.services.updates import Recorded, UnknownGeneration, UpdateRecorder
from adforge.services.webhooks import UnknownVendor, WebhookIntake
from adforge.vendors import registry
from adforge.vendors.creativeai import CAPABILITIES
from adforge.vendors.signatures import SignatureInvalid
from tests.fakes import FakeAssets, FakeEvents, FakeFetcher, FakeGateway, FakeHealth, FakeJobs, FakeTasks, FakeWorkflow


class Reader:
    """Accepts bodies starting with b'ok:'; the rest is the vendor job id and state."""

    def read(self, raw_body, headers, query):
        if not raw_body.startswith(b"ok:"):
            raise SignatureInvalid("bad")
        vendor_job_id, state = raw_body[3:].decode().split(",")
        return vendor_job_id, VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState(state), outputs=["https://cdn/o.png"])


@pytest.fixture
def world(monkeypatch):
    jobs, gateway = FakeJobs(), FakeGateway()
    intake = JobIntake(
        jobs, FakeAssets(), FakeEvents(), FakeWorkflow(), FakeFetcher(), frozenset({"creativeai"}), new_id=lambda: "job_1"
    )
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    Submitter(jobs, FakeAssets(), FakeEvents(), {"creativeai": gateway}, FakeHealth(), "https://api", 60, 5).submit(job.id)
    webhooks = WebhookIntake(
        jobs, UpdateRecorder(jobs, FakeEvents(), FakeTasks()), {"creativeai": Reader()}, {"creativeai": gateway}
    )
    return jobs, gateway, webhooks


def test_the_submission_links_the_vendor_id_so_a_delivery_without_our_job_id_finds_its_job(world):
    jobs, _, webhooks = world
    assert jobs.job_for_vendor_job("creativeai", "creativeai_1") == "job_1"
    assert webhooks.receive("creativeai", b"ok:creativeai_1,completed", {}, {}) == ("creativeai_1", Recorded.ACCEPTED)
    assert jobs.get("job_1").result.state is VendorState.COMPLETED


def test_unverified_or_unknown_deliveries_change_nothing(world):
    jobs, _, webhooks = world
    before = jobs.get("job_1")
    with pytest.raises(SignatureInvalid):
        webhooks.receive("creativeai", b"forged:creativeai_1,completed", {}, {})
    with pytest.raises(UnknownGeneration):
        webhooks.receive("creativeai", b"ok:creativeai_999,completed", {}, {})
    with pytest.raises(UnknownVendor):
        webhooks.receive("nobody", b"ok:creativeai_1,completed", {}, {})
    assert jobs.get("job_1") == before


def test_an_unsigned_vendors_delivery_is_confirmed_by_a_status_call(world, monkeypatch):
    jobs, gateway, webhooks = world
    monkeypatch.setitem(registry.REGISTRY, "creativeai", CAPABILITIES.model_copy(update={"signed_webhooks": False}))
    gateway.updates = iter([VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.PROCESSING, progress=50)])
    assert webhooks.receive("creativeai", b"ok:creativeai_1,completed", {}, {"job": "job_1"})[1] is Recorded.ACCEPTED
    assert gateway.status_calls == 1
    stored = jobs.get("job_1").result
    assert (stored.state, stored.progress) == (VendorState.PROCESSING, 50)  # the vendor's word, not the delivery's
