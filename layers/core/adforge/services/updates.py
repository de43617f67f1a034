"""Vendor updates, from webhooks and from polls: record once, never move a finished job, wake the workflow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from adforge.domain.capabilities import Capabilities
from adforge.domain.errors import DomainError
from adforge.domain.events import JobEvent
from adforge.domain.models import Job, JobError, VendorAttempt, VendorUpdate, settled
from adforge.domain.status import JobStatus
from adforge.ports.jobs import EventPublisher, JobRepository, TaskResumer
from adforge.services.account_admission import AccountAdmission
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
    UNCONFIRMED = "unconfirmed"  # an unsigned delivery claiming progress: acknowledged, not recorded (services/webhooks)


@dataclass
class UpdateRecorder:
    jobs: JobRepository
    events: EventPublisher
    tasks: TaskResumer
    admission: AccountAdmission = field(default_factory=AccountAdmission)  # a final update leaves the cap
    vendors: Mapping[str, Capabilities] = field(kw_only=True)  # every vendor's capabilities, by name

    def record(self, job_id: str, vendor: str, update: VendorUpdate) -> Recorded:
        """Store `update` on the job and, when it is final, resume the waiting execution."""
        return with_fresh_job(self.jobs, job_id, lambda job: self._record(job, vendor, update))

    def _record(self, job: Job, vendor: str, update: VendorUpdate) -> Recorded:
        if awaits_adoption(job, vendor, self.vendors.get(vendor)):
            if job.is_finished:  # paid, and arrived too late to be used: kept on the job for the record
                self.jobs.settle_attempt(job.id, VendorAttempt(vendor=vendor, vendor_job_id=update.vendor_job_id,
                                                               outcome="abandoned", error=LATE))  # fmt: skip
                return Recorded.JOB_FINISHED
            job = self._adopt(job, vendor, update.vendor_job_id)
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
        if update.state.is_final:
            self.admission.leave(vendor, job.id)
            if job.task_token:
                self.tasks.resume(job.task_token, update_outcome(update))
        return Recorded.ACCEPTED

    def _adopt(self, job: Job, vendor: str, vendor_job_id: str) -> Job:
        """The generation our unanswered request started, named by the vendor's signed webhook to our job."""
        self.jobs.link_vendor_job(vendor, vendor_job_id, job.id)
        attempt = VendorAttempt(vendor=vendor, vendor_job_id=vendor_job_id)
        job = self.jobs.transition(
            job, JobStatus.SUBMITTED, vendor=vendor, vendor_job_id=vendor_job_id, attempts=settled(job, attempt)
        )
        self.events.publish(JobEvent.SUBMITTED, job)
        return job

    def fail_unadopted(self, job: Job) -> dict[str, Any]:
        """No webhook named the job within the wait: its outcome stays unknown, and it is not paid for twice."""
        problem = JobError(
            code="vendor_outcome_unknown",
            message=f"{job.attempts[-1].vendor} gave no answer to the request and no webhook named the job since; "
            "not sent again, so that the merchant never pays twice",
        )
        job = self.jobs.transition(job, JobStatus.FAILED, error=problem)
        self.events.publish(JobEvent.FAILED, job)
        return finished(job)

    def wait_for_webhook(self, job_id: str, task_token: str) -> None:
        """Leave the task token on the job; if the result is already here, resume at once."""
        with_fresh_job(self.jobs, job_id, lambda job: self._park(job, task_token))

    def _park(self, job: Job, task_token: str) -> None:
        known = recorded_outcome(job)
        if known is not None:
            self.tasks.resume(task_token, known)
        else:
            self.jobs.amend(job, task_token=task_token)


LATE = JobError(code="abandoned", message="the vendor's webhook named this job after it had ended; not used")


def awaits_adoption(job: Job, vendor: str, capabilities: Capabilities | None) -> bool:
    """The job's request to a vendor whose webhook names the job is unanswered (still in flight, or answered by
    nothing): its delivery is the answer. (Submit, answered after all, finds the generation adopted.)"""
    last = job.attempts[-1] if job.attempts else None
    return (
        capabilities is not None
        and capabilities.adopts_by_webhook(job.request)
        and job.vendor_job_id is None
        and last is not None
        and last.vendor == vendor
        and last.outcome in ("submitting", "unknown")
    )


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
