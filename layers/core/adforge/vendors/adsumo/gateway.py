"""Adsumo as a `VendorGateway`: transform + client, nothing else."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import AbstractContextManager

from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
from adforge.ports.assets import Download, Fetcher
from adforge.vendors.adsumo import NAME, transform
from adforge.vendors.adsumo.client import AdsumoClient

log = logging.getLogger(__name__)


class AdsumoGateway:
    name = NAME

    def __init__(self, client: AdsumoClient, fetcher: Fetcher) -> None:
        self._client = client
        self._fetcher = fetcher

    def submit(self, submission: VendorSubmission) -> str:
        """One generation of quantity 1 per output (a product photo goes to `/images/edit`, a text-only job to
        `/images/text-to-image`); the vendor job id is their ids joined by ",".

        The doc documents no way to delete or cancel a generation: when one after the first cannot be started,
        those already started are paid and left to run unused. They are logged, and the error is raised as is
        (so a credits error still fails over under `auto`).
        """
        count = submission.request.count
        credits = transform.estimate_credits(transform.MODEL, transform.RESOLUTION, count)
        log.info("adsumo job of %d generation(s) estimated at %d credits", count, credits)
        image_url = submission.product_image_url
        if image_url:
            payload = transform.edit_payload(submission, image_url)
            start = self._client.edit
        else:
            payload = transform.text_to_image_payload(submission)
            start = self._client.text_to_image
        started: list[str] = []
        try:
            for _ in range(count):
                started.append(transform.generation_id(start(payload)))
        except Exception:
            if started:
                log.warning(
                    "adsumo: generation %d of %d could not be started; %s already started, paid and unused "
                    "(the doc documents no delete)",
                    len(started) + 1,
                    count,
                    transform.job_id(started),
                )
            raise
        return transform.job_id(started)

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        """One `GET /generations/{id}` per generation of the job, combined (images only: `kind` needs no routing)."""
        bodies = [self._client.generation(generation) for generation in transform.generation_ids(vendor_job_id)]
        return transform.to_update(vendor_job_id, bodies)

    def open_output(self, ref: str) -> AbstractContextManager[Download]:
        """Outputs are public result URLs: fetched through the SSRF guard like any untrusted URL."""
        return self._fetcher.open(ref)


def build(base_url: str, secret: Mapping[str, str], fetcher: Fetcher, timeout: float) -> AdsumoGateway:
    """The gateway from configuration: `base_url` is the origin, `secret` holds `api_key`."""
    return AdsumoGateway(AdsumoClient.create(base_url, secret["api_key"], timeout), fetcher)
