"""CreativeAI as a `VendorGateway`: transform + client, nothing else. (Which endpoint serves which job: the
package notes.)"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager

from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
from adforge.ports import Download, Fetcher
from adforge.vendors.creativeai import NAME, transform
from adforge.vendors.creativeai.client import CreativeAIClient
from adforge.vendors.errors import VendorRejected

MAX_PHOTO_BYTES = 25_000_000  # more than any input AdForge keeps: a guard, not a vendor limit


class CreativeAIGateway:
    name = NAME

    def __init__(self, client: CreativeAIClient, fetcher: Fetcher) -> None:
        self._client = client
        self._fetcher = fetcher

    def submit(self, submission: VendorSubmission) -> str:
        request = submission.request
        if request.kind is JobKind.VIDEO:
            if submission.product_image_url:
                transform.check_video_image(self._photo(submission.product_image_url, head_only=True))
            if request.count > 1:
                return transform.batch_id(self._client.generate_video_batch(transform.batch_payload(submission)))
            return transform.generation_id(self._client.generate_video(transform.video_payload(submission)))
        if submission.product_image_url:
            return self._edit(submission, submission.product_image_url)
        payload = transform.image_payload(submission)
        ids = [transform.generation_id(self._client.generate_image(payload)) for _ in range(request.count)]
        return transform.job_id(ids)

    def _edit(self, submission: VendorSubmission, photo_url: str) -> str:
        """N edits of the photo; their answers carry the outputs (the job's id keeps them)."""
        fields = transform.edit_fields(submission.request)
        data = self._photo(photo_url)
        filename, content_type = transform.edit_file(data)
        urls: list[str] = []
        for _ in range(submission.request.count):
            urls += transform.edited_urls(self._client.edit_image((filename, data, content_type), fields))
        return transform.edited_job_id(urls)

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        if kind is JobKind.VIDEO:
            if vendor_job_id.startswith(transform.BATCH):
                return transform.batch_update(self._client.get_video_batch(vendor_job_id.removeprefix(transform.BATCH)))
            return transform.to_update(self._client.get_video(vendor_job_id))
        if vendor_job_id.startswith(transform.EDITED):
            return transform.edited_update(vendor_job_id)
        ids = transform.generation_ids(vendor_job_id)
        updates = [transform.to_update(self._client.get_prediction(generation)) for generation in ids]
        return transform.combined(vendor_job_id, updates)

    def open_output(self, ref: str) -> AbstractContextManager[Download]:
        """Outputs are public CDN URLs: fetched through the SSRF guard like any untrusted URL."""
        return self._fetcher.open(ref)

    def _photo(self, url: str, head_only: bool = False) -> bytes:
        """The product photo (or its first bytes, enough to tell its type), through the SSRF guard."""
        data = bytearray()
        with self._fetcher.open(url) as download:
            for chunk in download.chunks():
                data += chunk
                if head_only and len(data) >= 16:
                    break
                if len(data) > MAX_PHOTO_BYTES:
                    raise VendorRejected(NAME, f"the product image is larger than {MAX_PHOTO_BYTES} bytes")
        return bytes(data)


def build(base_url: str, secret: Mapping[str, str], fetcher: Fetcher, timeout: float) -> CreativeAIGateway:
    """The gateway from configuration: `secret` is this vendor's entry in the vendor secret."""
    return CreativeAIGateway(CreativeAIClient.create(base_url, secret["api_key"], timeout), fetcher)
