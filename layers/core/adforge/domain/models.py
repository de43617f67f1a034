"""Domain models: what a merchant asks for, and the job that tracks it."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, model_validator

from adforge.domain.errors import TransitionRejected
from adforge.domain.status import JobStatus, can_transition

AspectRatio = Literal["1:1", "4:5", "3:4", "4:3", "16:9", "9:16", "21:9"]
# uniqueItems: the schema says what `_distinct_ratios` checks
AspectRatios = Annotated[list[AspectRatio], Field(min_length=1, max_length=4, json_schema_extra={"uniqueItems": True})]
VendorName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{1,31}$")]
# Any string: the outbound-URL guard decides (scheme, shape, length, destination) and refuses every bad one
# with the same answer, so the model must not answer some of them differently.
Url = Annotated[str, Field(min_length=1)]
MetadataKey = Annotated[str, Field(min_length=1, max_length=64)]
MetadataValue = Annotated[str, Field(max_length=256)]
VideoResolution = Literal["480p", "720p", "1080p"]  # every resolution a vendor doc names (CreativeAI: all three)
VIDEO_SECONDS_RANGE = (2, 15)  # every documented video length (CreativeAI 3-15, adcreator 2-15); vendors declare theirs
NEGATIVE_PROMPT_CHARS = 500  # adcreator's documented image limit, the only vendor doc with a negative prompt for images
METADATA_BYTES = 4096  # all keys and values together, UTF-8: far inside DynamoDB's 400 KB item and EventBridge's 256 KB entry


def utcnow() -> datetime:
    return datetime.now(UTC)


class Frozen(BaseModel):
    """Immutable, strict-ish base: unknown fields are errors, values never change in place."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class JobKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class ProductImage(Frozen):
    """The product photo: an object already in our bucket, or an https URL we fetch once."""

    # the schema says what `_exactly_one` checks: one of the two is a string, the other absent or null;
    # the titles name the two shapes in generated clients (else openapi-python-client says ProductImageType0/1)
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"title": "ImageByKey", "required": ["key"], "properties": {"key": {"type": "string"}}},
                {"title": "ImageByUrl", "required": ["url"], "properties": {"url": {"type": "string"}}},
            ]
        },
    )

    key: Annotated[str, Field(min_length=1, max_length=512)] | None = None
    url: Url | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ProductImage:
        if (self.key is None) == (self.url is None):
            raise ValueError("give exactly one of image.key or image.url")
        return self


class VideoOptions(Frozen):
    """How long and how sharp a video is; omitted values are the vendor's defaults (CreativeAI: 5 s, 720p)."""

    duration_seconds: Annotated[StrictInt, Field(ge=VIDEO_SECONDS_RANGE[0], le=VIDEO_SECONDS_RANGE[1])] | None = None
    resolution: VideoResolution | None = None


class JobRequest(Frozen):
    """A merchant's request for creatives: validated once at the edge, stored verbatim."""

    # the schema says what `_options_fit_the_kind` checks
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={
            "allOf": [
                {
                    "if": {"required": ["video"], "properties": {"video": {"type": "object"}}},
                    "then": {"required": ["kind"], "properties": {"kind": {"const": "video"}}},
                },
                {
                    "if": {"required": ["background"], "properties": {"background": {"const": "transparent"}}},
                    "then": {"properties": {"kind": {"const": "image"}}},
                },
            ]
        },
    )

    kind: JobKind = JobKind.IMAGE
    vendor: VendorName = "auto"
    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]
    # a style preset of the chosen vendor's own catalogue (adcreator: an id of its GET /styles; AdCreative Photoshoot:
    # a PresetKeys id, preview name or category, or "recommended"); only vendors with a catalogue take one
    preset: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None = None
    negative_prompt: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NEGATIVE_PROMPT_CHARS)] | None
    ) = None
    background: Literal["auto", "transparent"] = "auto"  # transparent: a PNG with an alpha channel (images only)
    video: VideoOptions | None = None  # only with kind video
    image: ProductImage | None = None
    aspect_ratios: AspectRatios = ["1:1"]
    count: Annotated[StrictInt, Field(ge=1, le=4)] = 1  # "2" and true are not counts
    webhook_url: Url | None = None
    metadata: Annotated[dict[MetadataKey, MetadataValue], Field(max_length=20)] = {}

    @model_validator(mode="after")
    def _distinct_ratios(self) -> JobRequest:
        if len(set(self.aspect_ratios)) != len(self.aspect_ratios):
            raise ValueError("aspect_ratios must not repeat")
        return self

    @model_validator(mode="after")
    def _options_fit_the_kind(self) -> JobRequest:
        if self.video is not None and self.kind is not JobKind.VIDEO:
            raise ValueError("video options are for kind video only")
        if self.background == "transparent" and self.kind is not JobKind.IMAGE:
            raise ValueError("a transparent background is for kind image only")
        return self

    @model_validator(mode="after")
    def _bounded_metadata(self) -> JobRequest:
        size = sum(len(key.encode()) + len(value.encode()) for key, value in self.metadata.items())
        if size > METADATA_BYTES:
            raise ValueError(f"metadata is {size} bytes; at most {METADATA_BYTES} are kept")
        return self


class JobError(Frozen):
    """Why a job (or one vendor attempt) failed: a stable code and a human message."""

    code: str
    message: str


class VendorState(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (VendorState.COMPLETED, VendorState.FAILED)


class VendorUpdate(Frozen):
    """One observation of a vendor job, from a webhook or a status poll."""

    vendor_job_id: str
    state: VendorState
    outputs: list[str] = []
    progress: int | None = None
    error: JobError | None = None


class VendorSubmission(Frozen):
    """What a vendor adapter needs to start one generation."""

    request: JobRequest
    product_image_url: str | None = None
    callback_url: str | None = None
    reference: str | None = None  # our job id: sent wherever the vendor's API lets a request carry a client reference


class VendorAttempt(Frozen):
    """One try at one vendor, kept on the job for the record."""

    vendor: str
    vendor_job_id: str | None = None
    # "submitting": the intent, written before the request is sent; "unknown": sent, and no answer came back;
    # "abandoned": the vendor accepted (and billed) it, but the job had ended meanwhile (a cancel)
    outcome: Literal["submitting", "submitted", "unknown", "abandoned", "rejected", "failed", "completed"] = "submitted"
    error: JobError | None = None
    at: datetime = Field(default_factory=utcnow)


def settled(job: Job, attempt: VendorAttempt) -> list[VendorAttempt]:
    """The attempts with `attempt` in place of the trailing intent (`submitting`), if there is one."""
    pending = bool(job.attempts) and job.attempts[-1].outcome == "submitting"
    return [*(job.attempts[:-1] if pending else job.attempts), attempt]


class Asset(Frozen):
    """A creative stored in our bucket: for an image, its real pixel size, and the vendor's own (native) size
    when Collect cropped it to the requested aspect ratio (None when it was stored as the vendor made it)."""

    key: str
    content_type: str
    size: int
    sha256: str | None = None
    width: int | None = None
    height: int | None = None
    native_width: int | None = None
    native_height: int | None = None


class StatusChange(Frozen):
    """One move of a job's status, as written."""

    status: JobStatus
    at: datetime


class Job(Frozen):
    """The job record. Each change is a next version made here (`moved`, `amended`, `with_attempt_settled`:
    the rules), which the repository writes only over the version it came from."""

    id: str
    tenant_id: str
    status: JobStatus = JobStatus.QUEUED
    version: int = 0
    request: JobRequest
    input_key: str | None = None
    vendor_requested: str
    vendor: str | None = None
    vendor_job_id: str | None = None
    attempts: list[VendorAttempt] = []
    result: VendorUpdate | None = None
    assets: list[Asset] = []
    error: JobError | None = None
    task_token: str | None = None
    polls: int = 0  # the vendor's answers to the Poll step's status calls (PollsPerJob)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    timeline: list[StatusChange] = []  # every status after the first (`queued`, at created_at), in order

    @property
    def is_finished(self) -> bool:
        return self.status.is_terminal

    def moved(self, target: JobStatus, **changes: Any) -> Job:
        """The next version in `target`: only a legal move (domain/status.py), so a finished job moves nowhere."""
        if not can_transition(self.status, target):
            reason = "job already finished" if self.is_finished else "illegal transition"
            raise TransitionRejected(self.id, self.status, target, reason)
        return self._next(target, changes)

    def amended(self, **changes: Any) -> Job:
        """The next version in the same status: a finished job refuses every change."""
        if self.is_finished:
            raise TransitionRejected(self.id, self.status, self.status, "job already finished")
        return self._next(self.status, changes)

    def with_attempt_settled(self, attempt: VendorAttempt) -> Job:
        """The next version with `attempt` in place of the trailing intent: the one change a finished job still
        takes (what a request it had sent learnt, so that a paid generation is always on its job)."""
        return self._next(self.status, {"attempts": settled(self, attempt)})

    def _next(self, target: JobStatus, changes: dict[str, Any]) -> Job:
        now = utcnow()
        timeline = self.timeline if target is self.status else [*self.timeline, StatusChange(status=target, at=now)]
        data = {**self.model_dump(), **changes, "status": target, "version": self.version + 1, "updated_at": now}
        return Job.model_validate({**data, "timeline": timeline})
