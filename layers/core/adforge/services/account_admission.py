"""Each vendor account's shared limiter as the workflow steps use it: the account's rates and concurrency cap
(adforge.domain.rate_limits) over the one `Admission` store every execution shares (see services/submission.py).

A vendor without limits, or no store at all (unit tests of other rules), is never held back: every method is
then a no-op that admits at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from adforge.domain.models import JobKind, JobRequest
from adforge.domain.rate_limits import AccountLimits
from adforge.ports.vendors import Admission, RatePauses


@dataclass
class AccountAdmission:
    store: Admission | None = None
    limits: Mapping[str, AccountLimits] = field(default_factory=dict)
    pauses: RatePauses | None = None  # what the vendors' answers said of their windows (adforge.vendors.rate_headers)

    def _of(self, vendor: str) -> tuple[Admission, AccountLimits] | None:
        limits = self.limits.get(vendor) if self.store is not None else None
        return (self.store, limits) if self.store is not None and limits is not None else None

    # request rates -----------------------------------------------------------------------------
    def creation_wait(self, vendor: str, request: JobRequest) -> float:
        """Take the account's next creation slot for `request`: seconds until it starts (0: now)."""
        found = self._of(vendor)
        return found[0].reserve(*found[1].creation(request)) if found else 0.0

    def status_wait(self, vendor: str, kind: JobKind) -> float:
        """Take the account's next status slot: seconds until it starts (0: now)."""
        found = self._of(vendor)
        return found[0].reserve(*found[1].status(kind)) if found else 0.0

    def hold_creations(self, vendor: str, request: JobRequest, seconds: float) -> None:
        """The vendor said wait (a 429's Retry-After): no creation slot starts sooner."""
        found = self._of(vendor)
        if found:
            found[0].hold_off(found[1].creation(request)[0], seconds)

    def hold_status(self, vendor: str, kind: JobKind, seconds: float) -> None:
        found = self._of(vendor)
        if found:
            found[0].hold_off(found[1].status(kind)[0], seconds)

    def heed_creations(self, vendor: str, request: JobRequest) -> None:
        """The vendor's last answer said its window has no request left (`X-RateLimit-*`): hold until it resets."""
        pause = self.pauses.pause(vendor) if self.pauses is not None else None
        if pause:
            self.hold_creations(vendor, request, pause)

    def heed_status(self, vendor: str, kind: JobKind) -> None:
        pause = self.pauses.pause(vendor) if self.pauses is not None else None
        if pause:
            self.hold_status(vendor, kind, pause)

    # concurrency cap ---------------------------------------------------------------------------
    def cap(self, vendor: str) -> int | None:
        """The account's cap on generations in flight, if it has one."""
        found = self._of(vendor)
        return found[1].max_in_flight if found else None

    def enter(self, vendor: str, job_id: str, still_running: Callable[[str], bool]) -> bool:
        """In under the cap (always, without one); when it is full, holders no longer running are let out first
        (a step that died before letting its job out cannot shrink the cap for good)."""
        found = self._of(vendor)
        cap = found[1].max_in_flight if found else None
        if not found or not cap:
            return True
        store, limits = found
        if store.enter(limits.running, job_id, cap):
            return True
        for holder in store.holders(limits.running) - {job_id}:
            if not still_running(holder):
                store.leave(limits.running, holder)
        return store.enter(limits.running, job_id, cap)

    def leave(self, vendor: str, job_id: str) -> None:
        found = self._of(vendor)
        if found and found[1].max_in_flight:
            found[0].leave(found[1].running, job_id)

    def leave_all(self, job_id: str, vendors: Iterable[str]) -> None:
        """Out of the cap of every vendor the job tried (a failover may have left one behind)."""
        for vendor in set(vendors):
            self.leave(vendor, job_id)
