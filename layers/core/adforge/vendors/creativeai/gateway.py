"""CreativeAI as a `VendorGateway`: transform + client, nothing else."""

from __future__ import annotations

from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
from adforge.vendors.creativeai import NAME, transform
from adforge.vendors.creativeai.client import CreativeAIClient


class CreativeAIGateway:
    name = NAME

    def __init__(self, client: CreativeAIClient) -> None:
        self._client = client

    def submit(self, submission: VendorSubmission) -> str:
        payload = transform.submission_payload(submission)
        if submission.request.kind is JobKind.VIDEO:
            return transform.generation_id(self._client.generate_video(payload))
        return transform.generation_id(self._client.generate_image(payload))

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        if kind is JobKind.VIDEO:
            return transform.to_update(self._client.get_video(vendor_job_id))
        return transform.to_update(self._client.get_prediction(vendor_job_id))
