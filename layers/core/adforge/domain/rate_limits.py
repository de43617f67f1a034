"""One vendor account's request rates and concurrency cap, and the admission buckets they are counted in (the
figures come from adforge.vendors.rate_limits)."""

from __future__ import annotations

from dataclasses import dataclass

from adforge.domain.models import JobKind, JobRequest


@dataclass(frozen=True)
class AccountLimits:
    """One vendor account's rates, and the admission buckets they are counted in."""

    vendor: str
    account: str  # a hash of the account's credentials: every job on one key shares its buckets
    creations_per_minute: float
    status_per_minute: float
    video_creations_per_minute: float | None = None
    video_status_per_minute: float | None = None
    max_in_flight: int | None = None
    per_output: frozenset[JobKind] = frozenset()  # kinds whose N outputs are N creation requests (N tokens)

    @property
    def running(self) -> str:
        """The bucket of the account's in-flight generations (its concurrency cap)."""
        return f"{self.account}#running"

    def creation(self, request: JobRequest) -> tuple[str, float, int]:
        """(bucket, per minute, tokens) a submission of `request` takes."""
        tokens = request.count if request.kind in self.per_output else 1
        if request.kind is JobKind.VIDEO and self.video_creations_per_minute:
            return f"{self.account}#create-video", self.video_creations_per_minute, tokens
        return f"{self.account}#create", self.creations_per_minute, tokens

    def status(self, kind: JobKind) -> tuple[str, float]:
        if kind is JobKind.VIDEO and self.video_status_per_minute:
            return f"{self.account}#status-video", self.video_status_per_minute
        return f"{self.account}#status", self.status_per_minute
