"""How long to wait after a vendor's 429: what its `Retry-After` said, within bounds."""

from __future__ import annotations

from adforge.vendors.errors import VendorRateLimited

THROTTLE_SECONDS = 10  # the wait after a 429 that says nothing
MAX_THROTTLE_SECONDS = 300


def wait_seconds(error: VendorRateLimited) -> int:
    return int(min(MAX_THROTTLE_SECONDS, max(1.0, error.retry_after or THROTTLE_SECONDS)))
