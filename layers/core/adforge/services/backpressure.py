"""Backpressure: how long to wait after a vendor's 429 (its `Retry-After`, within bounds), and when an
admission slot is too late to use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adforge.ports.vendors import VendorRateLimited

THROTTLE_SECONDS = 10  # the wait after a 429 that says nothing
MAX_THROTTLE_SECONDS = 300


def wait_seconds(error: VendorRateLimited) -> int:
    return int(min(MAX_THROTTLE_SECONDS, max(1.0, error.retry_after or THROTTLE_SECONDS)))


SLOT_LATE_SECONDS = 5  # see `slot_in_time`


def slot_in_time(slot: Mapping[str, Any], now: float) -> bool:
    """A slot is used at most `SLOT_LATE_SECONDS` after it starts; a later one is given up and a new one taken.
    Requests that start late (a busy Lambda, a slow previous step) bunch up with the ones that start on time:
    slots are spaced at SAFETY (90 %) of the rate, so a lateness up to 60 s x (1 / 0.9 - 1) = 6.7 s still keeps
    any 60 s of requests within the vendor's limit, and no more. (A slot given up is unused capacity, never
    one request too many.)"""
    return now <= float(slot.get("at", slot["reserved"])) + SLOT_LATE_SECONDS
