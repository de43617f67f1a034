"""Pure mapping between AdForge requests and CreativeAI payloads. No I/O. (Endpoints and guesses: the package notes.)"""

from __future__ import annotations

from typing import Any

from adforge.domain.framing import nearest_size
from adforge.domain.media import sniff
from adforge.domain.models import JobError, JobRequest, VendorState, VendorSubmission, VendorUpdate
from adforge.ports.vendors import VendorNotFound, VendorProtocolError, VendorRejected
from adforge.vendors.creativeai import NAME

IMAGE_MODEL = "seedream-3.0"  # the doc's native image example
EDIT_MODEL = "seedream-v4.5-edit"  # the doc's /v1/images/edits examples
VIDEO_MODEL = "auto"
VIDEO_SECONDS = 5  # without `video.duration_seconds`: every doc example's duration
SEPARATOR = ","  # between the generation ids of a job of N native images
EDITED = "edited:"  # a job of edits: its output URLs follow, space-separated
BATCH = "batch:"  # a job of N videos: its batch id follows

SIZES = ((1024, 1024), (1536, 1024), (1024, 1536))  # the only documented image sizes; Collect crops to the ratio
VIDEO_IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})  # image_url: "a JPEG or PNG image"
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}

_STATES = {
    "pending": VendorState.PENDING,
    "processing": VendorState.PROCESSING,
    "completed": VendorState.COMPLETED,
    "failed": VendorState.FAILED,
}


def size(request: JobRequest) -> str:
    """The documented size nearest the job's ratio (Collect crops the image to exactly that ratio)."""
    width, height = nearest_size(request.aspect_ratios[0], SIZES)
    return f"{width}x{height}"


# images -------------------------------------------------------------------------------------------
def image_payload(submission: VendorSubmission) -> dict[str, Any]:
    """Body for one `POST /api/v1/model/generateImage` (one image; a job of N sends it N times, without a
    webhook: see the package notes)."""
    request = submission.request
    payload: dict[str, Any] = {"model": IMAGE_MODEL, "prompt": request.prompt, "size": size(request)}
    if request.background == "transparent":
        payload["background"] = "transparent"  # a documented Image Generation Parameter; "auto" is the default
    if submission.callback_url and request.count == 1:
        payload["webhook_url"] = submission.callback_url
    return payload


def edit_fields(request: JobRequest) -> dict[str, str]:
    """Form fields of one multipart `POST /v1/images/edits` (the photo goes as `image`); it documents no
    `background`, so a transparent request never gets here (`why_not`) and is refused if it does."""
    if request.background == "transparent":
        raise VendorRejected(NAME, "/v1/images/edits documents no transparent background")
    return {"model": EDIT_MODEL, "prompt": request.prompt, "size": size(request)}


def edit_file(data: bytes) -> tuple[str, str]:
    """(filename, content type) of the product photo for `/v1/images/edits`, which names no formats."""
    kind = sniff(data)
    if kind not in _EXTENSIONS:
        raise VendorRejected(NAME, "the product image is not a PNG, JPEG or WebP image")
    return f"product.{_EXTENSIONS[kind]}", kind


def edited_urls(body: Any) -> list[str]:
    """The output URLs of an edit answer `{created, data: [{url, revised_prompt}]}`."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or not data:
        raise VendorProtocolError(NAME, "edit answer has no data")
    urls = [item.get("url") if isinstance(item, dict) else None for item in data]
    if not all(isinstance(url, str) and url and not any(c.isspace() for c in url) for url in urls):
        raise VendorProtocolError(NAME, "edit answer has an item without a usable url")
    return [str(url) for url in urls]


def edited_job_id(urls: list[str]) -> str:
    return EDITED + " ".join(urls)


def edited_update(vendor_job_id: str) -> VendorUpdate:
    """An edit job is complete from its answer: its outputs are in its id."""
    urls = vendor_job_id.removeprefix(EDITED).split(" ")
    if not all(urls):
        raise VendorNotFound(NAME, f"not a {NAME} edit job id: {vendor_job_id!r}")
    return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.COMPLETED, outputs=urls)


# videos -------------------------------------------------------------------------------------------
def check_video_image(head: bytes) -> None:
    """Image-to-video takes "a JPEG or PNG image": anything else is refused before the request (package notes)."""
    kind = sniff(head)
    if kind not in VIDEO_IMAGE_TYPES:
        found = kind or "an unknown type"
        raise VendorRejected(NAME, f"image-to-video takes a JPEG or PNG product image, not {found}")


def duration(request: JobRequest) -> int:
    """`duration` in seconds: the one asked for, else the doc examples' 5."""
    asked = request.video.duration_seconds if request.video else None
    return VIDEO_SECONDS if asked is None else asked


def video_payload(submission: VendorSubmission) -> dict[str, Any]:
    """Body for `POST /v1/video/generations` (image-to-video when a product image is given)."""
    request = submission.request
    payload: dict[str, Any] = {
        "model": VIDEO_MODEL,
        "prompt": request.prompt,
        "duration": duration(request),
        "aspect_ratio": request.aspect_ratios[0],
    }
    if request.video is not None and request.video.resolution is not None:
        payload["resolution"] = request.video.resolution
    if submission.product_image_url:
        payload["image_url"] = submission.product_image_url
    if submission.callback_url:
        payload["webhook_url"] = submission.callback_url
    return payload


def batch_payload(submission: VendorSubmission) -> dict[str, Any]:
    """Body for `POST /v1/video/generations/batch`: one prompt config per video of the job. The batch documents
    no `resolution`: a job asking for one never gets here (`video_resolution_max_count`) and is refused if it does."""
    request = submission.request
    if request.video is not None and request.video.resolution is not None:
        raise VendorRejected(NAME, "the batch video endpoint documents no resolution")
    config: dict[str, Any] = {"prompt": request.prompt}
    if submission.product_image_url:
        config["image_url"] = submission.product_image_url
    payload: dict[str, Any] = {
        "prompts": [dict(config) for _ in range(request.count)],
        "model": VIDEO_MODEL,
        "aspect_ratio": request.aspect_ratios[0],
        "duration": duration(request),
    }
    if submission.callback_url:
        payload["webhook_url"] = submission.callback_url
    return payload


def batch_id(body: Any) -> str:
    """The batch id from a batch's 202 answer, as our vendor job id."""
    found = body.get("batch_id") if isinstance(body, dict) else None
    if not isinstance(found, str) or not found:
        raise VendorProtocolError(NAME, "batch answer has no batch_id")
    return BATCH + found


def batch_update(body: Any) -> VendorUpdate:
    """A batch status answer or `video.batch` webhook: failed if any video failed, completed when all did."""
    if not isinstance(body, dict) or not isinstance(body.get("batch_id"), str) or not isinstance(body.get("jobs"), list):
        raise VendorProtocolError(NAME, "batch body lacks batch_id or jobs")
    vendor_job_id = BATCH + body["batch_id"]
    jobs = [to_update(job) for job in body["jobs"]]
    if not jobs:
        raise VendorProtocolError(NAME, f"batch {body['batch_id']} has no jobs")
    failed = next((job for job in jobs if job.state is VendorState.FAILED), None)
    if failed is not None:
        return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.FAILED, error=failed.error)
    if all(job.state is VendorState.COMPLETED for job in jobs):
        outputs = [url for job in jobs for url in job.outputs]
        return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.COMPLETED, outputs=outputs)
    done = sum(job.state is VendorState.COMPLETED for job in jobs)
    started = any(job.state is not VendorState.PENDING for job in jobs)
    state = VendorState.PROCESSING if started else VendorState.PENDING
    return VendorUpdate(vendor_job_id=vendor_job_id, state=state, progress=100 * done // len(jobs))


# ids and status -----------------------------------------------------------------------------------
def generation_id(body: Any) -> str:
    """The generation id from a 202 answer."""
    found = body.get("id") if isinstance(body, dict) else None
    if not isinstance(found, str) or not found or SEPARATOR in found or found.startswith((EDITED, BATCH)):
        raise VendorProtocolError(NAME, "submission answer has no usable generation id")
    return found


def job_id(generation_ids: list[str]) -> str:
    return SEPARATOR.join(generation_ids)


def generation_ids(vendor_job_id: str) -> list[str]:
    ids = vendor_job_id.split(SEPARATOR)
    if not all(ids):
        raise VendorNotFound(NAME, f"not a {NAME} job id: {vendor_job_id!r}")
    return ids


def combined(vendor_job_id: str, updates: list[VendorUpdate]) -> VendorUpdate:
    """The generations of one job as one update: failed if any failed, completed when all completed."""
    if len(updates) == 1:
        return updates[0]
    failed = next((u for u in updates if u.state is VendorState.FAILED), None)
    if failed is not None:
        return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.FAILED, error=failed.error)
    if all(u.state is VendorState.COMPLETED for u in updates):
        outputs = [url for u in updates for url in u.outputs]
        return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.COMPLETED, outputs=outputs)
    started = any(u.state is not VendorState.PENDING for u in updates)
    return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.PROCESSING if started else VendorState.PENDING)


def to_update(body: Any) -> VendorUpdate:
    """One generation's status answer or webhook payload (or one job of a batch) as a `VendorUpdate`."""
    if not isinstance(body, dict) or "id" not in body or "status" not in body:
        raise VendorProtocolError(NAME, "status body lacks id or status")
    state = _STATES.get(str(body["status"]).lower())
    if state is None:
        raise VendorProtocolError(NAME, f"unknown status {body['status']!r}")
    url = body.get("output_url")
    if url is not None and not isinstance(url, str):
        raise VendorProtocolError(NAME, "output_url is not a URL")
    error = None
    if state is VendorState.FAILED:
        raw_error = body.get("error")
        detail: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
        error = JobError(
            code=str(detail.get("code") or "generation_failed"),
            message=str(detail.get("message") or body.get("error_message") or "generation failed"),
        )
    if state is VendorState.COMPLETED and not url:
        raise VendorProtocolError(NAME, f"generation {body['id']} completed without an output URL")
    progress = body.get("progress")
    return VendorUpdate(
        vendor_job_id=str(body["id"]),
        state=state,
        outputs=[url] if url and state is VendorState.COMPLETED else [],
        progress=int(progress) if isinstance(progress, int | float) else None,
        error=error,
    )


def delivery_update(body: Any) -> VendorUpdate:
    """A webhook payload: a batch (`object: video.batch`, `batch_id`) or one generation."""
    if isinstance(body, dict) and "batch_id" in body:
        return batch_update(body)
    return to_update(body)


def read_error(body: Any) -> tuple[str | None, str | None, str | None]:
    """`{"error": {"code", "message", "type", "param"}}` -> (code, message, trace id)."""
    detail = body.get("error") if isinstance(body, dict) else None
    if not isinstance(detail, dict):
        return None, None, None
    code = detail.get("code") or detail.get("type")
    return (str(code) if code else None), (str(detail["message"]) if detail.get("message") else None), None
