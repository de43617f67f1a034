"""Job status and the legal transitions between statuses."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    """Where a job is in its life; the last four are terminal."""

    QUEUED = "queued"
    SUBMITTED = "submitted"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL


TERMINAL = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.TIMED_OUT})


LEGAL_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.QUEUED: frozenset({JobStatus.SUBMITTED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.TIMED_OUT}),
    JobStatus.SUBMITTED: frozenset({JobStatus.PROCESSING, *TERMINAL}),
    JobStatus.PROCESSING: frozenset({JobStatus.PROCESSING, *TERMINAL}),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.FAILED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
    JobStatus.TIMED_OUT: frozenset(),
}


def can_transition(current: JobStatus, target: JobStatus) -> bool:
    """True when `current -> target` is a legal move."""
    return target in LEGAL_TRANSITIONS[current]


def sources_of(target: JobStatus) -> list[JobStatus]:
    """Every status from which `target` may be reached (used in conditional writes)."""
    return [status for status, targets in LEGAL_TRANSITIONS.items() if target in targets]
