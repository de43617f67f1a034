"""One typed error hierarchy for every vendor, mapped from HTTP status and the vendor's error code."""

from __future__ import annotations


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
UNAVAILABLE_CODES = frozenset({"provider_unavailable", "service_unavailable", "server_error"})


def error_for_status(
    vendor: str,
    status: int,
    message: str,
    vendor_code: str | None = None,
    retry_after: float | None = None,
    trace_id: str | None = None,
) -> VendorError:
    """The typed error for a non-2xx answer. Decided by status and code, never by message text."""
    kw = {"vendor_code": vendor_code, "trace_id": trace_id}
    if status == 429:
        return VendorRateLimited(vendor, message, retry_after=retry_after, **kw)
    if status in (401, 403):
        return VendorAuthFailed(vendor, message, **kw)
    if status == 402 or vendor_code == "insufficient_credits":
        return VendorInsufficientCredits(vendor, message, **kw)
    if vendor_code == "content_policy_violation":
        return VendorContentPolicy(vendor, message, **kw)
    if status == 404:
        return VendorNotFound(vendor, message, **kw)
    if status >= 500 or vendor_code in UNAVAILABLE_CODES:
        return VendorUnavailable(vendor, message, **kw)
    return VendorRejected(vendor, message, **kw)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the vendors here send delta-seconds)."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
