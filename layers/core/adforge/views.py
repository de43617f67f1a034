"""Public views of domain objects: what API callers see (never task tokens or vendor secrets)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from adforge.domain.models import Job, JobError, JobRequest, VendorAttempt
from adforge.domain.status import JobStatus
from adforge.vendors.registry import REGISTRY, UNHEALTHY_AFTER


class AssetView(BaseModel):
    key: str
    content_type: str
    size: int
    sha256: str | None = None
    width: int | None = Field(default=None, description="Pixel width of the stored image (exactly the requested ratio)")
    height: int | None = Field(default=None, description="Pixel height of the stored image")
    native_width: int | None = Field(default=None, description="The vendor's own width, when the image was cropped")
    native_height: int | None = Field(default=None, description="The vendor's own height, when the image was cropped")
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
        # a job's assets are its own once it completed (Collect records each on the job as it stores it)
        assets=[AssetView(**asset.model_dump(), url=link(asset.key) if link else None) for asset in job.assets]
        if job.status is JobStatus.COMPLETED
        else [],
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )


class ErrorBody(BaseModel):
    code: str
    message: str


class BatchRequest(BaseModel):
    """Items are validated one by one, so one bad product does not refuse the others."""

    items: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=50)]


class BatchItemResult(BaseModel):
    index: int
    status: Literal["accepted", "rejected"]
    job: JobView | None = None
    error: ErrorBody | None = None


class BatchResult(BaseModel):
    accepted: int
    rejected: int
    items: list[BatchItemResult]


class JobPage(BaseModel):
    jobs: list[JobView]
    next_cursor: str | None


class VendorView(BaseModel):
    name: str
    display_name: str
    kinds: list[str]
    aspect_ratios: list[str]
    max_count: int
    ratios_per_job: int
    webhooks: bool
    uses_product_image: bool
    needs_product_image: bool
    transparent_background: bool
    cost_per_output_usd: float
    video_cost_per_output_usd: float | None = None  # a video output's price, where it differs
    recent_failures: int
    healthy: bool


class VendorList(BaseModel):
    vendors: list[VendorView]


def vendor_list(names: frozenset[str], recent_failures: dict[str, int]) -> VendorList:
    """Capabilities and health of every offered vendor, cheapest first."""
    views = []
    for name in sorted(names, key=lambda n: (REGISTRY[n].cost_per_output_usd, n)):
        c = REGISTRY[name]
        failures = recent_failures.get(name, 0)
        views.append(
            VendorView(
                **c.model_dump(
                    exclude={
                        "kinds",
                        "aspect_ratios",
                        "video_aspect_ratios",
                        "signed_webhooks",
                        "photo_answered_at_once",
                        "output_per_generation",
                    }
                ),
                kinds=sorted(k.value for k in c.kinds),
                aspect_ratios=sorted(c.aspect_ratios),
                recent_failures=failures,
                healthy=failures < UNHEALTHY_AFTER,
            )
        )
    return VendorList(vendors=views)
