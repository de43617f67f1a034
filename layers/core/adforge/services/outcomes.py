"""What a workflow step tells the state machine, and small helpers every step shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from adforge.domain.errors import TransitionRejected
from adforge.domain.models import Job, JobError, VendorUpdate
from adforge.ports.jobs import JobRepository

State = Literal["pending", "processing", "completed", "failed", "finished", "deadline", "throttled"]
MAX_WRITE_ATTEMPTS = 3


def outcome(state: State, **extra: Any) -> dict[str, Any]:
    """The JSON a step returns; the state machine's Choice states read `state`."""
    return {"state": state, **extra}


def finished(job: Job) -> dict[str, Any]:
    """A job that has ended. The state machine ends the same way: `Done` (Succeed) for a completed job,
    otherwise `JobFailed` (Fail) with the job's error code as the execution's Error, so DescribeExecution
    tells the record's story."""
    error = job.error or JobError(code=job.status.value, message=f"the job is {job.status.value}")
    return outcome("finished", status=job.status.value, error=error.code, cause=error.message)


def update_outcome(update: VendorUpdate) -> dict[str, Any]:
    return outcome(update.state.value)


def with_fresh_job[T](jobs: JobRepository, job_id: str, change: Callable[[Job], T]) -> T:
    """Run `change` on the newest record, again if another writer got in first.

    A finished job is never retried: the refusal stands and is raised.
    """
    for attempt in range(MAX_WRITE_ATTEMPTS):
        job = jobs.get(job_id)
        try:
            return change(job)
        except TransitionRejected as rejected:
            if rejected.current.is_terminal or attempt == MAX_WRITE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
