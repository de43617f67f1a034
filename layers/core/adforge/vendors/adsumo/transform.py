"""Pure mapping between AdForge requests and Adsumo payloads, and the credit table. No I/O."""

from __future__ import annotations

from typing import Any

from adforge.domain.models import JobError, VendorState, VendorSubmission, VendorUpdate
from adforge.vendors.adsumo import NAME
from adforge.vendors.errors import VendorProtocolError

MODEL = "pro"
RESOLUTION = "2k"
MAX_QUANTITY = 8

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
    request = submission.request
    return f"{request.prompt} (style: {request.preset})" if request.preset else request.prompt


def text_to_image_payload(submission: VendorSubmission) -> dict[str, Any]:
    """Body for `POST /images/text-to-image`."""
    request = submission.request
    return {
        "prompt": prompt(submission),
        "model": MODEL,
        "aspect_ratio": request.aspect_ratios[0],
        "quantity": request.count,
        "resolution": RESOLUTION,
    }


def edit_payload(submission: VendorSubmission, image_url: str) -> dict[str, Any]:
    """Body for `POST /images/edit`: the product photo is the one reference image."""
    return {**text_to_image_payload(submission), "reference_image_urls": [image_url]}


def generation_id(body: Any) -> str:
    """The generation id from a 202 or poll answer."""
    if not isinstance(body, dict) or not isinstance(body.get("generation_id"), str) or not body["generation_id"]:
        raise VendorProtocolError(NAME, "answer has no generation_id")
    return str(body["generation_id"])


def _result_urls(body: dict[str, Any]) -> list[str]:
    many = body.get("result_urls")
    if isinstance(many, list) and many and all(isinstance(url, str) and url for url in many):
        return list(many)
    one = body.get("result_url")
    return [one] if isinstance(one, str) and one else []


def _failure(raw: Any) -> JobError:
    detail: dict[str, Any] = raw if isinstance(raw, dict) else {"message": raw}
    return JobError(
        code=str(detail.get("code") or "generation_failed"),
        message=str(detail.get("message") or "generation failed"),
    )


def to_update(body: Any) -> VendorUpdate:
    """A `GET /generations/{id}` answer as a `VendorUpdate`."""
    job_id = generation_id(body)
    state = _STATES.get(str(body.get("status")).lower())
    if state is None:
        raise VendorProtocolError(NAME, f"unknown status {body.get('status')!r}")
    outputs = _result_urls(body) if state is VendorState.COMPLETED else []
    if state is VendorState.COMPLETED and not outputs:
        raise VendorProtocolError(NAME, f"generation {job_id} completed without a result_url")
    error = _failure(body.get("error")) if state is VendorState.FAILED else None
    return VendorUpdate(vendor_job_id=job_id, state=state, outputs=outputs, error=error)


def read_error(body: Any) -> tuple[str | None, str | None, str | None]:
    """`{"error": "<message>"}` or `{"error": {"code", "message"}}` -> (code, message, trace id)."""
    raw = body.get("error") if isinstance(body, dict) else None
    if isinstance(raw, str):
        return None, raw or None, None
    if not isinstance(raw, dict):
        return None, None, None
    code, message = raw.get("code"), raw.get("message")
    return (str(code) if code else None), (str(message) if message else None), None
