"""Pure mapping between AdForge requests and CreativeAI payloads. No I/O."""

from __future__ import annotations

from typing import Any

from adforge.domain.models import JobError, JobKind, VendorState, VendorSubmission, VendorUpdate
from adforge.vendors.creativeai import NAME
from adforge.vendors.errors import VendorProtocolError

IMAGE_MODEL = "dall-e-3"
VIDEO_MODEL = "auto"
VIDEO_SECONDS = 5

_SIZES = {"1:1": "1024x1024", "16:9": "1536x1024", "4:3": "1536x1024", "21:9": "1536x1024",
          "9:16": "1024x1536", "3:4": "1024x1536", "4:5": "1024x1536"}  # fmt: skip

_STATES = {
    "pending": VendorState.PENDING,
    "queued": VendorState.PENDING,
    "processing": VendorState.PROCESSING,
    "in_progress": VendorState.PROCESSING,
    "completed": VendorState.COMPLETED,
    "succeeded": VendorState.COMPLETED,
    "failed": VendorState.FAILED,
}


def full_prompt(submission: VendorSubmission) -> str:
    request = submission.request
    return f"{request.prompt} (style: {request.preset})" if request.preset else request.prompt


def image_payload(submission: VendorSubmission) -> dict[str, Any]:
    """Body for `POST /api/v1/model/generateImage`."""
    request = submission.request
    payload: dict[str, Any] = {
        "model": IMAGE_MODEL,
        "prompt": full_prompt(submission),
        "size": _SIZES[request.aspect_ratios[0]],
        "n": request.count,
    }
    if submission.product_image_url:
        payload["image_url"] = submission.product_image_url
    if submission.callback_url:
        payload["webhook_url"] = submission.callback_url
    return payload


def video_payload(submission: VendorSubmission) -> dict[str, Any]:
    """Body for `POST /v1/video/generations` (image-to-video when a product image is given)."""
    payload: dict[str, Any] = {
        "model": VIDEO_MODEL,
        "prompt": full_prompt(submission),
        "duration": VIDEO_SECONDS,
        "aspect_ratio": submission.request.aspect_ratios[0],
    }
    if submission.product_image_url:
        payload["image_url"] = submission.product_image_url
    if submission.callback_url:
        payload["webhook_url"] = submission.callback_url
    return payload


def submission_payload(submission: VendorSubmission) -> dict[str, Any]:
    return video_payload(submission) if submission.request.kind is JobKind.VIDEO else image_payload(submission)


def generation_id(body: Any) -> str:
    """The job id from a 202 answer."""
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"]:
        raise VendorProtocolError(NAME, "submission answer has no generation id")
    return str(body["id"])


def to_update(body: Any) -> VendorUpdate:
    """A status answer or webhook payload as a `VendorUpdate`."""
    if not isinstance(body, dict) or "id" not in body or "status" not in body:
        raise VendorProtocolError(NAME, "status body lacks id or status")
    state = _STATES.get(str(body["status"]).lower())
    if state is None:
        raise VendorProtocolError(NAME, f"unknown status {body['status']!r}")
    outputs = _outputs(body)
    error = None
    if state is VendorState.FAILED:
        raw_error = body.get("error")
        detail: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
        error = JobError(
            code=str(detail.get("code") or "generation_failed"),
            message=str(detail.get("message") or body.get("error_message") or "generation failed"),
        )
    if state is VendorState.COMPLETED and not outputs:
        raise VendorProtocolError(NAME, f"generation {body['id']} completed without an output URL")
    progress = body.get("progress")
    return VendorUpdate(
        vendor_job_id=str(body["id"]),
        state=state,
        outputs=outputs,
        progress=int(progress) if isinstance(progress, int | float) else None,
        error=error,
    )


def _outputs(body: dict[str, Any]) -> list[str]:
    """`output_urls` (a list of strings) or `output_url` (a string); any other shape is unreadable, never coerced."""
    many, one = body.get("output_urls"), body.get("output_url")
    if many is not None and not (isinstance(many, list) and all(isinstance(url, str) and url for url in many)):
        raise VendorProtocolError(NAME, "output_urls is not a list of URLs")
    if one is not None and not isinstance(one, str):
        raise VendorProtocolError(NAME, "output_url is not a URL")
    return list(many) if many else ([one] if one else [])


def read_error(body: Any) -> tuple[str | None, str | None, str | None]:
    """`{"error": {"code", "message", "type", "param"}}` -> (code, message, trace id)."""
    detail = body.get("error") if isinstance(body, dict) else None
    if not isinstance(detail, dict):
        return None, None, None
    code = detail.get("code") or detail.get("type")
    return (str(code) if code else None), (str(detail["message"]) if detail.get("message") else None), None
