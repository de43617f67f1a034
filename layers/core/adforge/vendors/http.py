"""HTTP plumbing shared by vendor clients: the one place that turns responses into the typed vendor errors
(adforge.ports.vendors), by status and vendor code, never by message text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Self

import httpx

from adforge.ports.vendors import (
    VendorAuthFailed,
    VendorContentPolicy,
    VendorError,
    VendorInsufficientCredits,
    VendorNotFound,
    VendorOutcomeUnknown,
    VendorProtocolError,
    VendorRateLimited,
    VendorRejected,
    VendorUnavailable,
)
from adforge.vendors.call_outcomes import VENDOR_CALLS, CallOutcome, status_outcome
from adforge.vendors.rate_headers import RATE_HEADERS

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


ErrorReader = Callable[[Any], tuple[str | None, str | None, str | None]]
"""Reads a vendor's error body into (vendor code, message, trace id)."""


NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol, httpx.ProxyError)
"""Transport errors that happen before the request reaches the vendor: nothing can have been accepted."""


def transport_outcome(error: httpx.TransportError) -> CallOutcome:
    """A call that got no answer: `timeout` when httpx's connect, read, write or pool timeout expired; any other
    transport failure (refused connection, DNS, TLS, a dropped connection) counts with the vendor's outages."""
    return "timeout" if isinstance(error, httpx.TimeoutException) else "5xx"


def send(vendor: str, call: Callable[[], httpx.Response], read_error: ErrorReader, creates: bool = False) -> Any:
    """Run one request; return its JSON body or raise the typed `VendorError`. Each call's outcome goes to
    `VENDOR_CALLS`.

    `creates`: the request starts a (paid) generation. A transport error after it was sent is then
    `VendorOutcomeUnknown`, not a retryable outage: the vendor may have accepted it.
    """
    try:
        response = call()
    except httpx.TransportError as error:
        VENDOR_CALLS.note(vendor, transport_outcome(error))
        raise _transport_error(vendor, error, creates) from error
    VENDOR_CALLS.note(vendor, status_outcome(response.status_code))
    return _answer(vendor, response, read_error)


def _transport_error(vendor: str, error: httpx.TransportError, creates: bool) -> VendorError:
    if isinstance(error, NOT_SENT):
        return VendorUnavailable(vendor, f"network error before sending: {type(error).__name__}")
    if creates:
        return VendorOutcomeUnknown(
            vendor, f"no answer after the request was sent ({type(error).__name__}); it may have been accepted"
        )
    return VendorUnavailable(vendor, f"network error: {type(error).__name__}")


def _answer(vendor: str, response: httpx.Response, read_error: ErrorReader) -> Any:
    RATE_HEADERS.note(vendor, response.headers)
    if response.is_success:
        try:
            return response.json() if response.content else {}
        except ValueError as error:
            raise VendorProtocolError(vendor, f"{response.status_code} with a body that is not JSON") from error
    try:
        body = response.json()
    except ValueError:
        body = None
    code, message, trace_id = read_error(body) if body is not None else (None, None, None)
    raise error_for_status(
        vendor,
        response.status_code,
        message or f"HTTP {response.status_code}",
        vendor_code=code,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        trace_id=trace_id,
    )


class BearerJsonClient:
    """Base of the vendor clients that authenticate with `Authorization: Bearer <key>` and speak JSON.

    Subclasses name their vendor, documented path prefix and error reader in the class statement
    (`class X(BearerJsonClient, vendor=NAME, prefix="/api/v1", reader=read_error)`), then add one
    method per documented endpoint on top of `_json`.
    """

    _vendor: ClassVar[str]
    _prefix: ClassVar[str]
    _readers: ClassVar[dict[type, ErrorReader]] = {}

    def __init_subclass__(cls, vendor: str, reader: ErrorReader, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._vendor, cls._prefix = vendor, prefix
        BearerJsonClient._readers[cls] = reader

    def __init__(self, http: httpx.Client) -> None:
        """`http` carries base_url (the API origin), the Bearer header and timeouts."""
        self._http = http

    @classmethod
    def create(cls, base_url: str, api_key: str, timeout: float = 30.0) -> Self:
        return cls(httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=timeout))

    def _json(self, method: str, path: str, creates: bool = False, **kwargs: Any) -> Any:
        """`creates=True` for the endpoints that start a paid generation (see `send`)."""
        reader = BearerJsonClient._readers[type(self)]
        return send(self._vendor, lambda: self._http.request(method, f"{self._prefix}{path}", **kwargs), reader, creates)
