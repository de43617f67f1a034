"""adcreator.ai as a `VendorGateway`: transform + client, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, suppress

from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
from adforge.ports import Download, Fetcher
from adforge.vendors.adcreator import NAME, transform
from adforge.vendors.adcreator.client import AdCreatorClient
from adforge.vendors.errors import VendorError


class AdCreatorGateway:
    name = NAME

    def __init__(self, client: AdCreatorClient, fetcher: Fetcher) -> None:
        self._client = client
        self._fetcher = fetcher

    def submit(self, submission: VendorSubmission) -> str:
        """Check, pick a model, check credits, upload the photo, then start one generation per output."""
        request = submission.request
        transform.check(request)
        image_url = submission.product_image_url
        model = transform.pick_model(self._client.models(), with_image=image_url is not None)
        transform.check_credits(self._client.credits(), model.credits_cost * request.count)
        payload = transform.generate_payload(request, model.id, self._upload(image_url) if image_url else None)
        started: list[str] = []
        try:
            for _ in range(request.count):
                started.append(transform.generation_id(self._client.generate(payload)))
        except Exception:
            self._discard(started)
            raise
        return transform.job_id(started)

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        """One GET per generation of the job (`kind` is always image: see CAPABILITIES)."""
        bodies = [self._client.get_generation(generation) for generation in transform.generation_ids(vendor_job_id)]
        return transform.to_update(vendor_job_id, bodies)

    def open_output(self, ref: str) -> AbstractContextManager[Download]:
        """Outputs are public image URLs: fetched through the SSRF guard like any untrusted URL."""
        return self._fetcher.open(ref)

    def _upload(self, url: str) -> str:
        """Stream the product photo (stopping past the upload limit) and upload it."""
        data = bytearray()
        with self._fetcher.open(url) as download:
            for chunk in download.chunks():
                data += chunk
                if len(data) > transform.MAX_UPLOAD_BYTES:
                    break
        content = bytes(data)
        filename, content_type = transform.upload_file(content)
        return transform.uploaded_path(self._client.upload(content, filename, content_type))

    def discard(self, vendor_job_id: str) -> None:
        """DELETE /generations/{id} for each generation of the job (the doc's one way to drop one)."""
        self._discard(transform.generation_ids(vendor_job_id))

    def _discard(self, generation_ids: list[str]) -> None:
        """Best-effort delete of generations a failed submission had already started."""
        for generation_id in generation_ids:
            with suppress(VendorError):
                self._client.delete_generation(generation_id)


def build(base_url: str, secret: Mapping[str, str], fetcher: Fetcher, timeout: float) -> AdCreatorGateway:
    """The gateway from configuration: `base_url` is the origin, `secret` this vendor's entry."""
    return AdCreatorGateway(AdCreatorClient.create(base_url, secret["api_key"], timeout), fetcher)
