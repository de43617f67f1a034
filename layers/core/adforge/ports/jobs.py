"""Ports of the job record and its workflow: storage, lifecycle events, the per-job state machine."""

from __future__ import annotations

from typing import Any, Protocol

from adforge.domain.errors import DomainError
from adforge.domain.events import JobEvent
from adforge.domain.models import Job, VendorAttempt
from adforge.domain.status import JobStatus


class JobAlreadyExists(DomainError):
    """`JobRepository.create` of an id already taken (a redelivered trigger names the same job)."""

    code = "job_exists"


class InvalidCursor(DomainError):
    """A listing cursor this API never issued, or one of another tenant's listing."""

    code = "invalid_cursor"


class JobRepository(Protocol):
    """Job records with conditional, versioned writes."""

    def create(self, job: Job) -> None:
        """Store a new job; raises `JobAlreadyExists` if the id is taken."""

    def get(self, job_id: str) -> Job:
        """The current record; raises `JobNotFound`."""

    def transition(self, job: Job, target: JobStatus, **changes: Any) -> Job:
        """Move `job` to `target` if legal and nobody wrote since `job.version`."""

    def amend(self, job: Job, **changes: Any) -> Job:
        """Change fields without changing status; refused on finished jobs and stale versions."""

    def settle_attempt(self, job_id: str, attempt: VendorAttempt) -> Job:
        """Put `attempt` in place of the trailing intent (or after the last attempt), even on a finished job:
        what a vendor accepted is always on its job. Nothing else changes."""

    def list_for_tenant(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        """A tenant's jobs, newest first; the cursor continues where the last page stopped."""

    def link_vendor_job(self, vendor: str, vendor_job_id: str, job_id: str) -> None:
        """Remember which job a vendor's id belongs to (for webhooks that cannot carry our job id)."""

    def job_for_vendor_job(self, vendor: str, vendor_job_id: str) -> str | None:
        """The job id linked to a vendor's id, if any."""


class EventPublisher(Protocol):
    """Lifecycle events to the bus."""

    def publish(self, event: JobEvent, job: Job) -> None:
        """Publish one event; raises if the bus did not accept it."""


class Workflow(Protocol):
    """The per-job state machine."""

    def start(self, job: Job) -> None:
        """Start the job's execution (idempotent per job id)."""

    def stop(self, job: Job, reason: str) -> None:
        """Stop the job's execution if it still runs (no more vendor calls)."""


class TaskResumer(Protocol):
    """Wakes an execution parked on a task token."""

    def resume(self, task_token: str, outcome: dict[str, Any]) -> bool:
        """Hand a step outcome to a waiting execution; False if it no longer waits."""
