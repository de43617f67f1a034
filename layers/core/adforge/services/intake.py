"""Creating a job: validate, take the product image in, record, announce, start its workflow."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from adforge.domain.capabilities import Capabilities
from adforge.domain.errors import InputRejected
from adforge.domain.events import JobEvent
from adforge.domain.models import Job, JobError, JobRequest, ProductImage
from adforge.domain.routing import capable
from adforge.domain.status import JobStatus
from adforge.ports.assets import AssetStore, Fetcher
from adforge.ports.jobs import EventPublisher, JobRepository, Workflow

log = logging.getLogger(__name__)


class ServiceUnavailable(Exception):
    """A dependency failed after the job was recorded; the job is marked failed, not left hanging."""

    code = "service_unavailable"


def new_job_id() -> str:
    return f"job_{uuid.uuid4().hex}"


def tenant_prefix(tenant_id: str) -> str:
    return f"tenants/{tenant_id}/"


@dataclass
class JobIntake:
    jobs: JobRepository
    assets: AssetStore
    events: EventPublisher
    workflow: Workflow
    fetcher: Fetcher
    vendors: Mapping[str, Capabilities]  # every vendor a job may name, by name
    new_id: Callable[[], str] = field(default=new_job_id)

    def create(self, tenant_id: str, request: JobRequest, job_id: str | None = None) -> Job:
        """`job_id` lets a caller derive the id from its trigger, so a redelivered trigger meets `JobAlreadyExists`."""
        capable(request, self.vendors)  # refuse what no vendor can serve before anything is written
        if request.webhook_url is not None:
            self.fetcher.check(request.webhook_url)  # https only when deployed: refused now, not lost later
        job_id = job_id or self.new_id()
        input_key, ingested = self._take_input(tenant_id, job_id, request.image)
        job = Job(id=job_id, tenant_id=tenant_id, request=request, input_key=input_key, vendor_requested=request.vendor)
        try:
            self.jobs.create(job)
        except Exception:
            if ingested and input_key:
                self.assets.delete(input_key)
            raise
        try:
            self.events.publish(JobEvent.CREATED, job)
            self.workflow.start(job)
        except Exception as error:
            self._abandon(job, error)
            raise ServiceUnavailable(
                "the job could not be started; it was marked failed, nothing was sent to a vendor"
            ) from error
        return job

    def _take_input(self, tenant_id: str, job_id: str, image: ProductImage | None) -> tuple[str | None, bool]:
        if image is None:
            return None, False
        if image.key is not None:
            if not image.key.startswith(tenant_prefix(tenant_id)) or ".." in image.key:
                raise InputRejected("image_not_found", f"no uploaded object at {image.key}")
            self.assets.describe(image.key)
            return image.key, False
        assert image.url is not None
        asset = self.assets.ingest(self.fetcher.open(image.url), f"{tenant_prefix(tenant_id)}jobs/{job_id}/input")
        return asset.key, True

    def _abandon(self, job: Job, cause: Exception) -> None:
        error = JobError(code="workflow_unavailable", message=f"could not start: {type(cause).__name__}")
        failed = self.jobs.transition(job, JobStatus.FAILED, error=error)
        try:
            self.events.publish(JobEvent.FAILED, failed)
        except Exception:  # the record is the truth; the event bus may be what just failed
            log.exception("could not announce the failure of job %s", job.id)
