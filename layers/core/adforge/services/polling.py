"""Workflow step: one status call to the vendor, no waiting (waiting belongs to Step Functions).

A status call takes the vendor account's next status slot first (`Admission`, see services/submission.py): a
slot in the future is answered as the next wait, with the slot, and the next run uses it without asking again.
A 429 on a status call is not an error: the account's bucket is held for the vendor's `Retry-After`, and the next
poll waits that long.

Cadence: the first wait is the vendor's recommended poll interval (`Capabilities.timings`, at most `initial_wait`),
each next one twice the last, up to `max_wait`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adforge.domain.capabilities import Capabilities
from adforge.domain.models import Job
from adforge.ports.jobs import JobRepository
from adforge.ports.vendors import VendorGateway, VendorRateLimited
from adforge.services.account_admission import AccountAdmission
from adforge.services.backpressure import slot_in_time, wait_seconds
from adforge.services.outcomes import State, outcome, with_fresh_job
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
    admission: AccountAdmission = field(default_factory=AccountAdmission)
    timing_scale: float = 1.0  # see Submitter.timing_scale
    vendors: Mapping[str, Capabilities] = field(kw_only=True)  # every vendor's capabilities, by name

    def poll(self, job_id: str, last_wait: int | None, slot: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Returns the state and the next wait, which grows (doubling) up to `max_wait`."""
        job = self.jobs.get(job_id)
        known = recorded_outcome(job)
        if known is not None:
            return known
        if job.vendor is None or job.vendor_job_id is None:  # the unanswered request's webhook never came
            return self.recorder.fail_unadopted(job)
        vendor, kind = job.vendor, job.request.kind
        if not (slot and slot_in_time(slot, self.clock())):
            now = self.clock()
            wait = self.admission.status_wait(vendor, kind)
            if wait > 0:
                return self._next(job, "processing", math.ceil(wait), {"reserved": now, "at": now + wait})
        try:
            try:
                update = self.gateways[vendor].status(job.vendor_job_id, kind)
            finally:
                self.admission.heed_status(vendor, kind)
        except VendorRateLimited as error:  # backpressure: the next poll waits what the vendor said
            self.admission.hold_status(vendor, kind, wait_seconds(error))
            return self._next(job, "processing", wait_seconds(error))
        self._count_poll(job.id)
        self.recorder.record(job.id, job.vendor, update)
        if update.state.is_final:
            return outcome(update.state.value)
        return self._next(job, update.state.value, self._cadence(job.vendor, last_wait))

    def _count_poll(self, job_id: str) -> None:
        """One more answered status call on the job's record (`Job.polls`), unless it ended meanwhile. A 429 or a
        failed call is not counted: it changes nothing on the job (the next poll, or the step's retry, asks again)."""
        with_fresh_job(self.jobs, job_id, lambda job: job if job.is_finished else self.jobs.amend(job, polls=job.polls + 1))

    def _cadence(self, vendor: str, last_wait: int | None) -> int:
        if last_wait is None:
            capabilities = self.vendors.get(vendor)
            if capabilities is None:
                return self.initial_wait
            return capabilities.timings.first_poll_wait(self.initial_wait, self.timing_scale)
        return min(max(1, last_wait) * 2, self.max_wait)

    def _next(self, job: Job, state: State, wait: int, slot: dict[str, Any] | None = None) -> dict[str, Any]:
        if self.clock() + wait > job.created_at.timestamp() + self.deadline_seconds:
            return outcome("deadline")
        return outcome(state, wait=wait, slot=slot)
