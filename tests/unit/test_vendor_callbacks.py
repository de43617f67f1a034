import pytest

from adforge.domain.models import JobRequest, VendorState, VendorUpdate
from adforge.domain.signatures import SignatureInvalid
from adforge.domain.status import JobStatus
from adforge.services.intake import JobIntake
from adforge.services.submission import Submitter
from adforge.services.updates import Recorded, UnknownGeneration, UpdateRecorder
from adforge.services.vendor_callbacks import UnknownVendor, VendorCallbacks
from adforge.vendors.catalog import CAPABILITIES as VENDORS
from adforge.vendors.creativeai import CAPABILITIES
from tests.fakes import FakeAssets, FakeEvents, FakeFetcher, FakeGateway, FakeHealth, FakeJobs, FakeTasks, FakeWorkflow


class Reader:
    """Accepts bodies starting with b'ok:'; the rest is the vendor job id and state."""

    def read(self, raw_body, headers, query):
        if not raw_body.startswith(b"ok:"):
            raise SignatureInvalid("bad")
        vendor_job_id, state = raw_body[3:].decode().split(",")
        return vendor_job_id, VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState(state), outputs=["https://cdn/o.png"])


@pytest.fixture
def world():
    jobs, gateway, vendors = FakeJobs(), FakeGateway(), dict(VENDORS)  # a test may change a vendor's capabilities
    intake = JobIntake(jobs, FakeAssets(), FakeEvents(), FakeWorkflow(), FakeFetcher(), vendors, new_id=lambda: "job_1")
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    Submitter(
        jobs, FakeAssets(), FakeEvents(), {"creativeai": gateway}, FakeHealth(), "https://api", 60, 5, vendors=vendors
    ).submit(job.id)
    webhooks = VendorCallbacks(
        jobs,
        UpdateRecorder(jobs, FakeEvents(), FakeTasks(), vendors=vendors),
        {"creativeai": Reader()},
        {"creativeai": gateway},
        vendors=vendors,
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
    monkeypatch.setitem(webhooks.vendors, "creativeai", CAPABILITIES.model_copy(update={"signed_webhooks": False}))
    gateway.updates = iter([VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.PROCESSING, progress=50)])
    assert webhooks.receive("creativeai", b"ok:creativeai_1,completed", {}, {"job": "job_1"})[1] is Recorded.ACCEPTED
    assert gateway.status_calls == 1
    stored = jobs.get("job_1").result
    assert (stored.state, stored.progress) == (VendorState.PROCESSING, 50)  # the vendor's word, not the delivery's


@pytest.fixture
def unsigned(world, monkeypatch):
    monkeypatch.setitem(world[2].vendors, "creativeai", CAPABILITIES.model_copy(update={"signed_webhooks": False}))
    return world


@pytest.mark.parametrize("state", ["pending", "processing"])
def test_an_unsigned_progress_delivery_is_acknowledged_without_a_status_call(unsigned, state):
    jobs, gateway, webhooks = unsigned
    before = jobs.get("job_1")
    body = f"ok:creativeai_1,{state}".encode()
    assert webhooks.receive("creativeai", body, {}, {"job": "job_1"}) == ("creativeai_1", Recorded.UNCONFIRMED)
    assert gateway.status_calls == 0
    assert jobs.get("job_1") == before  # an unproven claim records nothing


def test_an_unsigned_delivery_for_another_generation_is_refused_without_a_status_call(unsigned):
    _, gateway, webhooks = unsigned
    with pytest.raises(UnknownGeneration):
        webhooks.receive("creativeai", b"ok:creativeai_999,completed", {}, {"job": "job_1"})
    assert gateway.status_calls == 0


def test_unsigned_deliveries_cost_one_status_call_per_job_on_the_final_one(unsigned):
    """AdCreative-like: task and progress messages, then the final one (twice, as retried deliveries are)."""
    jobs, gateway, webhooks = unsigned
    done = VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.COMPLETED, outputs=["https://cdn/o.png"])
    gateway.updates = iter([done])
    for _ in range(8):
        assert webhooks.receive("creativeai", b"ok:creativeai_1,processing", {}, {})[1] is Recorded.UNCONFIRMED
    assert webhooks.receive("creativeai", b"ok:creativeai_1,completed", {}, {})[1] is Recorded.ACCEPTED
    assert webhooks.receive("creativeai", b"ok:creativeai_1,completed", {}, {})[1] is Recorded.DUPLICATE
    assert webhooks.receive("creativeai", b"ok:creativeai_1,processing", {}, {})[1] is Recorded.DUPLICATE
    assert gateway.status_calls == 1
    assert jobs.get("job_1").result == done


@pytest.mark.parametrize("claim", ["completed", "failed"])
def test_a_final_claim_is_confirmed_and_the_vendor_answer_recorded(unsigned, claim):
    jobs, gateway, webhooks = unsigned
    failed = VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.FAILED)
    gateway.updates = iter([failed])
    body = f"ok:creativeai_1,{claim}".encode()
    assert webhooks.receive("creativeai", body, {}, {"job": "job_1"})[1] is Recorded.ACCEPTED
    assert gateway.status_calls == 1 and jobs.get("job_1").result == failed  # the vendor's word, not the delivery's


def test_a_contradicted_final_claim_is_confirmed_again_on_the_next_one(unsigned):
    jobs, gateway, webhooks = unsigned
    running = VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.PROCESSING, progress=90)
    done = VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.COMPLETED, outputs=["https://cdn/o.png"])
    gateway.updates = iter([running, done])
    webhooks.receive("creativeai", b"ok:creativeai_1,completed", {}, {})
    assert jobs.get("job_1").result == running
    webhooks.receive("creativeai", b"ok:creativeai_1,completed", {}, {})
    assert (gateway.status_calls, jobs.get("job_1").result) == (2, done)


def test_an_unsigned_delivery_for_a_finished_job_needs_no_status_call(unsigned):
    jobs, gateway, webhooks = unsigned
    job = jobs.get("job_1")
    jobs.items["job_1"] = job.model_copy(update={"status": JobStatus.FAILED})
    assert webhooks.receive("creativeai", b"ok:creativeai_1,completed", {}, {})[1] is Recorded.JOB_FINISHED
    assert gateway.status_calls == 0
