"""Pure mapping between AdForge requests and adcreator.ai payloads. No I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from adforge.domain.media import sniff
from adforge.domain.models import JobError, JobRequest, VendorState, VendorUpdate
from adforge.ports.vendors import (
    VendorError,
    VendorInputUnsupported,
    VendorInsufficientCredits,
    VendorProtocolError,
    VendorRejected,
)
from adforge.vendors import joined_ids
from adforge.vendors.adcreator import CAPABILITIES, NAME

PREFERRED_MODEL = "nano-banana-2"
PROMPT_MIN, PROMPT_MAX = 3, 1000
NEGATIVE_PROMPT_MAX = 500  # /generate's negativePrompt
MAX_UPLOAD_BYTES = 10_000_000

_UPLOAD_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
_STATES = {"processing": VendorState.PROCESSING, "completed": VendorState.COMPLETED, "failed": VendorState.FAILED}


class Model(NamedTuple):
    id: str
    credits_cost: float


class Generation(NamedTuple):
    state: VendorState
    image_url: str | None
    reason: str


def _utf16_length(prompt: str) -> int:
    """Length in UTF-16 code units, as a JavaScript server counts characters."""
    return len(prompt.encode("utf-16-le")) // 2


def check(request: JobRequest) -> None:
    """Refuse what this vendor cannot take, before any call is made."""
    reason = CAPABILITIES.why_not(request)
    if reason:
        raise VendorRejected(NAME, reason)
    if not PROMPT_MIN <= _utf16_length(request.prompt.strip()) <= PROMPT_MAX:
        raise VendorRejected(NAME, f"prompt must be {PROMPT_MIN}-{PROMPT_MAX} characters once trimmed")
    if request.negative_prompt is not None and _utf16_length(request.negative_prompt) > NEGATIVE_PROMPT_MAX:
        raise VendorRejected(NAME, f"negative prompt must be at most {NEGATIVE_PROMPT_MAX} characters")


def check_style(preset: str, body: Any) -> str:
    """`preset` when `GET /styles` lists it as a style id; else refused, naming the ids listed."""
    styles = body.get("styles") if isinstance(body, dict) else None
    if not isinstance(styles, list):
        raise VendorProtocolError(NAME, "styles answer has no styles list")
    ids = sorted({str(style["id"]) for style in styles if isinstance(style, dict) and isinstance(style.get("id"), str)})
    if preset not in ids:
        known = ", ".join(ids[:20]) or "none"
        raise VendorRejected(NAME, f"unknown style preset {preset!r} (GET /styles lists: {known})", vendor_code="unknown_preset")
    return preset


def pick_model(body: Any, with_image: bool) -> Model:
    """The model from a `/models` answer: the preferred one if it fits, else the first that fits."""
    models = body.get("models") if isinstance(body, dict) else None
    if not isinstance(models, list):
        raise VendorProtocolError(NAME, "models answer has no models list")
    fitting = [
        m
        for m in models
        if isinstance(m, dict) and isinstance(m.get("id"), str) and (m.get("supportsImageInput") or not with_image)
    ]
    if not fitting:
        raise VendorError(NAME, "no model accepts a reference image" if with_image else "no model listed")
    chosen = next((m for m in fitting if m["id"] == PREFERRED_MODEL), fitting[0])
    cost = chosen.get("creditsCost")
    if not isinstance(cost, int | float):
        raise VendorProtocolError(NAME, f"model {chosen['id']} has no creditsCost")
    return Model(chosen["id"], float(cost))


def check_credits(body: Any, needed: float) -> None:
    """Refuse a job the `/credits` balance cannot pay for."""
    balance = body.get("balance") if isinstance(body, dict) else None
    if not isinstance(balance, int | float):
        raise VendorProtocolError(NAME, "credits answer has no balance")
    if body.get("unlimited") is not True and balance < needed:
        raise VendorInsufficientCredits(NAME, f"{needed:g} credits needed, {balance:g} available")


def upload_file(data: bytes) -> tuple[str, str]:
    """(filename, content type) for the product photo; refuses what `/upload` does not take."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise VendorInputUnsupported(NAME, f"product image is larger than the {MAX_UPLOAD_BYTES} bytes /upload takes")
    kind = sniff(data)
    if kind is None or kind not in _UPLOAD_TYPES:
        raise VendorInputUnsupported(NAME, "product image must be PNG, JPEG or WebP")
    return f"product.{_UPLOAD_TYPES[kind]}", kind


def uploaded_path(body: Any) -> str:
    """`inputImagePath` from a 201 upload answer."""
    path = body.get("path") if isinstance(body, dict) else None
    if not isinstance(path, str) or not path:
        raise VendorProtocolError(NAME, "upload answer has no path")
    return path


def generate_payload(request: JobRequest, model_id: str, image_path: str | None) -> dict[str, Any]:
    """Body for `POST /generate`: one image per generation (see the package notes)."""
    payload: dict[str, Any] = {
        "prompt": request.prompt.strip(),
        "modelId": model_id,
        "aspectRatio": request.aspect_ratios[0],
        "batchCount": 1,
    }
    if request.preset:
        payload["stylePreset"] = request.preset
    if request.negative_prompt:
        payload["negativePrompt"] = request.negative_prompt
    if image_path:
        payload["inputImagePath"] = image_path
    return payload


def generation_id(body: Any) -> str:
    """The generation id from a 202 answer (one id of a job's joined vendor job id)."""
    return joined_ids.generation_id(NAME, body, "id")


def job_id(generation_ids: list[str]) -> str:
    return joined_ids.job_id(generation_ids)


def generation_ids(vendor_job_id: str) -> list[str]:
    return joined_ids.generation_ids(NAME, vendor_job_id)


def generation(body: Any) -> Generation:
    """One `GET /generations/:id` answer."""
    found = body.get("generation") if isinstance(body, dict) else None
    if not isinstance(found, dict):
        raise VendorProtocolError(NAME, "generation answer has no generation")
    state = _STATES.get(str(found.get("status")))
    if state is None:
        raise VendorProtocolError(NAME, f"unknown status {found.get('status')!r}")
    url = found.get("image_url")
    if state is VendorState.COMPLETED and (not isinstance(url, str) or not url):
        raise VendorProtocolError(NAME, f"generation {found.get('id')} completed without image_url")
    error = found.get("error")
    reason = error if isinstance(error, str) and error else f"generation {found.get('id')} failed"
    return Generation(state, url if isinstance(url, str) else None, reason)


def to_update(vendor_job_id: str, bodies: list[Any]) -> VendorUpdate:
    """The job's generations as one update: failed if any failed, completed when all completed."""
    generations = [generation(body) for body in bodies]
    failed = next((g for g in generations if g.state is VendorState.FAILED), None)
    if failed is not None:
        return VendorUpdate(
            vendor_job_id=vendor_job_id,
            state=VendorState.FAILED,
            error=JobError(code="generation_failed", message=failed.reason),
        )
    if all(g.state is VendorState.COMPLETED for g in generations):
        outputs = [g.image_url for g in generations if g.image_url]
        return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.COMPLETED, outputs=outputs)
    return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.PROCESSING)


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and value != "" else None


def read_error(body: Any) -> tuple[str | None, str | None, str | None]:
    """`{"error": "msg"}` or `{"error": {"code", "message"}}` -> (code, message, trace id)."""
    if not isinstance(body, dict):
        return None, None, None
    detail = body.get("error")
    if isinstance(detail, dict):
        return _text(detail.get("code")), _text(detail.get("message")), None
    return _text(body.get("code")), _text(detail) or _text(body.get("message")), None


def listed(body: Any) -> list[dict[str, Any]]:
    """`GET /generations`: "an array of generation objects" (a bare array, or `{generations: [...]}`)."""
    items = body.get("generations") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise VendorProtocolError(NAME, "generation list is not an array")
    return [item for item in items if isinstance(item, dict)]


def created_at(item: dict[str, Any]) -> datetime | None:
    value = item.get("created_at")
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
