"""Domain errors: each carries a stable machine-readable code."""

from __future__ import annotations

from adforge.domain.status import JobStatus


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class JobNotFound(DomainError):
    code = "job_not_found"

    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id} does not exist")
        self.job_id = job_id


class TransitionRejected(DomainError):
    """A status change that is illegal, or lost a race with another writer."""

    code = "transition_rejected"

    def __init__(self, job_id: str, current: JobStatus, target: JobStatus, reason: str) -> None:
        super().__init__(f"job {job_id}: {current.value} -> {target.value} refused: {reason}")
        self.job_id = job_id
        self.current = current
        self.target = target


class InputRejected(DomainError):
    """The merchant's input cannot be used (bad image, unreachable URL, too large)."""

    code = "input_rejected"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
