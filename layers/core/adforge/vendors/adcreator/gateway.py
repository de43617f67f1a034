"""adcreator.ai as a `VendorGateway`: transform + client, nothing else.

Reconciliation (a creation whose answer never came back): the API takes no client reference (no metadata, no
name, no callback), so a generation is recognised in `GET /generations` by what we sent: the same prompt and
model, created at or after our intent (less `CLOCK_SKEW`), and not already another job's. The doc does not say
the list's order; it is read page by page, and stopped early (before its end) only while every item read so
far came newest first and a whole page is older than the intent. Any other order, or more than `MAX_LIST_PAGES`
pages, and we cannot tell: `VendorOutcomeUnknown`, never a second payment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, suppress
from datetime import datetime, timedelta

from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
from adforge.ports.assets import Download, Fetcher
from adforge.ports.vendors import VendorError, VendorOutcomeUnknown
from adforge.vendors.adcreator import NAME, transform
from adforge.vendors.adcreator.client import AdCreatorClient

LIST_PAGE = 50
MAX_LIST_PAGES = 6
CLOCK_SKEW = timedelta(seconds=30)


class AdCreatorGateway:
    name = NAME

    def __init__(self, client: AdCreatorClient, fetcher: Fetcher) -> None:
        self._client = client
        self._fetcher = fetcher

    def submit(self, submission: VendorSubmission) -> str:
        """Check (the style preset against `/styles`), pick a model, check credits, upload the photo, then start one
        generation per output."""
        request = submission.request
        transform.check(request)
        if request.preset is not None:
            transform.check_style(request.preset, self._client.styles())
        model = self._model(submission)
        return transform.job_id(self._start(submission, model, request.count))

    def reconcile(self, submission: VendorSubmission, since: datetime, claimed: Callable[[str], bool]) -> str | None:
        """Our generations in the vendor's list (see the module notes); the ones still missing of a partly
        started job are started now, since the vendor provably has none of them."""
        request = submission.request
        model = self._model(submission)
        prompt = transform.generate_payload(request, model.id, None)["prompt"]
        found = [
            str(item["id"])
            for item in self._recent(since - CLOCK_SKEW)
            if item.get("prompt") == prompt and item.get("model_id") == model.id and not claimed(str(item["id"]))
        ]
        if len(found) > request.count:
            raise VendorOutcomeUnknown(NAME, f"{len(found)} generations match a job of {request.count}: cannot tell ours")
        if not found:
            return None
        return transform.job_id([*reversed(found), *self._start(submission, model, request.count - len(found))])

    def _recent(self, since: datetime) -> list[dict[str, object]]:
        """Listed generations created at or after `since`."""
        recent: list[dict[str, object]] = []
        newest_first, previous = True, None
        for page in range(MAX_LIST_PAGES):
            items = transform.listed(self._client.list_generations(LIST_PAGE, page * LIST_PAGE))
            moments = [transform.created_at(item) for item in items]
            for item, moment in zip(items, moments, strict=True):
                if moment is None:
                    raise VendorOutcomeUnknown(NAME, f"listed generation {item.get('id')} has no readable created_at")
                newest_first = newest_first and (previous is None or moment <= previous)
                previous = moment
                if moment >= since and isinstance(item.get("id"), str):
                    recent.append(item)
            if len(items) < LIST_PAGE or (newest_first and all(m is not None and m < since for m in moments)):
                return recent
        raise VendorOutcomeUnknown(NAME, f"the generation list is longer than {MAX_LIST_PAGES} pages: cannot tell")

    def _model(self, submission: VendorSubmission) -> transform.Model:
        return transform.pick_model(self._client.models(), with_image=submission.product_image_url is not None)

    def _start(self, submission: VendorSubmission, model: transform.Model, count: int) -> list[str]:
        """Check credits, upload the photo, start `count` generations (those started are deleted if one fails)."""
        if count <= 0:
            return []
        request, image_url = submission.request, submission.product_image_url
        transform.check_credits(self._client.credits(), model.credits_cost * count)
        payload = transform.generate_payload(request, model.id, self._upload(image_url) if image_url else None)
        started: list[str] = []
        try:
            for _ in range(count):
                started.append(transform.generation_id(self._client.generate(payload)))
        except Exception:
            self._discard(started)
            raise
        return started

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
