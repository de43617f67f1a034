"""Workflow steps that end a job: collect the creatives into S3, or record why it failed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adforge.domain.errors import TransitionRejected
from adforge.domain.events import JobEvent
from adforge.domain.models import Asset, Job, JobError
from adforge.domain.status import JobStatus
from adforge.ports import AssetStore, EventPublisher, JobRepository, VendorGateway
from adforge.services.intake import tenant_prefix
from adforge.services.outcomes import finished


def output_stem(job: Job, index: int) -> str:
    return f"{tenant_prefix(job.tenant_id)}jobs/{job.id}/output-{index}"


@dataclass
class Completer:
    jobs: JobRepository
    assets: AssetStore
    events: EventPublisher
    gateways: Mapping[str, VendorGateway]

    def collect(self, job_id: str) -> dict[str, Any]:
        """Stream every output into the bucket, then mark the job completed (all or nothing)."""
        job = self.jobs.get(job_id)
        if job.is_finished:
            return finished(job)
        assert job.result is not None and job.result.outputs and job.vendor, "only jobs with vendor outputs are collected"
        gateway = self.gateways[job.vendor]
        stored: list[Asset] = []
        try:
            for index, ref in enumerate(job.result.outputs):
                stored.append(self.assets.ingest(gateway.open_output(ref), output_stem(job, index)))
        except Exception:
            for asset in stored:
                self.assets.delete(asset.key)
            raise
        attempts = [*job.attempts[:-1], job.attempts[-1].model_copy(update={"outcome": "completed"})] if job.attempts else []
        try:
            job = self.jobs.transition(job, JobStatus.COMPLETED, assets=stored, attempts=attempts)
        except TransitionRejected:
            current = self.jobs.get(job_id)
            if not current.is_finished:
                raise  # another writer, not an ending: the step's retry collects again
            for asset in stored:  # cancelled (or ended) while we collected: keep nothing it did not get
                self.assets.delete(asset.key)
            return finished(current)
        self.events.publish(JobEvent.COMPLETED, job)
        return {**finished(job), "assets": len(stored)}

    def fail(self, job_id: str, code: str, message: str, timed_out: bool = False) -> dict[str, Any]:
        """Record the failure (idempotent: an already finished job is left as it is)."""
        job = self.jobs.get(job_id)
        if job.is_finished:
            return finished(job)
        problem = JobError(code=code, message=message)
        attempts = job.attempts
        if attempts and attempts[-1].outcome == "submitted":
            attempts = [*attempts[:-1], attempts[-1].model_copy(update={"outcome": "failed", "error": problem})]
        target = JobStatus.TIMED_OUT if timed_out else JobStatus.FAILED
        job = self.jobs.transition(job, target, error=problem, attempts=attempts)
        self.events.publish(JobEvent.TIMED_OUT if timed_out else JobEvent.FAILED, job)
        return finished(job)

    def vendor_failed(self, job_id: str) -> dict[str, Any]:
        """Fail with the vendor's own reason, as recorded from its webhook or status answer."""
        job = self.jobs.get(job_id)
        problem = job.result.error if job.result and job.result.error else None
        if problem is None:
            return self.fail(job_id, "generation_failed", "the vendor reported a failure")
        return self.fail(job_id, problem.code, problem.message)
