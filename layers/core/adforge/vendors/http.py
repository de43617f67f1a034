"""HTTP plumbing shared by vendor clients: one place turns responses into typed errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from adforge.vendors.errors import VendorProtocolError, VendorUnavailable, error_for_status, parse_retry_after

ErrorReader = Callable[[Any], tuple[str | None, str | None, str | None]]
"""Reads a vendor's error body into (vendor code, message, trace id)."""


def send(vendor: str, call: Callable[[], httpx.Response], read_error: ErrorReader) -> Any:
    """Run one request; return its JSON body or raise the typed `VendorError`."""
    try:
        response = call()
    except httpx.TransportError as error:
        raise VendorUnavailable(vendor, f"network error: {type(error).__name__}") from error
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
