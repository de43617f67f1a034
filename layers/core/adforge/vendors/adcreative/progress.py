"""The AdCreative.ai progress object (start answers, CheckUserProgress items, Progress webhooks) -> `VendorUpdate`. Pure."""

from __future__ import annotations

from typing import Any

from adforge.domain.models import JobError, VendorState, VendorUpdate
from adforge.vendors.errors import VendorProtocolError

RENDERED = 5  # renderState of a finished task (the only documented final value)
RUNNING = 1  # requestRenderState while the process runs
PROCESS_ID = "imagerenderprocessid"


def fields(body: Any, vendor: str) -> dict[str, Any]:
    """Top-level keys lower-cased: the API answers camelCase, its webhook messages PascalCase."""
    if not isinstance(body, dict):
        raise VendorProtocolError(vendor, "expected a progress object")
    return {str(key).lower(): value for key, value in body.items()}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def process_id(body: Any, vendor: str) -> str:
    """The process id of a start answer: our vendor job id."""
    value = fields(body, vendor).get(PROCESS_ID)
    if not isinstance(value, str) or not value:
        raise VendorProtocolError(vendor, "the answer names no imageRenderProcessId")
    return value


def pick(body: Any, vendor: str, wanted: str) -> dict[str, Any]:
    """Our process's item of a CheckUserProgress answer (a JSON array of progress objects)."""
    items = body if isinstance(body, list) else [body]
    for item in items:
        if isinstance(item, dict) and str(fields(item, vendor).get(PROCESS_ID, "")).lower() == wanted.lower():
            return item
    raise VendorProtocolError(vendor, f"CheckUserProgress did not report process {wanted}")


def output_ref(process: str, task: str) -> str:
    return f"{process}/{task}"


def parse_ref(ref: str, vendor: str) -> tuple[str, str]:
    """`<processId>/<taskId>` -> (process id, task id)."""
    process, _, task = ref.partition("/")
    if not process or not task or "/" in task:
        raise VendorProtocolError(vendor, f"{ref!r} is not an output of this vendor")
    return process, task


def failure_message(data: dict[str, Any]) -> str | None:
    """The vendor's message when a progress object (keys lower-cased) reports a failed process: `isSuccessful`
    false with a non-empty `errorMessage`. Every documented running object has `isSuccessful: false` with an empty
    `errorMessage`, so an empty message alone says nothing."""
    message = data.get("errormessage")
    if data.get("issuccessful") is False and isinstance(message, str) and message.strip():
        return message.strip()
    return None


def to_update(body: Any, vendor: str) -> VendorUpdate:
    """Final at once on a failure signal (`failure_message`), else at progress 100 once every task rendered or the
    process left its running state; see the package notes."""
    data = fields(body, vendor)
    process = process_id(data, vendor)
    tasks = data.get("tasks")
    if not isinstance(tasks, dict):
        raise VendorProtocolError(vendor, f"process {process} reports no tasks map")
    rendered = [str(task) for task, state in tasks.items() if _int(state) == RENDERED]
    total = max(_int(data.get("totaltaskcount")), len(tasks))
    progress = min(max(_int(data.get("progress")), 0), 100)
    all_rendered = total > 0 and len(rendered) == total
    failure = failure_message(data)
    finished = progress >= 100 and (all_rendered or _int(data.get("requestrenderstate")) != RUNNING)
    if failure is None and not finished:
        state = VendorState.PROCESSING if progress or rendered else VendorState.PENDING
        return VendorUpdate(vendor_job_id=process, state=state, progress=progress)
    reason = failure or str(data.get("errormessage") or "").strip()
    failed = total - len(rendered)
    if not rendered:
        message = reason or f"all {total} tasks failed to render"
        return VendorUpdate(
            vendor_job_id=process,
            state=VendorState.FAILED,
            progress=progress,
            error=JobError(code="generation_failed", message=message),
        )
    error = None
    if failed:
        detail = f"{failed} of {total} tasks failed to render" + (f" ({reason})" if reason else "")
        error = JobError(code="partial_failure", message=detail)
    outputs = [output_ref(process, task) for task in rendered]
    return VendorUpdate(vendor_job_id=process, state=VendorState.COMPLETED, outputs=outputs, progress=progress, error=error)
