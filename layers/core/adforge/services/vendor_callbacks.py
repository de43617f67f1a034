"""A vendor's webhook delivery: verified, tied to its job, confirmed when unsigned, then recorded.

An unsigned delivery (`signed_webhooks=False`) proves nothing about its content, so only the vendor's own status
answer is recorded, and that answer costs a vendor call. It is asked for once per job, when it can matter: on a
delivery that claims a final state. A delivery claiming progress is acknowledged and not recorded (the job's final
state is what the workflow waits for; polling covers a final delivery that never comes), and one arriving once the
job already has a final result, or has ended, needs no confirmation. A final claim the status answer contradicts
(still running) is recorded as that answer, so a later final delivery is confirmed again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from adforge.domain.capabilities import Capabilities
from adforge.ports.jobs import JobRepository
from adforge.ports.vendors import VendorGateway, VendorProtocolError, WebhookReader
from adforge.services.updates import Recorded, UnknownGeneration, UpdateRecorder, check_generation


class UnknownVendor(LookupError):
    code = "unknown_vendor"


class CallbackUnreadable(ValueError):
    """A verified delivery (or the status answer confirming it) that is no readable update."""

    code = "malformed_payload"


@dataclass
class VendorCallbacks:
    jobs: JobRepository
    recorder: UpdateRecorder
    readers: Mapping[str, WebhookReader]
    gateways: Mapping[str, VendorGateway]
    vendors: Mapping[str, Capabilities] = field(kw_only=True)  # every vendor's capabilities, by name

    def receive(self, vendor: str, raw_body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> tuple[str, Recorded]:
        """Returns (delivery id, what was recorded). Raises `SignatureInvalid` before anything is parsed, and
        `CallbackUnreadable` for a body (or confirming status answer) that is no readable update."""
        try:
            return self._receive(vendor, raw_body, headers, query)
        except (ValueError, VendorProtocolError) as error:
            raise CallbackUnreadable("the payload is not a readable update") from error

    def _receive(
        self, vendor: str, raw_body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> tuple[str, Recorded]:
        reader = self.readers.get(vendor)
        if reader is None:
            raise UnknownVendor(f"no webhooks are taken for {vendor!r}")
        delivery_id, update = reader.read(raw_body, headers, query)
        job_id = query.get("job") or self.jobs.job_for_vendor_job(vendor, update.vendor_job_id)
        if job_id is None:
            raise UnknownGeneration(f"no job has {vendor} generation {update.vendor_job_id}")
        if not self.vendors[vendor].signed_webhooks:
            job = self.jobs.get(job_id)
            check_generation(job, vendor, update.vendor_job_id)  # before any vendor call: 404, no status call
            if job.is_finished:
                return delivery_id, Recorded.JOB_FINISHED
            if job.result is not None and job.result.state.is_final:
                return delivery_id, Recorded.DUPLICATE  # already confirmed final
            if not update.state.is_final:
                return delivery_id, Recorded.UNCONFIRMED  # a progress hint: not worth a status call
            # nothing proves an unsigned delivery's content: believe only the vendor's own status answer
            update = self.gateways[vendor].status(update.vendor_job_id, job.request.kind)
        return delivery_id, self.recorder.record(job_id, vendor, update)
