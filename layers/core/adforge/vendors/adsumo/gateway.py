"""Adsumo as a `VendorGateway`: transform + client, nothing else."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import AbstractContextManager

from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
from adforge.ports import Download, Fetcher
from adforge.vendors.adsumo import NAME, transform
from adforge.vendors.adsumo.client import AdsumoClient

log = logging.getLogger(__name__)


class AdsumoGateway:
    name = NAME

    def __init__(self, client: AdsumoClient, fetcher: Fetcher) -> None:
        self._client = client
        self._fetcher = fetcher

    def submit(self, submission: VendorSubmission) -> str:
        """A product photo goes to `/images/edit`, a text-only job to `/images/text-to-image`."""
        credits = transform.estimate_credits(transform.MODEL, transform.RESOLUTION, submission.request.count)
        log.info("adsumo generation estimated at %d credits", credits)
        if submission.product_image_url:
            body = self._client.edit(transform.edit_payload(submission, submission.product_image_url))
        else:
            body = self._client.text_to_image(transform.text_to_image_payload(submission))
        return transform.generation_id(body)

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        """One `GET /generations/{id}` (images only: `kind` needs no routing)."""
        return transform.to_update(self._client.generation(vendor_job_id))

    def open_output(self, ref: str) -> AbstractContextManager[Download]:
        """Outputs are public result URLs: fetched through the SSRF guard like any untrusted URL."""
        return self._fetcher.open(ref)


def build(base_url: str, secret: Mapping[str, str], fetcher: Fetcher, timeout: float) -> AdsumoGateway:
    """The gateway from configuration: `base_url` is the origin, `secret` holds `api_key`."""
    return AdsumoGateway(AdsumoClient.create(base_url, secret["api_key"], timeout), fetcher)
