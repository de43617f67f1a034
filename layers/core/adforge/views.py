"""Public views of domain objects: what API callers see (never task tokens or vendor secrets)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from adforge.domain.models import Job, JobError, JobRequest, VendorAttempt


class AssetView(BaseModel):
    key: str
    content_type: str
    size: int
    sha256: str | None = None
    url: str | None = None


class JobView(BaseModel):
    id: str
    status: str
    request: JobRequest
    vendor_requested: str
    vendor: str | None
    attempts: list[VendorAttempt]
    progress: int | None
    assets: list[AssetView]
    error: JobError | None
    created_at: datetime
    updated_at: datetime


def job_view(job: Job, link: Any = None) -> JobView:
    """`link(key) -> url` adds a download URL per asset when given."""
    return JobView(
        id=job.id,
        status=job.status.value,
        request=job.request,
        vendor_requested=job.vendor_requested,
        vendor=job.vendor,
        attempts=job.attempts,
        progress=job.result.progress if job.result else None,
        assets=[AssetView(**asset.model_dump(), url=link(asset.key) if link else None) for asset in job.assets],
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )
