"""CreativeAI as a `VendorGateway`: transform + client, nothing else. (Which endpoint serves which job: the
package notes.)"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
from adforge.ports.assets import Download, Fetcher
from adforge.ports.vendors import VendorError, VendorOutcomeUnknown, VendorRejected
from adforge.vendors.creativeai import NAME, transform
from adforge.vendors.creativeai.client import CreativeAIClient

MAX_PHOTO_BYTES = 25_000_000  # more than any input AdForge keeps: a guard, not a vendor limit
EDIT_SECONDS = 90.0  # the read timeout of a synchronous edit (see `build`)
logger = logging.getLogger(__name__)


def kept(answers: list[Any]) -> str:
    """The job of N edits from their answers (each a list of output URLs, or the error that one request met):
    - all answered: every output;
    - some unanswered (`VendorOutcomeUnknown`: maybe made and billed): the job cannot tell and ends so, with the
      answered ones kept on its attempt (`accepted`), never sent again;
    - some refused, the rest answered: the answered ones are the job (fewer outputs than asked, paid once; the
      refused ones cost nothing), logged;
    - all refused: the first refusal."""
    urls = [url for answer in answers if isinstance(answer, list) for url in answer]
    errors = [answer for answer in answers if isinstance(answer, VendorError)]
    unknown = next((error for error in errors if isinstance(error, VendorOutcomeUnknown)), None)
    if unknown is not None:
        accepted = transform.edited_job_id(urls) if urls else None
        raise VendorOutcomeUnknown(NAME, f"{len(errors)} of {len(answers)} edits unanswered: {unknown.message}", accepted)
    if errors and not urls:
        raise errors[0]
    if errors:
        logger.warning("%s: %d of %d edits refused (%s); the job keeps the %d made", NAME, len(errors), len(answers),
                       errors[0].message, len(answers) - len(errors))  # fmt: skip
    return transform.edited_job_id(urls)


class CreativeAIGateway:
    name = NAME

    def __init__(self, client: CreativeAIClient, fetcher: Fetcher, edit_seconds: float = EDIT_SECONDS) -> None:
        self._client = client
        self._fetcher = fetcher
        self._edit_seconds = edit_seconds

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
        """N edits of the photo, sent at once (each renders while its request waits: N in a row would take N
        renders of Submit's time); their answers carry the outputs (the job's id keeps them). See `kept`."""
        fields = transform.edit_fields(submission.request)
        data = self._photo(photo_url)
        image = transform.edit_file(data)
        count = submission.request.count
        with ThreadPoolExecutor(max_workers=count) as pool:
            futures = [
                pool.submit(self._client.edit_image, (image[0], data, image[1]), fields, self._edit_seconds) for _ in range(count)
            ]
            answers: list[Any | VendorError] = []
            for future in futures:
                try:
                    answers.append(transform.edited_urls(future.result()))
                except VendorError as error:
                    answers.append(error)
        return kept(answers)

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
    """The gateway from configuration: `secret` is this vendor's entry in the vendor secret. An edit is answered
    only once it is rendered (the doc gives no render time): its read timeout is `EDIT_SECONDS` when `timeout` is
    shorter, since an edit given up on was still made and billed (its outputs only in the answer we left). Submit's
    120 s covers it: a job's edits run at once."""
    client = CreativeAIClient.create(base_url, secret["api_key"], timeout)
    return CreativeAIGateway(client, fetcher, edit_seconds=max(timeout, EDIT_SECONDS))
