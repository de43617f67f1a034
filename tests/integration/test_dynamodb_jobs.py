import pytest

from adforge.adapters.dynamodb_jobs import DynamoDBJobRepository
from adforge.domain.errors import JobNotFound, TransitionRejected
from adforge.domain.models import Job, JobRequest, VendorAttempt
from adforge.domain.status import JobStatus
from adforge.ports.jobs import JobAlreadyExists


def new_job(job_id="job_1") -> Job:
    return Job(id=job_id, tenant_id="acme", request=JobRequest(prompt="red mug"), vendor_requested="auto")


def test_round_trip_and_versioned_transitions(table):
    jobs = DynamoDBJobRepository(table)
    jobs.create(new_job())
    job = jobs.get("job_1")
    submitted = jobs.transition(job, JobStatus.SUBMITTED, vendor="creativeai", vendor_job_id="g1")
    assert (submitted.version, jobs.get("job_1")) == (1, submitted)
    item = table.get_item(Key={"pk": "JOB#job_1"})["Item"]
    assert (item["status"], item["version"], item["tenant_id"]) == ("submitted", 1, "acme")
    assert int(item["expires_at"]) > int(job.created_at.timestamp())


def test_create_is_conditional(table):
    jobs = DynamoDBJobRepository(table)
    jobs.create(new_job())
    with pytest.raises(JobAlreadyExists):
        jobs.create(new_job())
    with pytest.raises(JobNotFound):
        jobs.get("job_missing")


def test_a_stale_writer_loses_and_is_told_why(table):
    jobs = DynamoDBJobRepository(table)
    jobs.create(new_job())
    seen_by_both = jobs.get("job_1")
    jobs.transition(seen_by_both, JobStatus.SUBMITTED)
    with pytest.raises(TransitionRejected, match="stale version 0"):
        jobs.amend(seen_by_both, task_token="t")
    assert jobs.get("job_1").task_token is None


def test_a_finished_job_refuses_late_and_duplicate_messages(table):
    jobs = DynamoDBJobRepository(table)
    jobs.create(new_job())
    job = jobs.transition(jobs.get("job_1"), JobStatus.SUBMITTED)
    running = jobs.transition(job, JobStatus.PROCESSING)
    finished = jobs.transition(running, JobStatus.COMPLETED)
    for late in (lambda: jobs.transition(running, JobStatus.FAILED), lambda: jobs.transition(finished, JobStatus.FAILED),
                 lambda: jobs.amend(finished, task_token="x")):  # fmt: skip
        with pytest.raises(TransitionRejected, match="already finished"):
            late()
    assert jobs.get("job_1") == finished


def test_a_paid_generation_is_settled_on_its_job_even_after_the_job_ended(table):
    jobs = DynamoDBJobRepository(table)
    jobs.create(new_job())
    job = jobs.amend(jobs.get("job_1"), attempts=[VendorAttempt(vendor="creativeai", outcome="submitting")])
    cancelled = jobs.transition(job, JobStatus.CANCELLED)
    settled = jobs.settle_attempt("job_1", VendorAttempt(vendor="creativeai", vendor_job_id="g1", outcome="abandoned"))
    stored = jobs.get("job_1")
    assert stored == settled and (stored.status, stored.version) == (JobStatus.CANCELLED, cancelled.version + 1)
    assert [(a.vendor_job_id, a.outcome) for a in stored.attempts] == [("g1", "abandoned")]  # the intent was replaced
    with pytest.raises(TransitionRejected, match="already finished"):
        jobs.amend(stored, task_token="x")  # nothing else may change
