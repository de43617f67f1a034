"""The sandboxes' time: every read of the clock, every wait and every paced callback goes through a `Clock`.

`RealClock` (the default) is the wall clock with timer threads. `ManualClock` only moves when a test calls
`advance()`: callbacks that fall due run in the advancing thread, in due order, before `advance()` returns, and
threads blocked in `sleep()` wake once their time has come.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Protocol

Callback = Callable[[], None]


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block the calling thread until `seconds` have passed on this clock."""
        ...

    def call_later(self, seconds: float, callback: Callback) -> None:
        """Run `callback` once `seconds` have passed on this clock (never in the calling thread)."""
        ...


class RealClock:
    """Wall-clock time; each callback runs in its own daemon timer thread."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))

    def call_later(self, seconds: float, callback: Callback) -> None:
        timer = threading.Timer(max(0.0, seconds), callback)
        timer.daemon = True
        timer.start()


class ManualClock:
    """A clock that stands still until `advance()`; starts at `start` (default: the wall clock's now)."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._timers: list[tuple[float, int, Callback]] = []
        self._order = itertools.count()
        self._sleepers = 0
        self._changed = threading.Condition()

    def now(self) -> float:
        with self._changed:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._changed:
            deadline = self._now + seconds
            if self._now >= deadline:
                return
            self._sleepers += 1
            self._changed.notify_all()
            try:
                self._changed.wait_for(lambda: self._now >= deadline)
            finally:
                self._sleepers -= 1
                self._changed.notify_all()

    def call_later(self, seconds: float, callback: Callback) -> None:
        with self._changed:
            heapq.heappush(self._timers, (self._now + max(0.0, seconds), next(self._order), callback))

    def advance(self, seconds: float = 0.0) -> None:
        """Move time on by `seconds`, running each callback due by then (also ones scheduled meanwhile) at its time.

        Not to be called from a callback; a callback must not wait on this clock's `sleep()` either (it runs in the
        advancing thread). `advance()` with no argument runs what is already due.
        """
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._changed:
            target = self._now + seconds
        while True:
            with self._changed:
                if not self._timers or self._timers[0][0] > target:
                    self._now = max(self._now, target)
                    self._changed.notify_all()
                    return
                due, _, callback = heapq.heappop(self._timers)
                self._now = max(self._now, due)
                self._changed.notify_all()
            callback()

    @property
    def pending(self) -> int:
        """Callbacks scheduled and not yet run."""
        with self._changed:
            return len(self._timers)

    @property
    def sleepers(self) -> int:
        """Threads blocked in `sleep()` right now."""
        with self._changed:
            return self._sleepers

    def wait_for_sleepers(self, count: int, timeout: float = 10.0) -> bool:
        """Block (on the wall clock, at most `timeout`) until `count` threads are in `sleep()`; False if they never are."""
        with self._changed:
            return self._changed.wait_for(lambda: self._sleepers >= count, timeout)
