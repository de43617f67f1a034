"""Job lifecycle events as published on the event bus."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from adforge.domain.models import Job

SOURCE = "adforge.jobs"


class JobEvent(StrEnum):
    CREATED = "Job Created"
    SUBMITTED = "Job Submitted"
    PROCESSING = "Job Processing"
    COMPLETED = "Job Completed"
    FAILED = "Job Failed"
    TIMED_OUT = "Job Timed Out"
    CANCELLED = "Job Cancelled"


TERMINAL_EVENTS = (JobEvent.COMPLETED, JobEvent.FAILED, JobEvent.TIMED_OUT, JobEvent.CANCELLED)
"""Every job ends with exactly one of these."""


def event_detail(job: Job) -> dict[str, Any]:
    """The public view of a job carried in every event (no internal fields)."""
    return {
        "job_id": job.id,
        "tenant_id": job.tenant_id,
        "status": job.status.value,
        "version": job.version,
        "kind": job.request.kind.value,
        "vendor_requested": job.vendor_requested,
        "vendor": job.vendor,
        "assets": [asset.model_dump(mode="json") for asset in job.assets],
        "error": job.error.model_dump(mode="json") if job.error else None,
        "webhook_url": job.request.webhook_url,
        "metadata": job.request.metadata,
    }
