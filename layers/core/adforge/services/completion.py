"""Workflow steps that end a job: collect the creatives into S3, or record why it failed."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from adforge.domain.capabilities import Capabilities
from adforge.domain.errors import TransitionRejected
from adforge.domain.events import JobEvent
from adforge.domain.framing import conversion_target
from adforge.domain.media import EXTENSIONS
from adforge.domain.models import Asset, Job, JobError, JobKind
from adforge.domain.status import JobStatus
from adforge.ports.assets import AssetStore, ImageFramer
from adforge.ports.jobs import EventPublisher, JobRepository
from adforge.ports.vendors import VendorGateway
from adforge.services.intake import tenant_prefix
from adforge.services.outcomes import finished, with_fresh_job


def output_stem(job: Job, index: int) -> str:
    """The key (before its extension) of output `index`: the same on every try, so a retry finds what is stored."""
    return f"{tenant_prefix(job.tenant_id)}jobs/{job.id}/output-{index}"


def stem_of(key: str) -> str:
    return key.rpartition(".")[0] or key


def converted_photo_stem(job: Job, vendor: str) -> str:
    """Where the product photo converted for `vendor` (services/submission.py) is kept while the job runs."""
    return f"{tenant_prefix(job.tenant_id)}jobs/{job.id}/input-for-{vendor}"


def converted_photo_keys(job: Job, vendors: Mapping[str, Capabilities]) -> list[str]:
    """Every key a converted product photo of `job` can have: one per vendor that takes fewer photo formats."""
    keys = []
    for vendor in vendors.values():
        target = conversion_target(vendor.photo_types) if vendor.photo_types is not None else None
        if target is not None:
            keys.append(converted_photo_stem(job, vendor.name) + EXTENSIONS[target])
    return keys


def drop_assets(assets: AssetStore, job: Job, stored: list[Asset], vendors: Mapping[str, Capabilities]) -> None:
    """Delete the objects of a job that ended without them, and its converted photo (idempotent: a missing
    object is no error)."""
    for key in [*(asset.key for asset in stored), *converted_photo_keys(job, vendors)]:
        assets.delete(key)


@dataclass
class Completer:
    jobs: JobRepository
    assets: AssetStore
    events: EventPublisher
    gateways: Mapping[str, VendorGateway]
    framer: ImageFramer
    vendors: Mapping[str, Capabilities] = field(kw_only=True)  # every vendor's capabilities, by name

    def collect(self, job_id: str) -> dict[str, Any]:
        """Store every output asked for (an image cropped to exactly the job's ratio; the first `count` of a vendor
        that makes more), then mark the job completed.

        Resumable: each stored output is recorded on the job at once (`assets`, key `output_stem`), and a retried
        Collect skips every output the record already holds, so nothing stored is downloaded (or, where the
        download is what the vendor bills, paid) twice. What a Collect stored stays for its retry; only an ending
        deletes it: a failure (`fail`), a cancel (services/tenancy.py), or this step finding the job ended. The one
        window left: an output stored whose record write never happened (the step died between the two) is
        fetched again, into the same key.
        """
        job = self.jobs.get(job_id)
        if job.is_finished:
            return finished(job)
        assert job.result is not None and job.result.outputs and job.vendor, "only jobs with vendor outputs are collected"
        gateway = self.gateways[job.vendor]
        ratio = self._ratio(job)
        outputs = job.result.outputs[: job.request.count]  # a vendor that always makes more (Photoshoot's 6): not stored
        stored = list(job.assets)
        for index, ref in enumerate(outputs):
            stem = output_stem(job, index)
            if any(stem_of(asset.key) == stem for asset in stored):
                continue  # stored by an earlier try
            with gateway.open_output(ref) as download:
                framed, pixels = self.framer.frame(download, ratio)
                asset = self.assets.ingest(nullcontext(framed), stem)
            if pixels is not None:
                asset = asset.model_copy(update=pixels.model_dump())
            stored.append(asset)
            try:
                job = with_fresh_job(self.jobs, job_id, partial(self._record, asset=asset))
            except TransitionRejected:
                return self._ended(job_id, stored)
        order = {output_stem(job, index): index for index in range(len(outputs))}
        stored.sort(key=lambda asset: order.get(stem_of(asset.key), len(order)))
        attempts = [*job.attempts[:-1], job.attempts[-1].model_copy(update={"outcome": "completed"})] if job.attempts else []
        try:
            job = self.jobs.transition(job, JobStatus.COMPLETED, assets=stored, attempts=attempts)
        except TransitionRejected:
            current = self.jobs.get(job_id)
            if not current.is_finished:
                raise  # another writer, not an ending: the step's retry collects again (skipping what is stored)
            return self._ended(job_id, stored)
        drop_assets(self.assets, job, [], self.vendors)  # the vendor is done with the converted photo, if there was one
        self.events.publish(JobEvent.COMPLETED, job)
        return {**finished(job), "assets": len(stored)}

    def _record(self, job: Job, asset: Asset) -> Job:
        kept = [known for known in job.assets if known.key != asset.key]
        return self.jobs.amend(job, assets=[*kept, asset])

    def _ended(self, job_id: str, stored: list[Asset]) -> dict[str, Any]:
        """Cancelled (or ended) while we collected: keep nothing it did not get."""
        current = self.jobs.get(job_id)
        drop_assets(self.assets, current, stored, self.vendors)
        return finished(current)

    @staticmethod
    def _ratio(job: Job) -> str | None:
        """The ratio every image output is cropped to: the job's one ratio (a vendor serves one per job);
        videos are not cropped (no ffmpeg), nor a job of several ratios (no vendor serves one)."""
        if job.request.kind is JobKind.VIDEO or len(job.request.aspect_ratios) != 1:
            return None
        return job.request.aspect_ratios[0]

    def fail(self, job_id: str, code: str, message: str, timed_out: bool = False) -> dict[str, Any]:
        """Record the failure (idempotent: an already finished job is left as it is)."""
        job = self.jobs.get(job_id)
        if job.is_finished:
            return finished(job)
        problem = JobError(code=code, message=message)
        attempts = job.attempts
        if attempts and attempts[-1].outcome == "submitted":
            attempts = [*attempts[:-1], attempts[-1].model_copy(update={"outcome": "failed", "error": problem})]
        target = JobStatus.TIMED_OUT if timed_out else JobStatus.FAILED
        leftovers = job.assets  # what a Collect stored before it failed: deleted once the failure is recorded
        job = self.jobs.transition(job, target, error=problem, attempts=attempts, assets=[])
        drop_assets(self.assets, job, leftovers, self.vendors)
        self.events.publish(JobEvent.TIMED_OUT if timed_out else JobEvent.FAILED, job)
        return finished(job)

    def vendor_failed(self, job_id: str) -> dict[str, Any]:
        """Fail with the vendor's own reason, as recorded from its webhook or status answer."""
        job = self.jobs.get(job_id)
        problem = job.result.error if job.result and job.result.error else None
        if problem is None:
            return self.fail(job_id, "generation_failed", "the vendor reported a failure")
        return self.fail(job_id, problem.code, problem.message)
