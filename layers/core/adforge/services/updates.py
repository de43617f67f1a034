"""Vendor updates, from webhooks and from polls: record once, never move a finished job, wake the workflow."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from adforge.domain.errors import DomainError
from adforge.domain.events import JobEvent
from adforge.domain.models import Job, VendorUpdate
from adforge.domain.status import JobStatus
from adforge.ports import EventPublisher, JobRepository, TaskResumer
from adforge.services.outcomes import finished, update_outcome, with_fresh_job


class UnknownGeneration(DomainError):
    """The update names a vendor job this AdForge job never had."""

    code = "unknown_generation"


class NotYetSubmitted(DomainError):
    """The update raced ahead of our own record of the submission; the sender should retry."""

    code = "not_yet_submitted"


class Recorded(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    JOB_FINISHED = "job_finished"


@dataclass
class UpdateRecorder:
    jobs: JobRepository
    events: EventPublisher
    tasks: TaskResumer

    def record(self, job_id: str, vendor: str, update: VendorUpdate) -> Recorded:
        """Store `update` on the job and, when it is final, resume the waiting execution."""
        return with_fresh_job(self.jobs, job_id, lambda job: self._record(job, vendor, update))

    def _record(self, job: Job, vendor: str, update: VendorUpdate) -> Recorded:
        check_generation(job, vendor, update.vendor_job_id)
        if job.is_finished:
            return Recorded.JOB_FINISHED
        if job.vendor_job_id is None:
            raise NotYetSubmitted(f"job {job.id} is not submitted yet")
        if job.result is not None and (job.result.state.is_final or job.result == update):
            return Recorded.DUPLICATE
        first_progress = job.status is JobStatus.SUBMITTED
        job = self.jobs.transition(job, JobStatus.PROCESSING, result=update)
        if first_progress:
            self.events.publish(JobEvent.PROCESSING, job)
        if update.state.is_final and job.task_token:
            self.tasks.resume(job.task_token, update_outcome(update))
        return Recorded.ACCEPTED

    def wait_for_webhook(self, job_id: str, task_token: str) -> None:
        """Leave the task token on the job; if the result is already here, resume at once."""
        with_fresh_job(self.jobs, job_id, lambda job: self._park(job, task_token))

    def _park(self, job: Job, task_token: str) -> None:
        known = recorded_outcome(job)
        if known is not None:
            self.tasks.resume(task_token, known)
        else:
            self.jobs.amend(job, task_token=task_token)


def check_generation(job: Job, vendor: str, vendor_job_id: str) -> None:
    """Raises `UnknownGeneration` unless the job is (or may yet be) served by this vendor generation."""
    if job.vendor != vendor or (job.vendor_job_id is not None and job.vendor_job_id != vendor_job_id):
        raise UnknownGeneration(f"job {job.id} has no {vendor} generation {vendor_job_id}")


def recorded_outcome(job: Job) -> dict[str, Any] | None:
    """The outcome already known from the record, if any (a webhook may have beaten the poll)."""
    if job.is_finished:
        return finished(job)
    if job.result is not None and job.result.state.is_final:
        return update_outcome(job.result)
    return None
