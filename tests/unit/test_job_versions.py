"""The job's change rules live on the domain model: the DynamoDB adapter and the test fake both take them from here."""

from __future__ import annotations

import pytest

from adforge.domain.errors import TransitionRejected
from adforge.domain.models import Job, JobRequest, VendorAttempt
from adforge.domain.status import JobStatus


def _job() -> Job:
    return Job(id="job-1", tenant_id="t", request=JobRequest(prompt="a mug"), vendor_requested="auto")


def test_a_move_is_a_new_version_with_the_status_on_the_timeline():
    job = _job()
    moved = job.moved(JobStatus.SUBMITTED, vendor="creativeai")
    assert (moved.status, moved.vendor, moved.version) == (JobStatus.SUBMITTED, "creativeai", job.version + 1)
    assert [change.status for change in moved.timeline] == [JobStatus.SUBMITTED]
    amended = moved.amended(vendor_job_id="v-1")
    assert amended.timeline == moved.timeline and amended.version == moved.version + 1  # no move, no new entry


def test_an_illegal_move_is_refused():
    with pytest.raises(TransitionRejected, match="illegal transition"):
        _job().moved(JobStatus.COMPLETED)  # a queued job has nothing to collect


def test_a_finished_job_refuses_every_change_but_what_a_sent_request_learnt():
    job = _job().amended(attempts=[VendorAttempt(vendor="adsumo", outcome="submitting")]).moved(JobStatus.CANCELLED)
    with pytest.raises(TransitionRejected, match="already finished"):
        job.amended(vendor="adsumo")
    with pytest.raises(TransitionRejected, match="already finished"):
        job.moved(JobStatus.FAILED)
    settled = job.with_attempt_settled(VendorAttempt(vendor="adsumo", vendor_job_id="g-1", outcome="abandoned"))
    assert [(a.outcome, a.vendor_job_id) for a in settled.attempts] == [("abandoned", "g-1")]
    assert settled.status is JobStatus.CANCELLED
