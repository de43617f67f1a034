"""What a tenant may do with its own jobs and uploads beyond creating them: list, cancel, upload."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from adforge.domain.capabilities import Capabilities
from adforge.domain.errors import JobNotFound, TransitionRejected
from adforge.domain.events import JobEvent
from adforge.domain.media import EXTENSIONS
from adforge.domain.models import Asset, Job, JobError
from adforge.domain.status import JobStatus
from adforge.ports.assets import AssetStore
from adforge.ports.jobs import EventPublisher, JobRepository, Workflow
from adforge.ports.vendors import VendorGateway
from adforge.services.completion import drop_assets
from adforge.services.discard import abandon
from adforge.services.intake import tenant_prefix
from adforge.services.outcomes import with_fresh_job

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_SECONDS = 900


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_type: Literal["image/png", "image/jpeg", "image/webp"]
    content_length: int = Field(gt=0, le=MAX_UPLOAD_BYTES)
    filename: str | None = Field(default=None, max_length=200)


class UploadTicket(BaseModel):
    key: str
    url: str
    method: Literal["PUT"] = "PUT"
    headers: dict[str, str]
    expires_in: int


@dataclass
class TenantJobs:
    jobs: JobRepository
    assets: AssetStore
    events: EventPublisher
    workflow: Workflow
    gateways: Mapping[str, VendorGateway] = field(default_factory=dict)
    vendors: Mapping[str, Capabilities] = field(kw_only=True)  # every vendor's capabilities, by name

    def own(self, tenant_id: str, job_id: str) -> Job:
        """The job if it is this tenant's; another tenant's job is indistinguishable from a missing one."""
        job = self.jobs.get(job_id)
        if job.tenant_id != tenant_id:
            raise JobNotFound(job_id)
        return job

    def page(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        return self.jobs.list_for_tenant(tenant_id, limit, cursor)

    def cancel(self, tenant_id: str, job_id: str) -> Job:
        """Stop a running job; a finished job is left exactly as it is (TransitionRejected -> 409)."""
        self.own(tenant_id, job_id)
        problem = JobError(code="cancelled", message="cancelled by the merchant")

        leftovers: list[Asset] = []

        def cancel(job: Job) -> Job:
            if job.is_finished:
                raise TransitionRejected(job.id, job.status, JobStatus.CANCELLED, "job already finished")
            leftovers[:] = job.assets  # outputs a failed Collect try stored for its retry
            return self.jobs.transition(job, JobStatus.CANCELLED, error=problem, assets=[])

        job = with_fresh_job(self.jobs, job_id, cancel)  # a webhook may move the job while we cancel it
        drop_assets(
            self.assets, job, leftovers, self.vendors
        )  # a cancelled job keeps no objects (a running Collect drops its own)
        self.workflow.stop(job, "cancelled by the merchant")
        job = self._stop_at_vendor(job)
        self.events.publish(JobEvent.CANCELLED, job)
        return job

    def _stop_at_vendor(self, job: Job) -> Job:
        """A generation still running at the vendor is cancelled there where the vendor documents a way, and is
        listed on the job as abandoned either way. (One accepted while we cancel is Submit's: see `_accepted`.)"""
        if job.vendor is None or job.vendor_job_id is None or (job.result is not None and job.result.state.is_final):
            return job
        attempt = abandon(self.gateways, job.vendor, job.vendor_job_id, "the job was cancelled while the vendor made it")
        return self.jobs.settle_attempt(job.id, attempt)

    def reserve_upload(self, tenant_id: str, request: UploadRequest) -> UploadTicket:
        """A presigned PUT under the tenant's own upload prefix, bound to the declared type and size."""
        key = f"{tenant_prefix(tenant_id)}uploads/{uuid.uuid4().hex}{EXTENSIONS[request.content_type]}"
        url = self.assets.upload_url(key, request.content_type, request.content_length, UPLOAD_SECONDS)
        headers = {"Content-Type": request.content_type, "Content-Length": str(request.content_length)}
        return UploadTicket(key=key, url=url, headers=headers, expires_in=UPLOAD_SECONDS)
