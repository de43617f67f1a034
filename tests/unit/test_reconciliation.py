"""An answer that never came back is reconciled: adopted when the vendor has it, sent again only when it provably
has not, otherwise the job ends `vendor_outcome_unknown`. Whatever happens, a paid generation is on its job."""

import pytest

from adforge.domain.models import JobRequest, VendorAttempt, VendorState, VendorUpdate
from adforge.domain.status import JobStatus
from adforge.ports.vendors import VendorOutcomeUnknown, VendorUnavailable
from adforge.services.polling import Poller
from adforge.services.updates import Recorded, UpdateRecorder
from tests.fakes import FakeEvents, FakeGateway, FakeTasks, vendor
from tests.unit.conftest import outcomes


class Listing(FakeGateway):
    """A vendor with a list endpoint: what it accepted (`accepted`) is what reconcile finds."""

    def __init__(self, name: str) -> None:
        super().__init__(name=name)
        self.accepted: list[str] = []
        self.lookup_error: Exception | None = None
        self.lose_answer = 0  # the next n submissions are accepted, and their answer lost

    def submit(self, submission):
        vendor_job_id = super().submit(submission)
        self.accepted.append(vendor_job_id)
        if self.lose_answer:
            self.lose_answer -= 1
            raise VendorOutcomeUnknown(self.name, "read timeout after the request was sent")
        return vendor_job_id

    def reconcile(self, submission, since, claimed):
        if self.lookup_error is not None:
            raise self.lookup_error
        mine = [found for found in self.accepted if not claimed(found)]
        return mine[-1] if mine else None


@pytest.fixture
def listing(two_vendors):
    intake, submitter, gateways, jobs, _health = two_vendors
    gateways["cheap"] = Listing("cheap")
    return intake, submitter, gateways, jobs


def test_a_lost_answer_is_found_at_the_vendor_and_adopted_without_paying_again(listing):
    intake, submitter, gateways, jobs = listing
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    gateways["cheap"].lose_answer = 1
    assert submitter.submit(job.id)["state"] == "processing"
    stored = jobs.get(job.id)
    assert (stored.status, stored.vendor_job_id) == (JobStatus.SUBMITTED, gateways["cheap"].accepted[0])
    assert len(gateways["cheap"].submissions) == 1 and gateways["pricey"].submissions == []
    assert jobs.job_for_vendor_job("cheap", stored.vendor_job_id) == job.id


def test_the_crash_window_between_the_vendors_answer_and_our_write_is_reconciled(listing):
    """The vendor answered; the step died before writing "submitted" (its retry sees only the intent)."""
    intake, submitter, gateways, jobs = listing
    job = intake.create("acme", JobRequest(prompt="a red mug"))

    def crash(store):
        raise RuntimeError("Lambda timed out")

    jobs.interfere.extend([lambda store: None, crash])  # the intent is written; the write after the answer is not
    with pytest.raises(RuntimeError):
        submitter.submit(job.id)
    assert outcomes(jobs.get(job.id)) == [("cheap", "submitting", None)]
    submitter.submit(job.id)  # the state machine's retry
    stored = jobs.get(job.id)
    assert stored.vendor_job_id == gateways["cheap"].accepted[0] and len(gateways["cheap"].submissions) == 1
    assert outcomes(stored) == [("cheap", "submitted", None)]


def test_only_a_vendor_that_provably_has_nothing_is_sent_the_request_again(listing):
    intake, submitter, gateways, jobs = listing
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    jobs.amend(job, attempts=[VendorAttempt(vendor="cheap", outcome="submitting")])  # the request never arrived
    submitter.submit(job.id)
    stored = jobs.get(job.id)
    assert len(gateways["cheap"].submissions) == 1 and stored.vendor_job_id == gateways["cheap"].accepted[0]
    assert outcomes(stored) == [("cheap", "failed", "vendor_unavailable"), ("cheap", "submitted", None)]


def test_another_jobs_generation_is_never_adopted(listing):
    intake, submitter, gateways, jobs = listing
    gateways["cheap"].accepted.append("cheap_other")
    jobs.link_vendor_job("cheap", "cheap_other", "job_someone_else")
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    jobs.amend(job, attempts=[VendorAttempt(vendor="cheap", outcome="submitting")])
    submitter.submit(job.id)
    assert jobs.get(job.id).vendor_job_id != "cheap_other"


def test_a_vendor_that_cannot_be_asked_ends_the_job_unknown_and_nothing_is_sent(listing):
    intake, submitter, gateways, jobs = listing
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    gateways["cheap"].lose_answer = 1
    gateways["cheap"].lookup_error = VendorUnavailable("cheap", "503")
    ended = submitter.submit(job.id)
    stored = jobs.get(job.id)
    assert (ended["error"], stored.status) == ("vendor_outcome_unknown", JobStatus.FAILED)
    assert "looking it up at the vendor failed" in stored.error.message
    assert len(gateways["cheap"].submissions) == 1 and gateways["pricey"].submissions == []


# a vendor whose signed webhook names our job -----------------------------------------------------
@pytest.fixture
def named_by_webhook(two_vendors, monkeypatch):
    intake, submitter, gateways, jobs, _ = two_vendors
    hooked = vendor("cheap", 0.01).model_copy(update={"webhooks": True, "webhook_names_job": True})
    monkeypatch.setitem(submitter.vendors, "cheap", hooked)
    gateways["cheap"].error = VendorOutcomeUnknown("cheap", "read timeout after the request was sent")
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    recorder = UpdateRecorder(jobs, FakeEvents(), FakeTasks(), vendors=submitter.vendors)
    return submitter, jobs, job, recorder, gateways


def test_an_unknown_outcome_waits_for_the_webhook_that_names_the_job_and_adopts_it(named_by_webhook):
    submitter, jobs, job, recorder, gateways = named_by_webhook
    outcome = submitter.submit(job.id)
    assert (outcome["state"], outcome["webhooks"]) == ("processing", True)
    assert submitter.submit(job.id)["state"] == "processing"  # a re-run sends nothing
    update = VendorUpdate(vendor_job_id="gen_7", state=VendorState.COMPLETED, outputs=["https://cdn/x.png"])
    assert recorder.record(job.id, "cheap", update) is Recorded.ACCEPTED
    stored = jobs.get(job.id)
    assert (stored.vendor, stored.vendor_job_id, stored.status) == ("cheap", "gen_7", JobStatus.PROCESSING)
    assert outcomes(stored) == [("cheap", "unknown", "vendor_outcome_unknown"), ("cheap", "submitted", None)]
    assert gateways["pricey"].submissions == []


def test_no_webhook_within_the_wait_ends_the_job_unknown_and_a_late_one_is_kept_as_abandoned(named_by_webhook):
    submitter, jobs, job, recorder, _ = named_by_webhook
    submitter.submit(job.id)
    poller = Poller(jobs, recorder, {}, job.created_at.timestamp, 2, 10, 3600, vendors=submitter.vendors)
    assert poller.poll(job.id, None)["error"] == "vendor_outcome_unknown"
    assert jobs.get(job.id).status is JobStatus.FAILED
    late = VendorUpdate(vendor_job_id="gen_8", state=VendorState.COMPLETED, outputs=["https://cdn/y.png"])
    assert recorder.record(job.id, "cheap", late) is Recorded.JOB_FINISHED
    attempt = jobs.get(job.id).attempts[-1]
    assert (attempt.vendor_job_id, attempt.outcome) == ("gen_8", "abandoned")


@pytest.mark.parametrize("answer", ["late", "never"])
def test_a_webhook_that_beats_the_vendors_own_answer_adopts_and_the_answer_then_changes_nothing(named_by_webhook, answer):
    submitter, jobs, job, recorder, gateways = named_by_webhook
    gateways["cheap"].error = None
    update = VendorUpdate(vendor_job_id="cheap_1", state=VendorState.PROCESSING)
    original = gateways["cheap"].submit

    def slow_submit(submission):
        vendor_job_id = original(submission)  # accepted; its webhook is delivered before the answer is read
        assert recorder.record(job.id, "cheap", update) is Recorded.ACCEPTED
        if answer == "never":
            raise VendorOutcomeUnknown("cheap", "read timeout after the request was sent")
        return vendor_job_id

    gateways["cheap"].submit = slow_submit
    assert submitter.submit(job.id)["state"] == "processing"
    stored = jobs.get(job.id)
    assert (stored.vendor_job_id, stored.status) == ("cheap_1", JobStatus.PROCESSING)
    assert outcomes(stored) == [("cheap", "submitted", None)] and len(gateways["cheap"].submissions) == 1
