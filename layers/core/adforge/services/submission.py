"""Workflow step: send a queued job to its vendor, exactly once per job."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adforge.domain.events import JobEvent
from adforge.domain.models import Job, JobError, VendorAttempt, VendorSubmission
from adforge.domain.status import JobStatus
from adforge.ports import AssetStore, EventPublisher, JobRepository, VendorGateway
from adforge.services.outcomes import outcome
from adforge.vendors.errors import VendorError
from adforge.vendors.registry import Capabilities, choose_vendor

SHARE_SECONDS = 3600


@dataclass
class Submitter:
    jobs: JobRepository
    assets: AssetStore
    events: EventPublisher
    gateways: Mapping[str, VendorGateway]
    public_api_url: str
    webhook_wait: int
    first_poll_wait: int

    def submit(self, job_id: str) -> dict[str, Any]:
        """Submit, or report the earlier submission when this step is run again."""
        job = self.jobs.get(job_id)
        if job.is_finished:
            return outcome("finished")
        capabilities = choose_vendor(job.request, frozenset(self.gateways))
        if job.vendor_job_id is not None:
            return self._submitted(capabilities)
        try:
            vendor_job_id = self.gateways[capabilities.name].submit(self._submission(job, capabilities))
        except VendorError as error:
            if not error.retryable:
                return self._rejected(job, capabilities.name, error)
            failed = VendorAttempt(
                vendor=capabilities.name, outcome="failed", error=JobError(code=error.code, message=error.message)
            )
            self.jobs.amend(job, attempts=[*job.attempts, failed])
            raise  # the state machine retries with backoff, then fails the job
        attempt = VendorAttempt(vendor=capabilities.name, vendor_job_id=vendor_job_id)
        job = self.jobs.transition(
            job, JobStatus.SUBMITTED, vendor=capabilities.name, vendor_job_id=vendor_job_id, attempts=[*job.attempts, attempt]
        )
        self.events.publish(JobEvent.SUBMITTED, job)
        return self._submitted(capabilities)

    def _submitted(self, capabilities: Capabilities) -> dict[str, Any]:
        """Tells the state machine how to wait: for a webhook (with a timeout) or by polling."""
        return outcome(
            "processing",
            vendor=capabilities.name,
            webhooks=capabilities.webhooks,
            webhook_wait=self.webhook_wait,
            wait=self.first_poll_wait,
        )

    def _submission(self, job: Job, capabilities: Capabilities) -> VendorSubmission:
        image_url = self.assets.share(job.input_key, SHARE_SECONDS) if job.input_key else None
        callback = f"{self.public_api_url.rstrip('/')}/v1/webhooks/{capabilities.name}?job={job.id}"
        return VendorSubmission(
            request=job.request, product_image_url=image_url, callback_url=callback if capabilities.webhooks else None
        )

    def _rejected(self, job: Job, vendor: str, error: VendorError) -> dict[str, Any]:
        problem = JobError(code=error.code, message=error.message)
        attempt = VendorAttempt(vendor=vendor, outcome="rejected", error=problem)
        job = self.jobs.transition(job, JobStatus.FAILED, vendor=vendor, error=problem, attempts=[*job.attempts, attempt])
        self.events.publish(JobEvent.FAILED, job)
        return outcome("finished")
