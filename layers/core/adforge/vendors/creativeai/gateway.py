"""CreativeAI as a `VendorGateway`: transform + client, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager

from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
from adforge.ports import Download, Fetcher
from adforge.vendors.creativeai import NAME, transform
from adforge.vendors.creativeai.client import CreativeAIClient


class CreativeAIGateway:
    name = NAME

    def __init__(self, client: CreativeAIClient, fetcher: Fetcher) -> None:
        self._client = client
        self._fetcher = fetcher

    def submit(self, submission: VendorSubmission) -> str:
        payload = transform.submission_payload(submission)
        if submission.request.kind is JobKind.VIDEO:
            return transform.generation_id(self._client.generate_video(payload))
        return transform.generation_id(self._client.generate_image(payload))

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        if kind is JobKind.VIDEO:
            return transform.to_update(self._client.get_video(vendor_job_id))
        return transform.to_update(self._client.get_prediction(vendor_job_id))

    def open_output(self, ref: str) -> AbstractContextManager[Download]:
        """Outputs are public CDN URLs: fetched through the SSRF guard like any untrusted URL."""
        return self._fetcher.open(ref)


def build(base_url: str, secret: Mapping[str, str], fetcher: Fetcher, timeout: float) -> CreativeAIGateway:
    """The gateway from configuration: `secret` is this vendor's entry in the vendor secret."""
    return CreativeAIGateway(CreativeAIClient.create(base_url, secret["api_key"], timeout), fetcher)
