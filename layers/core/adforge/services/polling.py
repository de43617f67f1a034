"""Workflow step: one status call to the vendor, no waiting (waiting belongs to Step Functions).

A 429 on a status call is not an error: the next poll simply waits the vendor's `Retry-After`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from adforge.domain.models import Job
from adforge.ports import JobRepository, VendorGateway
from adforge.services.backpressure import wait_seconds
from adforge.services.outcomes import State, outcome
from adforge.services.updates import UpdateRecorder, recorded_outcome
from adforge.vendors.errors import VendorRateLimited


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
        try:
            update = self.gateways[job.vendor].status(job.vendor_job_id, job.request.kind)
        except VendorRateLimited as error:  # backpressure: the next poll waits what the vendor said
            return self._next(job, "processing", wait_seconds(error))
        self.recorder.record(job.id, job.vendor, update)
        if update.state.is_final:
            return outcome(update.state.value)
        next_wait = self.initial_wait if last_wait is None else min(max(1, last_wait) * 2, self.max_wait)
        return self._next(job, update.state.value, next_wait)

    def _next(self, job: Job, state: State, wait: int) -> dict[str, Any]:
        if self.clock() + wait > job.created_at.timestamp() + self.deadline_seconds:
            return outcome("deadline")
        return outcome(state, wait=wait)
