"""Public views of domain objects: what API callers see (never task tokens or vendor secrets)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from adforge.domain.capabilities import Capabilities
from adforge.domain.models import Job, JobError, JobKind, JobRequest, StatusChange, VendorAttempt
from adforge.domain.routing import UNHEALTHY_AFTER
from adforge.domain.status import JobStatus


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
    status: JobStatus
    request: JobRequest
    vendor_requested: str
    vendor: str | None
    attempts: list[VendorAttempt]
    progress: int | None
    assets: list[AssetView]
    error: JobError | None
    created_at: datetime
    updated_at: datetime
    timeline: list[StatusChange] = Field(description="Each status the job took, when: `queued` at created_at first")
    photo_url: str | None = Field(
        default=None, description="A download URL of the product photo as stored for the job (single job view only)"
    )


def job_view(job: Job, link: Any = None) -> JobView:
    """`link(key) -> url` adds a download URL per asset, and one of the product photo, when given (a cancelled
    job keeps no objects, so it has neither)."""
    return JobView(
        id=job.id,
        status=job.status,
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
        timeline=[StatusChange(status=JobStatus.QUEUED, at=job.created_at), *job.timeline],
        photo_url=link(job.input_key) if link and job.input_key and job.status is not JobStatus.CANCELLED else None,
    )


class ErrorBody(BaseModel):
    """Why one batch item was refused."""

    code: str
    message: str


class BatchRequest(BaseModel):
    """Items are validated one by one, so one bad product does not refuse the others."""

    items: Annotated[
        list[dict[str, Any]],
        Field(
            min_length=1,
            max_length=50,
            description="Each a JobRequest, answered on its own: an invalid item is refused in the 207, not the batch",
            json_schema_extra={"items": {"$ref": "#/components/schemas/JobRequest"}},
        ),
    ]


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


class SecondsRange(BaseModel):
    min: int
    max: int


class VendorOptions(BaseModel):
    """Which of the job request's options this vendor honours (any other is refused: 422 when it is named)."""

    background: list[str]  # "auto", and "transparent" where documented
    transparent_with_product_image: bool  # False: transparent only for an image made from the prompt alone
    preset: bool  # `preset` takes an id of this vendor's own style catalogue
    negative_prompt: bool
    video_duration_seconds: SecondsRange | None
    video_resolutions: list[str]
    video_resolution_max_count: int | None  # a resolution only for jobs of at most this many videos


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
    prices_usd: dict[str, float]  # what one output of each kind it makes costs
    options: VendorOptions
    recent_failures: int
    healthy: bool


class VendorList(BaseModel):
    vendors: list[VendorView]


OPTION_FIELDS = (
    "transparent_with_product_image",
    "style_presets",
    "negative_prompt",
    "video_seconds",
    "video_resolutions",
    "video_resolution_max_count",
)


def vendor_options(c: Capabilities) -> VendorOptions:
    seconds = c.video_seconds if JobKind.VIDEO in c.kinds else None
    return VendorOptions(
        background=["auto", "transparent"] if c.transparent_background else ["auto"],
        transparent_with_product_image=c.transparent_background and c.transparent_with_product_image,
        preset=c.style_presets,
        negative_prompt=c.negative_prompt,
        video_duration_seconds=SecondsRange(min=seconds[0], max=seconds[1]) if seconds else None,
        video_resolutions=sorted(c.video_resolutions, key=lambda r: int(r.removesuffix("p"))),
        video_resolution_max_count=c.video_resolution_max_count,
    )


def vendor_list(vendors: Mapping[str, Capabilities], recent_failures: dict[str, int]) -> VendorList:
    """Capabilities and health of every offered vendor, cheapest first."""
    views = []
    for name in sorted(vendors, key=lambda n: (vendors[n].cost_per_output_usd, n)):
        c = vendors[name]
        failures = recent_failures.get(name, 0)
        views.append(
            VendorView(
                **c.model_dump(
                    exclude={
                        "kinds",
                        "aspect_ratios",
                        "video_aspect_ratios",
                        "signed_webhooks",
                        "callback_token_param",
                        "photo_answered_at_once",
                        "output_per_generation",
                        *OPTION_FIELDS,
                    }
                ),
                prices_usd={kind.value: c.cost_per_output(kind) for kind in sorted(c.kinds)},
                options=vendor_options(c),
                kinds=sorted(k.value for k in c.kinds),
                aspect_ratios=sorted(c.aspect_ratios),
                recent_failures=failures,
                healthy=failures < UNHEALTHY_AFTER,
            )
        )
    return VendorList(vendors=views)
