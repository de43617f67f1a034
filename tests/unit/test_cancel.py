"""Cancel wins a race with a concurrent update (a webhook moving the job on) but never changes a finished job."""

import pytest

from adforge.domain.errors import TransitionRejected
from adforge.domain.models import Job, JobRequest
from adforge.domain.status import JobStatus
from adforge.services.tenant_jobs import TenantJobs
from adforge.vendors.catalog import CAPABILITIES
from tests.fakes import FakeAssets, FakeEvents, FakeJobs, FakeWorkflow


@pytest.fixture
def world():
    jobs, workflow, events = FakeJobs(), FakeWorkflow(), FakeEvents()
    job = Job(id="job_1", tenant_id="acme", request=JobRequest(prompt="a red mug"), vendor_requested="auto")
    jobs.create(job)
    jobs.transition(job, JobStatus.SUBMITTED)
    return jobs, workflow, events, TenantJobs(jobs, FakeAssets(), events, workflow, vendors=CAPABILITIES)


def advance_to(status: JobStatus):
    def write(jobs: FakeJobs) -> None:
        current = jobs.items["job_1"]
        jobs.items["job_1"] = current.model_copy(update={"status": status, "version": current.version + 1})

    return write


def test_a_cancel_that_loses_a_race_with_a_webhook_is_retried_on_the_fresh_record(world):
    jobs, workflow, events, tenancy = world
    jobs.interfere.append(advance_to(JobStatus.PROCESSING))  # lands between our read and our write
    cancelled = tenancy.cancel("acme", "job_1")
    assert (cancelled.status, jobs.get("job_1").status) == (JobStatus.CANCELLED, JobStatus.CANCELLED)
    assert workflow.stopped == ["job_1"] and events.names() == ["Job Cancelled"]


def test_a_job_that_finished_meanwhile_is_not_cancelled(world):
    jobs, workflow, events, tenancy = world
    jobs.interfere.append(advance_to(JobStatus.COMPLETED))
    with pytest.raises(TransitionRejected):
        tenancy.cancel("acme", "job_1")
    assert jobs.get("job_1").status == JobStatus.COMPLETED and workflow.stopped == [] and events.names() == []
