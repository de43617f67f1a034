"""The job repository, observed: each job read or written names the work in hand, each change is measured.

Every figure an operator watches of a job follows from its record, so it is taken where the record changes, once
per write that took effect (a refused write raises before anything is counted), whichever step or route made it:

- created: `JobsCreated` (vendor: the one asked for, `auto` included);
- ended (`completed`, `failed`, `cancelled`, `timed_out`): `Jobs<Status>` and `JobLatency` (creation to end),
  `PollsPerJob` (the status calls it took), and for a completed job `JobCost` (its stored outputs at the vendor's
  price per output);
- its vendor's final update recorded (done or failed): `VendorRenderLatency`, from the vendor's acceptance
  (the job's `submitted` time) to the write recording that update.

The vendor dimension of an ended job is the vendor that served it, else the last one tried, else the one asked
for (a job refused by every vendor, or cancelled before any was tried).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adforge.domain.models import Job, JobKind, VendorAttempt
from adforge.domain.status import JobStatus
from adforge.ports.jobs import JobRepository
from adforge.ports.metrics import JobMetrics

CostPerOutput = Callable[[str, JobKind], float | None]
"""The vendor's price of one output of a kind, None for a vendor not in the catalogue."""


def vendor_of(job: Job) -> str:
    if job.vendor:
        return job.vendor
    return job.attempts[-1].vendor if job.attempts else job.vendor_requested


def entered(job: Job, status: JobStatus) -> datetime | None:
    """When the job last moved to `status` (None: never)."""
    times = [change.at for change in job.timeline if change.status is status]
    return times[-1] if times else None


@dataclass
class ObservedJobs:
    """A `JobRepository` reporting to `metrics` and telling `working_on` about each job it hands out."""

    inner: JobRepository
    metrics: JobMetrics
    cost_per_output: CostPerOutput
    working_on: Callable[[Job], None] = lambda job: None

    def create(self, job: Job) -> None:
        self.inner.create(job)
        self.working_on(job)
        self.metrics.job_counted(JobStatus.QUEUED, job.vendor_requested, job.request.kind.value)

    def get(self, job_id: str) -> Job:
        return self._seen(self.inner.get(job_id))

    def transition(self, job: Job, target: JobStatus, **changes: Any) -> Job:
        moved = self._seen(self.inner.transition(job, target, **changes))
        if moved.result is not None and moved.result.state.is_final and not (job.result and job.result.state.is_final):
            self._rendered(moved)
        if moved.is_finished and not job.is_finished:
            self._ended(moved)
        return moved

    def amend(self, job: Job, **changes: Any) -> Job:
        return self._seen(self.inner.amend(job, **changes))

    def settle_attempt(self, job_id: str, attempt: VendorAttempt) -> Job:
        return self._seen(self.inner.settle_attempt(job_id, attempt))

    def list_for_tenant(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        return self.inner.list_for_tenant(tenant_id, limit, cursor)

    def link_vendor_job(self, vendor: str, vendor_job_id: str, job_id: str) -> None:
        self.inner.link_vendor_job(vendor, vendor_job_id, job_id)

    def job_for_vendor_job(self, vendor: str, vendor_job_id: str) -> str | None:
        return self.inner.job_for_vendor_job(vendor, vendor_job_id)

    def _seen(self, job: Job) -> Job:
        self.working_on(job)
        return job

    def _rendered(self, job: Job) -> None:
        submitted = entered(job, JobStatus.SUBMITTED)
        if submitted is not None:
            seconds = (job.updated_at - submitted).total_seconds()
            self.metrics.vendor_render_latency(vendor_of(job), job.request.kind.value, max(0.0, seconds))

    def _ended(self, job: Job) -> None:
        vendor, kind = vendor_of(job), job.request.kind.value
        self.metrics.job_counted(job.status, vendor, kind)
        self.metrics.job_latency(vendor, kind, max(0.0, (job.updated_at - job.created_at).total_seconds()))
        self.metrics.polls_per_job(vendor, kind, job.polls)
        price = self.cost_per_output(vendor, job.request.kind) if job.status is JobStatus.COMPLETED else None
        if price is not None:
            self.metrics.job_cost(vendor, kind, price * len(job.assets))
