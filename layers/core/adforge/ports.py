"""Ports: what the services need from the outside world, named for the domain."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from adforge.domain.events import JobEvent
from adforge.domain.framing import Pixels
from adforge.domain.models import Asset, Job, JobKind, VendorAttempt, VendorSubmission, VendorUpdate
from adforge.domain.status import JobStatus


class JobRepository(Protocol):
    """Job records with conditional, versioned writes."""

    def create(self, job: Job) -> None:
        """Store a new job; raises `JobAlreadyExists` if the id is taken."""

    def get(self, job_id: str) -> Job:
        """The current record; raises `JobNotFound`."""

    def transition(self, job: Job, target: JobStatus, **changes: Any) -> Job:
        """Move `job` to `target` if legal and nobody wrote since `job.version`."""

    def amend(self, job: Job, **changes: Any) -> Job:
        """Change fields without changing status; refused on finished jobs and stale versions."""

    def settle_attempt(self, job_id: str, attempt: VendorAttempt) -> Job:
        """Put `attempt` in place of the trailing intent (or after the last attempt), even on a finished job:
        what a vendor accepted is always on its job. Nothing else changes."""

    def list_for_tenant(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        """A tenant's jobs, newest first; the cursor continues where the last page stopped."""

    def link_vendor_job(self, vendor: str, vendor_job_id: str, job_id: str) -> None:
        """Remember which job a vendor's id belongs to (for webhooks that cannot carry our job id)."""

    def job_for_vendor_job(self, vendor: str, vendor_job_id: str) -> str | None:
        """The job id linked to a vendor's id, if any."""


class Download(Protocol):
    """An open HTTP response body being streamed."""

    content_type: str
    declared_length: int | None

    def chunks(self) -> Iterator[bytes]:
        """The body, a chunk at a time."""


class Fetcher(Protocol):
    """Outbound GET of untrusted URLs, guarded against SSRF."""

    def open(self, url: str) -> AbstractContextManager[Download]:
        """Stream `url`; raises `FetchRefused` or `FetchFailed`."""

    def check(self, url: str) -> None:
        """Raises `FetchRefused` when `url` could never be reached (scheme, shape): nothing is sent."""


class AssetStore(Protocol):
    """Inputs and outputs in object storage."""

    def ingest(self, source: AbstractContextManager[Download], key: str) -> Asset:
        """Stream an opened download into `key` (+ extension), size-limited and content-checked."""

    def describe(self, key: str) -> Asset:
        """Metadata of an object already stored; raises `InputRejected` when unusable."""

    def open(self, key: str) -> AbstractContextManager[Download]:
        """Stream an object already stored."""

    def share(self, key: str, expires_in: int) -> str:
        """A time-limited GET URL a vendor can fetch."""

    def delete(self, key: str) -> None:
        """Remove an object (used to undo an ingest that no job came to own)."""

    def upload_url(self, key: str, content_type: str, content_length: int, expires_in: int) -> str:
        """A presigned PUT bound to this key, type and exact length."""


class ImageFramer(Protocol):
    """Pixel work on a vendor's output: its real size, and a centre crop to exactly the requested ratio."""

    def frame(self, download: Download, ratio: str | None) -> tuple[Download, Pixels | None]:
        """An image cropped to exactly `ratio` (None: as it is) with its pixel sizes; anything that is no still
        image (a video) streamed through unread, with None. Raises `InputRejected` on an oversized file or image."""

    def convert(self, download: Download, accepted: frozenset[str]) -> Download:
        """The image re-encoded in one of the `accepted` types (PNG when accepted: lossless, keeps alpha).
        Raises `InputRejected` when it cannot be read or none of `accepted` can be written."""


class EventPublisher(Protocol):
    """Lifecycle events to the bus."""

    def publish(self, event: JobEvent, job: Job) -> None:
        """Publish one event; raises if the bus did not accept it."""


class Workflow(Protocol):
    """The per-job state machine."""

    def start(self, job: Job) -> None:
        """Start the job's execution (idempotent per job id)."""

    def stop(self, job: Job, reason: str) -> None:
        """Stop the job's execution if it still runs (no more vendor calls)."""


class TaskResumer(Protocol):
    """Wakes an execution parked on a task token."""

    def resume(self, task_token: str, outcome: dict[str, Any]) -> bool:
        """Hand a step outcome to a waiting execution; False if it no longer waits."""


class VendorHealth(Protocol):
    """Recent vendor-side failures, shared by every job (routing avoids unhealthy vendors)."""

    def record_failure(self, vendor: str) -> None:
        """Count one vendor-side failure now."""

    def recent_failures(self) -> dict[str, int]:
        """Failures per vendor over the last few minutes."""


class Admission(Protocol):
    """Per-vendor-account admission, shared by every execution: the next free slot in a bucket's request rate."""

    def reserve(self, bucket: str, per_minute: float, tokens: int = 1) -> float:
        """Take the bucket's next free slot (for `tokens` requests); seconds from now until it starts, 0 = now.

        The slot is the caller's: it waits that long (in the state machine) and then sends without asking again.
        """

    def hold_off(self, bucket: str, seconds: float) -> None:
        """The vendor said wait (a 429's Retry-After, or no requests left until its window resets): no slot in
        `bucket` starts sooner than `seconds` from now."""

    def enter(self, bucket: str, holder: str, cap: int) -> bool:
        """Count `holder` (a job) in the bucket's in-flight set if it holds fewer than `cap`; True if it is in.
        Idempotent: a holder already in is in."""

    def leave(self, bucket: str, holder: str) -> None:
        """Take `holder` out of the in-flight set (idempotent)."""

    def holders(self, bucket: str) -> frozenset[str]:
        """Who the in-flight set holds now."""


class VendorGateway(Protocol):
    """One vendor's API, reduced to what the workflow needs."""

    name: str

    def submit(self, submission: VendorSubmission) -> str:
        """Start a generation; returns the vendor's job id."""

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        """One status call, no waiting."""

    def open_output(self, ref: str) -> AbstractContextManager[Download]:
        """Stream one output named in a completed update (a URL, or a vendor reference needing auth)."""


@runtime_checkable
class DiscardingGateway(VendorGateway, Protocol):
    """A vendor that documents a way to delete or cancel a generation we will not use."""

    def discard(self, vendor_job_id: str) -> None:
        """Delete or cancel it at the vendor (best effort: raises only `VendorError`)."""


@runtime_checkable
class ReconcilingGateway(VendorGateway, Protocol):
    """A vendor whose API lets us find a generation we asked for and got no answer about (a list endpoint)."""

    def reconcile(self, submission: VendorSubmission, since: datetime, claimed: Callable[[str], bool]) -> str | None:
        """The vendor job `submission` started at or after `since` and not `claimed` by another job, if the vendor
        has one; None when the vendor provably has none. Raises `VendorError` when it cannot tell."""


class WebhookReader(Protocol):
    """Verifies and reads one vendor's webhook deliveries."""

    def read(self, raw_body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> tuple[str, VendorUpdate]:
        """Verify the delivery (signature on the raw body, or the callback URL's token), then parse.

        Returns (delivery id, update). Raises `SignatureInvalid` before parsing anything unverified.
        """


# Observability -------------------------------------------------------------------------------------------------
# Self-contained (only JobStatus from the domain): when ports.py is split, this block moves as it is.


class JobMetrics(Protocol):
    """What an operator watches of jobs and vendor calls (CloudWatch EMF when deployed; services/observed_jobs.py
    derives every job figure from the job record, vendors/http.py reports each vendor call)."""

    def job_counted(self, status: JobStatus, vendor: str, kind: str) -> None:
        """One job created (`queued`) or ended (`completed`, `failed`, `cancelled`, `timed_out`)."""

    def job_latency(self, vendor: str, kind: str, seconds: float) -> None:
        """From a job's creation to its end."""

    def vendor_render_latency(self, vendor: str, kind: str, seconds: float) -> None:
        """From the vendor's acceptance of a job to its final update (done or failed)."""

    def polls_per_job(self, vendor: str, kind: str, polls: int) -> None:
        """The answered status calls an ended job took (`Job.polls`)."""

    def job_cost(self, vendor: str, kind: str, usd: float) -> None:
        """What a completed job's outputs cost at the vendor's price per output."""

    def vendor_call(self, vendor: str, outcome: str) -> None:
        """One HTTP call to a vendor and how it went: `ok`, `4xx`, `429`, `5xx` or `timeout`."""
