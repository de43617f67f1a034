"""Sliding 60-second windows on the sandbox clock: per-key rate limits and the peak request rate.

A window keeps the times of the requests it counted; a request counted at t leaves the window at t + 60 s.
A window holding `limit` requests refuses the next one with `retry_after` = the seconds until its oldest request
leaves (rounded up, at least 1).

Refused requests are not counted (the lenient choice): a client that retries too early is not locked out for
longer, and `retry_after` is exact, since a retry that waits that long is admitted (unless another request of
the same key took the freed slot first).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

WINDOW_SECONDS = 60.0
_EPSILON = 1e-6  # clock readings are floats: a request counted at t has left by t + 60 s whatever the rounding


@dataclass(frozen=True)
class Usage:
    """One bucket of one key after a request, as X-RateLimit-* headers report it."""

    limit: int
    remaining: int
    reset: float  # epoch seconds at which the oldest counted request leaves the window (now when it is empty)
    retry_after: int | None = None  # seconds to wait, when this bucket refused the request


class SlidingWindows:
    """Counted request times per (bucket, key) over the last `seconds`. Not thread-safe: callers hold a lock."""

    def __init__(self, seconds: float = WINDOW_SECONDS) -> None:
        self.seconds = seconds
        self._times: dict[tuple[str, str], deque[float]] = {}

    def clear(self) -> None:
        self._times.clear()

    def record(self, bucket: str, key: str, now: float) -> int:
        """Count a request unconditionally; returns how many the window holds with it."""
        times = self._live(bucket, key, now)
        times.append(now)
        return len(times)

    def usage(self, bucket: str, key: str, limit: int, now: float) -> Usage:
        times = self._live(bucket, key, now)
        return Usage(limit, max(0, limit - len(times)), times[0] + self.seconds if times else now)

    def admit(self, key: str, limits: Mapping[str, int], now: float) -> list[Usage]:
        """Count the request in every bucket of `limits` ({bucket: requests per window}) when each has room, else
        in none; the usages of the buckets that had no room carry `retry_after`."""
        windows = {bucket: self._live(bucket, key, now) for bucket in limits}
        full = {bucket for bucket, times in windows.items() if len(times) >= limits[bucket]}
        if not full:
            for times in windows.values():
                times.append(now)
        return [
            Usage(
                limits[bucket],
                max(0, limits[bucket] - len(times)),
                times[0] + self.seconds if times else now,
                max(1, math.ceil(round(times[0] + self.seconds - now, 6))) if bucket in full else None,
            )
            for bucket, times in windows.items()
        ]

    def _live(self, bucket: str, key: str, now: float) -> deque[float]:
        times = self._times.setdefault((bucket, key), deque())
        while times and times[0] + self.seconds <= now + _EPSILON:
            times.popleft()
        return times
