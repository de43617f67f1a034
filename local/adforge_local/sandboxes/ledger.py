"""What a sandbox's vendor billed: one entry per generation it accepted, and how many creation requests it received.

`GET /_sandbox/ledger` answers `Ledger.public()`:

    {"generations": [{"id", "key", "created_at", "prompt", "endpoint", "deleted", "cancelled"}, ...],
     "creations": {"received", "rejected_429", "peak_per_minute"},
     "timeline": {"<vendor job id>": {"finished_at", "status_calls": [<epoch seconds>, ...]}, ...}}

- one generation per vendor job id the API returned (a job making several images is one entry), in the order
  accepted; `key` is the SHA-256 hex of the API key (or identity) that made it, `created_at` the sandbox clock's
  epoch seconds, `endpoint` the request path as sent, `deleted` set by a documented DELETE, `cancelled` by a
  documented cancel (no vendor documents one: always false).
- `received` counts authenticated creation requests whatever their answer, `rejected_429` those answered 429
  (a rate-limit window or the `rate_limit` fault), `peak_per_minute` the most received within any 60 s.
- `timeline`, per id a status call names (a vendor job id, a CreativeAI batch id, an AdCreative process id): when
  the vendor's work on it ended (`finished_at`, completed or failed; null while running) and the sandbox clock's
  time of every status call that named it (`status_calls`). How long a client took to notice a result is read
  from here, on the vendor's own clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from adforge_local.sandboxes.rate_window import SlidingWindows


def key_hash(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()


@dataclass
class Generation:
    id: str
    key: str
    created_at: float
    prompt: str | None
    endpoint: str
    deleted: bool = False
    cancelled: bool = False


@dataclass
class Timeline:
    finished_at: float | None = None
    status_calls: list[float] = field(default_factory=list)


class Ledger:
    """Not thread-safe: the sandbox calls it under its lock (and starts a new one on reset)."""

    def __init__(self) -> None:
        self.generations: dict[str, Generation] = {}
        self.received = 0
        self.rejected_429 = 0
        self.peak_per_minute = 0
        self._received = SlidingWindows()
        self.timeline: dict[str, Timeline] = {}

    def bill(self, job_id: str, identity: str, now: float, prompt: str | None, endpoint: str) -> None:
        self.generations[job_id] = Generation(job_id, key_hash(identity), now, prompt, endpoint)

    def delete(self, job_id: str) -> None:
        if job_id in self.generations:
            self.generations[job_id].deleted = True

    def finish(self, job_id: str, now: float) -> None:
        """The vendor's work on `job_id` ended (the first end counts)."""
        entry = self.timeline.setdefault(job_id, Timeline())
        if entry.finished_at is None:
            entry.finished_at = now

    def status_call(self, job_id: str, now: float) -> None:
        self.timeline.setdefault(job_id, Timeline()).status_calls.append(now)

    def receive(self, now: float) -> None:
        self.received += 1
        self.peak_per_minute = max(self.peak_per_minute, self._received.record("received", "", now))

    def public(self) -> dict[str, Any]:
        return {
            "generations": [asdict(generation) for generation in self.generations.values()],
            "creations": {
                "received": self.received,
                "rejected_429": self.rejected_429,
                "peak_per_minute": self.peak_per_minute,
            },
            "timeline": {job_id: asdict(entry) for job_id, entry in self.timeline.items()},
        }
