"""Ports of the vendors: one vendor's API as the workflow needs it, its webhook reader, the shared
health and admission stores, and the one typed error hierarchy every vendor adapter raises (mapped from
HTTP status in `adforge.vendors.http`, never from message text)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # annotations only: the error classes load without pydantic (the Fail step maps them)
    from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
    from adforge.ports.assets import Download


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


class RatePauses(Protocol):
    """What the vendors' last answers said about their request windows (`X-RateLimit-*`)."""

    def pause(self, vendor: str) -> float | None:
        """Seconds until the vendor's window has room again, if its last answer said none was left (once)."""


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

        Returns (delivery id, update). Raises `SignatureInvalid` (adforge.domain.signatures) before parsing anything
        unverified, `ValueError` or `VendorProtocolError` for a verified body that is no readable update.
        """


class VendorError(Exception):
    """A vendor refused or failed a call. `retryable`: the same call may succeed later."""

    code = "vendor_error"
    retryable = False

    def __init__(self, vendor: str, message: str, vendor_code: str | None = None, trace_id: str | None = None) -> None:
        super().__init__(f"{vendor}: {message}")
        self.vendor = vendor
        self.message = message
        self.vendor_code = vendor_code
        self.trace_id = trace_id


class VendorAuthFailed(VendorError):
    code = "vendor_auth_failed"


class VendorInsufficientCredits(VendorError):
    code = "vendor_insufficient_credits"


class VendorRejected(VendorError):
    """The request itself is unacceptable (validation, content policy): another try won't help."""

    code = "vendor_rejected"


class VendorContentPolicy(VendorRejected):
    code = "content_policy_violation"


class VendorInputUnsupported(VendorError):
    """This vendor cannot take the job's input (a photo over its size limit, a type it does not read), found
    before anything was sent: another vendor may, so `auto` moves on; not a fault of the vendor's health."""

    code = "vendor_input_unsupported"


class VendorNotFound(VendorError):
    code = "vendor_not_found"


class VendorRateLimited(VendorError):
    code = "vendor_rate_limited"
    retryable = True

    def __init__(self, vendor: str, message: str, retry_after: float | None = None, **kw: str | None) -> None:
        super().__init__(vendor, message, **kw)
        self.retry_after = retry_after


class VendorUnavailable(VendorError):
    """Vendor-side outage, 5xx, or a network failure before the vendor accepted anything."""

    code = "vendor_unavailable"
    retryable = True


class VendorOutcomeUnknown(VendorError):
    """A creation request was sent and no answer came back (read timeout, reset, broken answer): the vendor
    may have accepted and billed it. Never resubmitted blindly and never failed over to another vendor.
    `accepted`: the vendor job id of what the same submission's other requests did get answered (a job of N
    generations, some answered): kept on the job's attempt, since it was paid for."""

    code = "vendor_outcome_unknown"

    def __init__(self, vendor: str, message: str, accepted: str | None = None, **kw: str | None) -> None:
        super().__init__(vendor, message, **kw)
        self.accepted = accepted


class VendorProtocolError(VendorError):
    """The vendor answered 2xx with a body we cannot read."""

    code = "vendor_protocol_error"


RETRYABLE_CODES = frozenset({VendorRateLimited.code, VendorUnavailable.code})
