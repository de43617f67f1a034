"""Workflow step: send a queued job to a vendor, exactly once per job, failing over when a vendor fails.

Same-vendor retries wait in the state machine (Retry with backoff and jitter): a retryable failure is
recorded as an attempt and raised. A vendor that failed `TRIES_PER_VENDOR` times, or failed in a way
no retry fixes (credits, credentials), is left for the next capable vendor when the job asked for
`auto`. A request the vendor itself rejects (validation, content policy) fails the job: another
vendor would be paid to refuse it too.

Paying twice is worse than failing: the intent to submit (an attempt `submitting`) is on the record before
any request is sent. A request whose answer never came back (`VendorOutcomeUnknown`), or an intent an
earlier run left unanswered (this step crashed or timed out between sending and recording), ends the job
`vendor_outcome_unknown`: never resubmitted and never failed over, since the vendor may have accepted it.
(Looking the generation up at the vendor and adopting it is the next step; see issue 9.)

A 429 is backpressure, not a failure of the request: the step answers `throttled` with the vendor's
`Retry-After` (or `THROTTLE_SECONDS`), and the state machine waits that long (a Wait state, never a
sleeping Lambda) before submitting again. A named vendor keeps its job waiting so until the job's
deadline; `auto` counts the 429 as a try and moves on after `TRIES_PER_VENDOR`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adforge.domain.errors import TransitionRejected
from adforge.domain.events import JobEvent
from adforge.domain.models import Job, JobError, VendorAttempt, VendorSubmission, settled
from adforge.domain.status import JobStatus
from adforge.ports import AssetStore, DiscardingGateway, EventPublisher, JobRepository, VendorGateway, VendorHealth
from adforge.services.backpressure import wait_seconds
from adforge.services.outcomes import finished, outcome
from adforge.vendors.capabilities import Capabilities
from adforge.vendors.errors import RETRYABLE_CODES, VendorError, VendorOutcomeUnknown, VendorRateLimited, VendorRejected
from adforge.vendors.registry import REGISTRY, ranked

SHARE_SECONDS = 3600
TRIES_PER_VENDOR = 2


def throttled(error: VendorRateLimited) -> dict[str, Any]:
    """Tells the state machine to wait `wait` seconds, then run Submit again."""
    return outcome("throttled", vendor=error.vendor, wait=wait_seconds(error))


def failed_tries(job: Job) -> dict[str, int]:
    tries: dict[str, int] = {}
    for attempt in job.attempts:
        if attempt.outcome in ("failed", "rejected"):
            tries[attempt.vendor] = tries.get(attempt.vendor, 0) + 1
    return tries


def spent_vendors(job: Job) -> frozenset[str]:
    """Vendors not to try again for this job: out of tries, or failed in a way no retry fixes."""
    tries = failed_tries(job)
    hopeless = {a.vendor for a in job.attempts if a.outcome == "failed" and a.error and a.error.code not in RETRYABLE_CODES}
    return frozenset(name for name, count in tries.items() if count >= TRIES_PER_VENDOR) | hopeless


@dataclass
class Submitter:
    jobs: JobRepository
    assets: AssetStore
    events: EventPublisher
    gateways: Mapping[str, VendorGateway]
    health: VendorHealth
    public_api_url: str
    webhook_wait: int
    first_poll_wait: int
    deadline_seconds: int = 3600
    clock: Callable[[], float] = field(default=time.time)

    def submit(self, job_id: str) -> dict[str, Any]:
        """Submit, or report the earlier submission when this step is run again."""
        job = self.jobs.get(job_id)
        if job.is_finished:
            return finished(job)
        if job.vendor_job_id is not None and job.vendor is not None:
            return self._submitted(REGISTRY[job.vendor])
        if job.attempts and job.attempts[-1].outcome == "submitting":
            vendor_name = job.attempts[-1].vendor
            return self._unknown(job, VendorOutcomeUnknown(vendor_name, "an earlier request's answer was never recorded"))
        while True:
            candidates = ranked(job.request, frozenset(self.gateways), self.health.recent_failures(), spent_vendors(job))
            if not candidates:
                return self._give_up(job)
            vendor = candidates[0]
            submission = self._submission(job, vendor)
            job = self.jobs.amend(job, attempts=[*job.attempts, VendorAttempt(vendor=vendor.name, outcome="submitting")])
            try:
                vendor_job_id = self.gateways[vendor.name].submit(submission)
            except VendorOutcomeUnknown as error:
                return self._unknown(job, error)
            except VendorRejected as error:
                return self._reject(job, vendor.name, error)
            except VendorRateLimited as error:
                if job.request.vendor != "auto":
                    return self._wait_for(job, vendor.name, error)
                job = self._record_failure(job, vendor.name, error)
                if failed_tries(job)[vendor.name] < TRIES_PER_VENDOR:
                    return throttled(error)
                continue
            except VendorError as error:
                self.health.record_failure(vendor.name)
                job = self._record_failure(job, vendor.name, error)
                if error.retryable and failed_tries(job)[vendor.name] < TRIES_PER_VENDOR:
                    raise  # the state machine waits (backoff + jitter) and runs this step again
                continue
            return self._accepted(job, vendor, vendor_job_id)

    def _submission(self, job: Job, vendor: Capabilities) -> VendorSubmission:
        image_url = self.assets.share(job.input_key, SHARE_SECONDS) if job.input_key and vendor.uses_product_image else None
        callback = f"{self.public_api_url.rstrip('/')}/v1/webhooks/{vendor.name}?job={job.id}"
        return VendorSubmission(
            request=job.request, product_image_url=image_url, callback_url=callback if vendor.webhooks else None
        )

    def _accepted(self, job: Job, vendor: Capabilities, vendor_job_id: str) -> dict[str, Any]:
        self.jobs.link_vendor_job(vendor.name, vendor_job_id, job.id)
        attempt = VendorAttempt(vendor=vendor.name, vendor_job_id=vendor_job_id)
        try:
            job = self.jobs.transition(
                job, JobStatus.SUBMITTED, vendor=vendor.name, vendor_job_id=vendor_job_id, attempts=settled(job, attempt)
            )
        except TransitionRejected:
            if not self.jobs.get(job.id).is_finished:
                raise
            # cancelled while the vendor was accepting: the paid generation stays on the job, marked abandoned,
            # and is deleted at the vendor where its API documents a way
            note = self._discard(vendor.name, vendor_job_id)
            abandoned = attempt.model_copy(update={"outcome": "abandoned", "error": JobError(code="abandoned", message=note)})
            return finished(self.jobs.settle_attempt(job.id, abandoned))
        self.events.publish(JobEvent.SUBMITTED, job)
        return self._submitted(vendor)

    def _discard(self, vendor: str, vendor_job_id: str) -> str:
        gateway = self.gateways[vendor]
        if not isinstance(gateway, DiscardingGateway):
            return "the job was cancelled while the vendor accepted it; the vendor documents no way to cancel it"
        try:
            gateway.discard(vendor_job_id)
        except VendorError as error:
            return f"the job was cancelled while the vendor accepted it; deleting it at the vendor failed: {error.message}"
        return "the job was cancelled while the vendor accepted it; deleted at the vendor"

    def _submitted(self, vendor: Capabilities) -> dict[str, Any]:
        """Tells the state machine how to wait: for a webhook (with a timeout) or by polling."""
        return outcome(
            "processing", vendor=vendor.name, webhooks=vendor.webhooks, webhook_wait=self.webhook_wait, wait=self.first_poll_wait
        )

    def _record_failure(self, job: Job, vendor: str, error: VendorError) -> Job:
        attempt = VendorAttempt(vendor=vendor, outcome="failed", error=JobError(code=error.code, message=error.message))
        return self.jobs.amend(job, attempts=settled(job, attempt))

    def _reject(self, job: Job, vendor: str, error: VendorError) -> dict[str, Any]:
        problem = JobError(code=error.code, message=error.message)
        return self._finish_failed(job, problem, settled(job, VendorAttempt(vendor=vendor, outcome="rejected", error=problem)))

    def _wait_for(self, job: Job, vendor: str, error: VendorRateLimited) -> dict[str, Any]:
        """A named vendor said 429: wait as told (no attempt is spent) until the job's deadline."""
        if self.clock() - job.created_at.timestamp() + wait_seconds(error) >= self.deadline_seconds:
            problem = JobError(code=error.code, message=f"{error.message} (until the job's deadline)")
            return self._finish_failed(job, problem, settled(job, VendorAttempt(vendor=vendor, outcome="failed", error=problem)))
        self.jobs.amend(job, attempts=job.attempts[:-1])  # the intent was not acted on
        return throttled(error)

    def _unknown(self, job: Job, error: VendorOutcomeUnknown) -> dict[str, Any]:
        problem = JobError(
            code=error.code,
            message=f"{error.message}; not sent again, so that the merchant never pays twice",
        )
        return self._finish_failed(
            job, problem, settled(job, VendorAttempt(vendor=error.vendor, outcome="unknown", error=problem))
        )

    def _give_up(self, job: Job) -> dict[str, Any]:
        """No vendor left to try: a named vendor's own error, or a summary of every vendor tried."""
        last = job.attempts[-1].error if job.attempts and job.attempts[-1].error else JobError(code="no_vendor", message="-")
        tried = sorted({attempt.vendor for attempt in job.attempts})
        if len(tried) > 1:
            last = JobError(
                code="all_vendors_failed", message=f"every capable vendor failed ({', '.join(tried)}); last: {last.message}"
            )
        return self._finish_failed(job, last, job.attempts)

    def _finish_failed(self, job: Job, problem: JobError, attempts: list[VendorAttempt]) -> dict[str, Any]:
        job = self.jobs.transition(job, JobStatus.FAILED, error=problem, attempts=attempts)
        self.events.publish(JobEvent.FAILED, job)
        return finished(job)
