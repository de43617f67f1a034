"""Pure mapping between AdForge requests and Adsumo payloads, and the credit table. No I/O."""

from __future__ import annotations

from typing import Any, NamedTuple

from adforge.domain.models import JobError, VendorState, VendorSubmission, VendorUpdate
from adforge.ports.vendors import VendorProtocolError
from adforge.vendors import joined_ids
from adforge.vendors.adsumo import NAME

MODEL = "pro"
RESOLUTION = "2k"
MAX_QUANTITY = 8
QUANTITY = 1  # one image per generation: the documented completion carries one result_url (see the package notes)

CREDITS: dict[tuple[str, str], int] = {
    ("fast", "1k"): 1,
    ("fast", "2k"): 2,
    ("fast", "4k"): 2,
    ("pro", "1k"): 2,
    ("pro", "2k"): 2,
    ("pro", "4k"): 4,
}
"""Credits per image by (model, resolution), from the doc's table."""

_STATES = {
    "pending": VendorState.PENDING,
    "queued": VendorState.PENDING,
    "processing": VendorState.PROCESSING,
    "completed": VendorState.COMPLETED,
    "failed": VendorState.FAILED,
}


def estimate_credits(model: str, resolution: str, quantity: int) -> int:
    """Credits a generation costs: per image by model and resolution, times quantity (1-8)."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValueError(f"quantity must be 1-{MAX_QUANTITY}, not {quantity}")
    per_image = CREDITS.get((model, resolution))
    if per_image is None:
        raise ValueError(f"no credit price for model {model!r} at {resolution!r}")
    return per_image * quantity


def prompt(submission: VendorSubmission) -> str:
    """The merchant's prompt, verbatim (a preset is refused before this: see the package notes)."""
    return submission.request.prompt


def text_to_image_payload(submission: VendorSubmission) -> dict[str, Any]:
    """Body for `POST /images/text-to-image`: one image (a job of N outputs sends it N times)."""
    request = submission.request
    return {
        "prompt": prompt(submission),
        "model": MODEL,
        "aspect_ratio": request.aspect_ratios[0],
        "quantity": QUANTITY,
        "resolution": RESOLUTION,
    }


def edit_payload(submission: VendorSubmission, image_url: str) -> dict[str, Any]:
    """Body for `POST /images/edit`: the product photo is the one reference image."""
    return {**text_to_image_payload(submission), "reference_image_urls": [image_url]}


class Generation(NamedTuple):
    """One `GET /generations/{id}` answer, read from the documented fields only."""

    state: VendorState
    result_url: str | None
    error: JobError | None


def generation_id(body: Any) -> str:
    """The generation id from a 202 answer (one id of a job's joined vendor job id)."""
    return joined_ids.generation_id(NAME, body, "generation_id")


def job_id(generation_ids: list[str]) -> str:
    return joined_ids.job_id(generation_ids)


def generation_ids(vendor_job_id: str) -> list[str]:
    return joined_ids.generation_ids(NAME, vendor_job_id)


def _failure(raw: Any) -> JobError:
    detail: dict[str, Any] = raw if isinstance(raw, dict) else {"message": raw}
    return JobError(
        code=str(detail.get("code") or "generation_failed"),
        message=str(detail.get("message") or "generation failed"),
    )


def generation(body: Any) -> Generation:
    """One poll answer: `status`, then `result_url` when completed or `error` when failed."""
    if not isinstance(body, dict):
        raise VendorProtocolError(NAME, "generation answer is not an object")
    state = _STATES.get(str(body.get("status")).lower())
    if state is None:
        raise VendorProtocolError(NAME, f"unknown status {body.get('status')!r}")
    if state is VendorState.COMPLETED:
        url = body.get("result_url")
        if not isinstance(url, str) or not url:
            raise VendorProtocolError(NAME, f"generation {body.get('generation_id')} completed without a result_url")
        return Generation(state, url, None)
    if state is VendorState.FAILED:
        return Generation(state, None, _failure(body.get("error")))
    return Generation(state, None, None)


def to_update(vendor_job_id: str, bodies: list[Any]) -> VendorUpdate:
    """A job's generations as one update: failed as soon as any failed (with its `error`), completed when all
    completed (one output per generation, in order), else processing (pending while none has started)."""
    generations = [generation(body) for body in bodies]
    failed = next((g for g in generations if g.state is VendorState.FAILED), None)
    if failed is not None:
        return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.FAILED, error=failed.error)
    if all(g.state is VendorState.COMPLETED for g in generations):
        outputs = [g.result_url for g in generations if g.result_url]
        return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.COMPLETED, outputs=outputs)
    if all(g.state is VendorState.PENDING for g in generations):
        return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.PENDING)
    return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.PROCESSING)


def read_error(body: Any) -> tuple[str | None, str | None, str | None]:
    """`{"error": "<message>"}` or `{"error": {"code", "message"}}` -> (code, message, trace id)."""
    raw = body.get("error") if isinstance(body, dict) else None
    if isinstance(raw, str):
        return None, raw or None, None
    if not isinstance(raw, dict):
        return None, None, None
    code, message = raw.get("code"), raw.get("message")
    return (str(code) if code else None), (str(message) if message else None), None
