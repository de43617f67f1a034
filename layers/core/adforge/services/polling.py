"""Workflow step: one status call to the vendor, no waiting (waiting belongs to Step Functions)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from adforge.ports import JobRepository, VendorGateway
from adforge.services.outcomes import outcome
from adforge.services.updates import UpdateRecorder, recorded_outcome


@dataclass
class Poller:
    jobs: JobRepository
    recorder: UpdateRecorder
    gateways: Mapping[str, VendorGateway]
    clock: Callable[[], float]
    initial_wait: int
    max_wait: int
    deadline_seconds: int

    def poll(self, job_id: str, last_wait: int | None) -> dict[str, Any]:
        """Returns the state and the next wait, which grows (doubling) up to `max_wait`."""
        job = self.jobs.get(job_id)
        known = recorded_outcome(job)
        if known is not None:
            return known
        assert job.vendor is not None and job.vendor_job_id is not None, "only submitted jobs are polled"
        update = self.gateways[job.vendor].status(job.vendor_job_id, job.request.kind)
        self.recorder.record(job.id, job.vendor, update)
        if update.state.is_final:
            return outcome(update.state.value)
        next_wait = self.initial_wait if last_wait is None else min(max(1, last_wait) * 2, self.max_wait)
        if self.clock() + next_wait > job.created_at.timestamp() + self.deadline_seconds:
            return outcome("deadline")
        return outcome(update.state.value, wait=next_wait)
