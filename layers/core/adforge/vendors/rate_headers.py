"""The `X-RateLimit-*` headers a vendor sends on its answers (CreativeAI documents them on every response).

`send()` notes them on each answer; the step that made the call then asks `pause(vendor)` and, when the window
has no request left, holds the account's admission bucket until the window resets, so the next request waits
what the vendor said instead of earning a 429. Per process (one Lambda environment runs one call at a time).

`X-RateLimit-Reset` is not defined by the doc: a value above 10^9 is read as the Unix time the window resets,
anything smaller as seconds from now (both readings are in use across APIs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

EPOCH_THRESHOLD = 1e9
MAX_PAUSE_SECONDS = 300.0


class RateHeaders:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._pauses: dict[str, float] = {}

    def note(self, vendor: str, headers: Mapping[str, str]) -> None:
        remaining, reset = headers.get("x-ratelimit-remaining"), headers.get("x-ratelimit-reset")
        try:
            if remaining is None or reset is None or int(remaining) > 0:
                return
            value = float(reset)
        except ValueError:
            return
        seconds = value - self._clock() if value > EPOCH_THRESHOLD else value
        if seconds > 0:
            self._pauses[vendor] = min(seconds, MAX_PAUSE_SECONDS)

    def pause(self, vendor: str) -> float | None:
        """Seconds until the vendor's window has room again, if its last answer said none was left (once)."""
        return self._pauses.pop(vendor, None)


RATE_HEADERS = RateHeaders()
