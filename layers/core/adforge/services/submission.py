"""Workflow step: send a queued job to a vendor, exactly once per job, failing over when a vendor fails.

Same-vendor retries wait in the state machine (Retry with backoff and jitter): a retryable failure is
recorded as an attempt and raised. A vendor that failed `TRIES_PER_VENDOR` times, or failed in a way
no retry fixes (credits, credentials), is left for the next capable vendor when the job asked for
`auto`. A request the vendor itself rejects (validation, content policy) fails the job: another
vendor would be paid to refuse it too. An input one vendor cannot take (`VendorInputUnsupported`: a photo
over its size limit, or one that cannot be converted to a format it takes) is found before anything is sent, and
moves `auto` to the next vendor.

Admission: before a creation request, the step takes the vendor account's next free slot (`Admission`, shared
by every execution, at the account's rate from `rate_limits`). A slot in the future is answered `throttled` with
the wait and the slot; the state machine waits (a Wait state, never a sleeping Lambda) and runs the step again
with the slot, which is then used without asking again. A 429's `Retry-After`, or an answer saying the window
has no request left (`X-RateLimit-*`), holds the account's bucket that long, so later slots start after it.
A named vendor's job stays queued so until its deadline; `auto` counts a 429 as a try and moves on.

Paying twice is worse than failing: the intent to submit (an attempt `submitting`) is on the record before
any request is sent. A request whose answer never came back (`VendorOutcomeUnknown`), or an intent an
earlier run left unanswered (this step crashed or timed out between sending and recording), is reconciled:

- a vendor with a list endpoint (`ReconcilingGateway`) is asked; the generation is adopted when it is there,
  and the job is sent again (or failed over) only when the vendor provably has none;
- a vendor whose signed webhook names our job (`Capabilities.adopts_by_webhook`) is waited for: its delivery adopts the
  generation (services/updates.py); none within the wait ends the job `vendor_outcome_unknown` (Poll);
- any other vendor: the job ends `vendor_outcome_unknown`, never sent again, never failed over.

Waiting (`_submitted`): for a webhook, the job's expected render time plus the vendor's webhook retry window
(`Capabilities.timings`), so a lost delivery is looked for as soon as the vendor's last retry is overdue; the
first poll after the vendor's recommended interval. `webhook_wait` and `first_poll_wait` (settings) are ceilings.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from adforge.domain.capabilities import Capabilities
from adforge.domain.errors import InputRejected, JobNotFound, TransitionRejected
from adforge.domain.events import JobEvent
from adforge.domain.models import Job, JobError, VendorAttempt, VendorSubmission, settled
from adforge.domain.routing import ranked
from adforge.domain.status import JobStatus
from adforge.ports.assets import AssetStore, ImageFramer
from adforge.ports.jobs import EventPublisher, JobRepository
from adforge.ports.vendors import (
    RETRYABLE_CODES,
    ReconcilingGateway,
    VendorError,
    VendorGateway,
    VendorHealth,
    VendorInputUnsupported,
    VendorOutcomeUnknown,
    VendorRateLimited,
    VendorRejected,
    VendorUnavailable,
)
from adforge.services.account_admission import AccountAdmission
from adforge.services.backpressure import slot_in_time, wait_seconds
from adforge.services.completion import converted_photo_stem, drop_assets
from adforge.services.discard import abandon
from adforge.services.outcomes import finished, outcome, with_fresh_job

SHARE_SECONDS = 3600
TRIES_PER_VENDOR = 2
RUNNING_WAIT_SECONDS = 10  # how long a job waits for a place under a full concurrency cap before asking again


def throttled(vendor: str, wait: float, slot: dict[str, Any] | None = None) -> dict[str, Any]:
    """Tells the state machine to wait `wait` seconds, then run Submit again (with `slot`, if one was taken)."""
    return outcome("throttled", vendor=vendor, wait=max(1, math.ceil(wait)), slot=slot)


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


def still_running(jobs: JobRepository, job_id: str) -> bool:
    """The job may still have a generation running at its vendor."""
    try:
        job = jobs.get(job_id)
    except JobNotFound:
        return False
    return not job.is_finished and not (job.result is not None and job.result.state.is_final)


def unused_slot(job: Job, slot: Mapping[str, Any] | None, vendor: str, now: float) -> bool:
    """A slot this execution took for `vendor`, not spent on a request yet (a Retry re-runs the step with the
    same input: the slot is then already used) and not stale (`slot_in_time`)."""
    if not slot or slot.get("vendor") != vendor or not slot_in_time(slot, now):
        return False
    return not any(a.vendor == vendor and a.at.timestamp() >= float(slot["reserved"]) for a in job.attempts)


@dataclass
class Submitter:
    jobs: JobRepository
    assets: AssetStore
    events: EventPublisher
    gateways: Mapping[str, VendorGateway]
    health: VendorHealth
    public_api_url: str
    webhook_wait: int  # the longest webhook wait (each vendor's declared one is used below it)
    first_poll_wait: int  # the longest first poll wait
    deadline_seconds: int = 3600
    clock: Callable[[], float] = field(default=time.time)
    admission: AccountAdmission = field(default_factory=AccountAdmission)  # unlimited by default (unit tests)
    images: ImageFramer | None = None  # converts a product photo for a vendor that takes fewer formats
    timing_scale: float = 1.0  # every declared timing times this (the embedded local stack's compressed time)
    vendors: Mapping[str, Capabilities] = field(kw_only=True)  # every vendor's capabilities; offered: those in `gateways`

    def submit(self, job_id: str, slot: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Submit, or report the earlier submission when this step is run again."""
        state = self._resume(self.jobs.get(job_id))
        while isinstance(state, Job):
            job = state
            offered = {name: vendor for name, vendor in self.vendors.items() if name in self.gateways}
            candidates = ranked(job.request, offered, self.health.recent_failures(), spent_vendors(job))
            if not candidates:
                return self._give_up(job)
            vendor = candidates[0]
            if not unused_slot(job, slot, vendor.name, self.clock()):
                queued = self._admit(job, vendor.name)
                if queued is not None:
                    return queued
            slot = None  # one slot, one request
            state = self._send(job, vendor)
        return state

    def _resume(self, job: Job) -> dict[str, Any] | Job:
        """What an earlier run of this step left: an outcome to repeat, or the job to send."""
        if job.is_finished:
            return finished(job)
        if job.vendor_job_id is not None and job.vendor is not None:
            return self._submitted(self.vendors[job.vendor], job)
        last = job.attempts[-1] if job.attempts else None
        if last is not None and last.outcome == "unknown":  # waiting for the webhook that names the job
            return self._submitted(self.vendors[last.vendor], job)
        if last is not None and last.outcome == "submitting":
            return self._reconcile(job, VendorOutcomeUnknown(last.vendor, "an earlier request's answer was never recorded"))
        return job

    def _send(self, job: Job, vendor: Capabilities) -> dict[str, Any] | Job:
        """One request, its intent recorded first: the step's outcome, or the job to try again (another vendor)."""
        try:
            submission = self._submission(job, vendor)
        except VendorInputUnsupported as error:  # the photo cannot be made into what the vendor takes; nothing sent
            return self._record_failure(job, vendor.name, error)
        job = self.jobs.amend(job, attempts=[*job.attempts, VendorAttempt(vendor=vendor.name, outcome="submitting")])
        try:
            try:
                vendor_job_id = self.gateways[vendor.name].submit(submission)
            finally:
                self.admission.heed_creations(vendor.name, job.request)
        except VendorOutcomeUnknown as error:
            return self._reconcile(job, error)
        except VendorRejected as error:
            return self._reject(job, vendor.name, error)
        except VendorRateLimited as error:
            self.admission.hold_creations(vendor.name, job.request, wait_seconds(error))
            if job.request.vendor != "auto":
                return self._wait_for(job, vendor.name, error)
            job = self._record_failure(job, vendor.name, error)
            return throttled(vendor.name, wait_seconds(error)) if failed_tries(job)[vendor.name] < TRIES_PER_VENDOR else job
        except VendorInputUnsupported as error:  # nothing sent: the next capable vendor may take the input
            return self._record_failure(job, vendor.name, error)
        except VendorError as error:
            self.health.record_failure(vendor.name)
            job = self._record_failure(job, vendor.name, error)
            if error.retryable and failed_tries(job)[vendor.name] < TRIES_PER_VENDOR:
                raise  # the state machine waits (backoff + jitter) and runs this step again
            return job
        return self._accepted(job, vendor, vendor_job_id)

    # admission ---------------------------------------------------------------------------------
    def _admit(self, job: Job, vendor: str) -> dict[str, Any] | None:
        """A place under the account's concurrency cap, then its next creation slot: None to send now, else
        the wait (or, past the deadline, the job failed)."""
        if not self.admission.enter(vendor, job.id, lambda holder: still_running(self.jobs, holder)):
            return self._queue(job, vendor, RUNNING_WAIT_SECONDS, f"{vendor} runs {self.admission.cap(vendor)} generations")
        now = self.clock()
        wait = self.admission.creation_wait(vendor, job.request)
        if wait <= 0:
            return None
        slot = {"vendor": vendor, "reserved": now, "at": now + wait}
        return self._queue(job, vendor, wait, f"{vendor}'s request rate has no free slot", slot)

    def _queue(self, job: Job, vendor: str, wait: float, why: str, slot: dict[str, Any] | None = None) -> dict[str, Any]:
        if self.clock() - job.created_at.timestamp() + wait >= self.deadline_seconds:
            problem = JobError(code=VendorRateLimited.code, message=f"{why} before the job's deadline (next in {wait:.0f} s)")
            return self._finish_failed(job, problem, job.attempts)
        return throttled(vendor, wait, slot)

    # reconciliation ----------------------------------------------------------------------------
    def _reconcile(self, job: Job, error: VendorOutcomeUnknown) -> dict[str, Any] | Job:
        """An intent with no answer (see the module notes): the step's outcome, or the job to send again."""
        vendor, intent = error.vendor, job.attempts[-1]
        capabilities, gateway = self.vendors[vendor], self.gateways.get(vendor)
        if isinstance(gateway, ReconcilingGateway):
            try:
                found = gateway.reconcile(
                    self._submission(job, capabilities),
                    intent.at,
                    lambda vendor_job_id: self.jobs.job_for_vendor_job(vendor, vendor_job_id) not in (None, job.id),
                )
            except VendorError as lookup:
                return self._unknown(job, error, f"; looking it up at the vendor failed: {lookup.message}")
            if found is not None:
                return self._accepted(job, capabilities, found)
            nothing = VendorUnavailable(vendor, f"{error.message}; the vendor's list shows it was not accepted")
            return self._record_failure(job, vendor, nothing)
        if capabilities.adopts_by_webhook(job.request):
            attempt = VendorAttempt(vendor=vendor, outcome="unknown", error=JobError(code=error.code, message=error.message))
            return with_fresh_job(self.jobs, job.id, lambda fresh: self._await_adoption(fresh, capabilities, attempt))
        return self._unknown(job, error)

    def _await_adoption(self, job: Job, vendor: Capabilities, attempt: VendorAttempt) -> dict[str, Any]:
        """Leave the job to the webhook that names it (its delivery may already have adopted the generation)."""
        if job.vendor_job_id is not None or job.is_finished:
            if job.is_finished and job.vendor_job_id is None:
                self.jobs.settle_attempt(job.id, attempt)  # a late delivery is then kept as abandoned
            resumed = self._resume(job)
            assert isinstance(resumed, dict)
            return resumed
        self.jobs.amend(job, attempts=settled(job, attempt))
        return self._submitted(vendor, job)

    def _submission(self, job: Job, vendor: Capabilities) -> VendorSubmission:
        photo = self._photo_for(job, vendor) if job.input_key and vendor.uses_product_image else None
        image_url = self.assets.share(photo, SHARE_SECONDS) if photo else None
        callback = f"{self.public_api_url.rstrip('/')}/v1/webhooks/{vendor.name}?job={job.id}"
        return VendorSubmission(
            request=job.request,
            product_image_url=image_url,
            callback_url=callback if vendor.webhooks else None,
            reference=job.id,
        )

    def _photo_for(self, job: Job, vendor: Capabilities) -> str:
        """The key of the product photo as `vendor` takes it: the merchant's own, or (the one place inputs are
        converted) a copy in a format the vendor's doc names, next to the job's outputs (`converted_photo_stem`),
        deleted when the job ends (services/completion.py, services/tenancy.py)."""
        assert job.input_key is not None
        if vendor.photo_types is None:
            return job.input_key
        if self.assets.describe(job.input_key).content_type in vendor.photo_types:
            return job.input_key
        assert self.images is not None, "a vendor that takes fewer photo formats needs the image converter"
        with self.assets.open(job.input_key) as original:
            try:
                converted = self.images.convert(original, vendor.photo_types)
            except InputRejected as error:  # e.g. a WebP over the size limit once it is a PNG: another vendor may take it
                why = f"the product photo cannot be sent as {' or '.join(sorted(vendor.photo_types))}: {error.message}"
                raise VendorInputUnsupported(vendor.name, why) from error
            stored = self.assets.ingest(nullcontext(converted), converted_photo_stem(job, vendor.name))
        return stored.key

    def _accepted(self, job: Job, vendor: Capabilities, vendor_job_id: str) -> dict[str, Any]:
        self.jobs.link_vendor_job(vendor.name, vendor_job_id, job.id)
        attempt = VendorAttempt(vendor=vendor.name, vendor_job_id=vendor_job_id)
        try:
            job = self.jobs.transition(
                job, JobStatus.SUBMITTED, vendor=vendor.name, vendor_job_id=vendor_job_id, attempts=settled(job, attempt)
            )
        except TransitionRejected:
            current = self.jobs.get(job.id)
            if current.vendor_job_id == vendor_job_id:  # its webhook adopted it first (services/updates.py)
                return self._submitted(vendor, job)
            if not current.is_finished:
                raise
            if any(a.vendor_job_id == vendor_job_id for a in current.attempts):  # its late webhook recorded it
                return finished(current)
            # cancelled while the vendor was accepting: the paid generation stays on the job, marked abandoned,
            # and is deleted at the vendor where its API documents a way
            why = "the job was cancelled while the vendor accepted it"
            return finished(self.jobs.settle_attempt(job.id, abandon(self.gateways, vendor.name, vendor_job_id, why)))
        self.events.publish(JobEvent.SUBMITTED, job)
        return self._submitted(vendor, job)

    def _submitted(self, vendor: Capabilities, job: Job) -> dict[str, Any]:
        """Tells the state machine how to wait: for a webhook (with a timeout) when one delivery will carry the
        job's result (`Capabilities.webhook_completes`), else by polling; how long, from the vendor's timings."""
        timings, scale = vendor.timings, self.timing_scale
        return outcome(
            "processing",
            vendor=vendor.name,
            webhooks=vendor.webhook_completes(job.request),
            webhook_wait=timings.webhook_wait(job.request.kind, self.webhook_wait, scale),
            wait=timings.first_poll_wait(self.first_poll_wait, scale),
        )

    def _record_failure(self, job: Job, vendor: str, error: VendorError) -> Job:
        """A failed attempt: no generation of the job runs at `vendor`, so it leaves the account's cap (a retry
        there, or a failover, enters again through `_admit`; holding it would shrink the cap for other jobs)."""
        attempt = VendorAttempt(vendor=vendor, outcome="failed", error=JobError(code=error.code, message=error.message))
        job = self.jobs.amend(job, attempts=settled(job, attempt))
        self.admission.leave(vendor, job.id)
        return job

    def _reject(self, job: Job, vendor: str, error: VendorError) -> dict[str, Any]:
        problem = JobError(code=error.code, message=error.message)
        return self._finish_failed(job, problem, settled(job, VendorAttempt(vendor=vendor, outcome="rejected", error=problem)))

    def _wait_for(self, job: Job, vendor: str, error: VendorRateLimited) -> dict[str, Any]:
        """A named vendor said 429: wait as told (no attempt is spent) until the job's deadline."""
        if self.clock() - job.created_at.timestamp() + wait_seconds(error) >= self.deadline_seconds:
            problem = JobError(code=error.code, message=f"{error.message} (until the job's deadline)")
            return self._finish_failed(job, problem, settled(job, VendorAttempt(vendor=vendor, outcome="failed", error=problem)))
        self.jobs.amend(job, attempts=job.attempts[:-1])  # the intent was not acted on
        return throttled(vendor, wait_seconds(error))

    def _unknown(self, job: Job, error: VendorOutcomeUnknown, detail: str = "") -> dict[str, Any]:
        problem = JobError(
            code=error.code,
            message=f"{error.message}{detail}; not sent again, so that the merchant never pays twice",
        )
        attempt = VendorAttempt(vendor=error.vendor, vendor_job_id=error.accepted, outcome="unknown", error=problem)
        return self._finish_failed(job, problem, settled(job, attempt))

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
        try:
            job = self.jobs.transition(job, JobStatus.FAILED, error=problem, attempts=attempts)
        except TransitionRejected:
            current = self.jobs.get(job.id)
            if not current.is_finished:
                raise
            # ended meanwhile (a cancel): what this step learnt of its request still goes on the job's attempts
            if attempts and current.attempts and current.attempts[-1].outcome == "submitting":
                current = self.jobs.settle_attempt(current.id, attempts[-1])
            return finished(current)
        drop_assets(self.assets, job, [], self.vendors)  # the photo converted for a vendor, if one was
        self.events.publish(JobEvent.FAILED, job)
        self.admission.leave_all(job.id, (attempt.vendor for attempt in job.attempts))
        return finished(job)
