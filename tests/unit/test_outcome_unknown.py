"""A creation whose answer never came back is never paid for twice: not resubmitted, not failed over."""

import httpx
import pytest

from adforge.domain.models import JobRequest, VendorAttempt
from adforge.domain.status import JobStatus
from adforge.ports.vendors import VendorOutcomeUnknown, VendorUnavailable
from adforge.vendors.creativeai.client import CreativeAIClient
from tests.fakes import FakeGateway
from tests.unit.conftest import outcomes


def client(error: Exception) -> CreativeAIClient:
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    return CreativeAIClient(httpx.Client(base_url="https://api.test", transport=httpx.MockTransport(fail)))


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset"), httpx.ReadError("eof"), httpx.WriteTimeout("w")]
)
def test_a_creation_sent_without_an_answer_is_an_unknown_outcome(error):
    with pytest.raises(VendorOutcomeUnknown):
        client(error).generate_image({"prompt": "a red mug"})


@pytest.mark.parametrize("error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("no route"), httpx.PoolTimeout("busy")])
def test_a_creation_that_never_left_is_a_retryable_outage(error):
    with pytest.raises(VendorUnavailable):
        client(error).generate_image({"prompt": "a red mug"})


def test_a_status_call_without_an_answer_is_only_an_outage():
    with pytest.raises(VendorUnavailable):
        client(httpx.ReadTimeout("slow")).get_prediction("gen_1")  # reading twice costs nothing


def test_an_unknown_outcome_ends_the_job_without_retry_or_failover(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    gateways["cheap"].error = VendorOutcomeUnknown("cheap", "no answer after the request was sent")
    ended = submitter.submit(job.id)
    stored = jobs.get(job.id)
    assert (stored.status, stored.error.code, ended["error"]) == (
        JobStatus.FAILED,
        "vendor_outcome_unknown",
        "vendor_outcome_unknown",
    )
    assert outcomes(stored) == [("cheap", "unknown", "vendor_outcome_unknown")]
    assert gateways["pricey"].submissions == []  # the cheap vendor may have accepted it: no second vendor paid


def test_what_part_of_an_unknown_submission_was_answered_stays_on_its_attempt(two_vendors):
    """A job of N generations, some answered and some not: the answered (paid) ones are on the job by id."""
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug", count=3))
    gateways["cheap"].error = VendorOutcomeUnknown("cheap", "1 of 3 unanswered", accepted="gen_1,gen_2")
    submitter.submit(job.id)
    (attempt,) = jobs.get(job.id).attempts
    assert (attempt.outcome, attempt.vendor_job_id) == ("unknown", "gen_1,gen_2")


def test_the_intent_is_on_the_record_before_the_request_is_sent(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    seen: list[list[str]] = []
    original = gateways["cheap"].submit

    def submit(submission):
        seen.append([attempt.outcome for attempt in jobs.get(job.id).attempts])
        return original(submission)

    gateways["cheap"].submit = submit
    submitter.submit(job.id)
    assert seen == [["submitting"]] and outcomes(jobs.get(job.id)) == [("cheap", "submitted", None)]


def test_an_intent_left_unanswered_by_an_earlier_run_is_never_resubmitted(two_vendors):
    """The crash window: the vendor answered, this step died before recording it; the retry must not pay again."""
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    jobs.amend(job, attempts=[VendorAttempt(vendor="cheap", outcome="submitting")])
    ended = submitter.submit(job.id)
    assert ended["error"] == "vendor_outcome_unknown" and jobs.get(job.id).status is JobStatus.FAILED
    assert gateways["cheap"].submissions == [] and gateways["pricey"].submissions == []


def test_a_generation_accepted_while_the_job_was_cancelled_stays_on_the_job_as_abandoned(two_vendors):
    intake, submitter, _, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))

    def cancel(store):  # the merchant's cancel lands while the vendor is accepting
        current = store.items[job.id]
        store.items[job.id] = current.model_copy(update={"status": JobStatus.CANCELLED, "version": current.version + 1})

    jobs.interfere.extend([lambda store: None, cancel])  # after the intent is written, before "submitted"
    ended = submitter.submit(job.id)
    stored = jobs.get(job.id)
    assert (ended["status"], stored.status) == ("cancelled", JobStatus.CANCELLED)
    assert [(a.vendor, a.vendor_job_id, a.outcome) for a in stored.attempts] == [("cheap", "cheap_1", "abandoned")]


def test_an_abandoned_generation_is_deleted_where_the_vendor_documents_how(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    discarded: list[str] = []

    class Deleting(FakeGateway):
        def discard(self, vendor_job_id: str) -> None:
            discarded.append(vendor_job_id)

    gateways["cheap"] = Deleting(name="cheap")
    job = intake.create("acme", JobRequest(prompt="a red mug"))

    def cancel(store):
        current = store.items[job.id]
        store.items[job.id] = current.model_copy(update={"status": JobStatus.CANCELLED, "version": current.version + 1})

    jobs.interfere.extend([lambda store: None, cancel])
    submitter.submit(job.id)
    attempt = jobs.get(job.id).attempts[-1]
    assert discarded == ["cheap_1"] and attempt.outcome == "abandoned" and "deleted at the vendor" in attempt.error.message


def test_a_job_cancelled_while_its_answer_is_late_keeps_the_unknown_attempt(two_vendors):
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))

    def cancelled_meanwhile(submission):
        current = jobs.items[job.id]
        jobs.items[job.id] = current.model_copy(update={"status": JobStatus.CANCELLED, "version": current.version + 1})
        raise VendorOutcomeUnknown("cheap", "no answer after the request was sent")

    gateways["cheap"].submit = cancelled_meanwhile
    ended = submitter.submit(job.id)
    stored = jobs.get(job.id)
    assert (ended["status"], stored.status) == ("cancelled", JobStatus.CANCELLED)
    assert outcomes(stored) == [("cheap", "unknown", "vendor_outcome_unknown")]
