"""The AdCreative.ai progress object (start answers, CheckUserProgress items, Progress webhooks) -> `VendorUpdate`. Pure."""

from __future__ import annotations

from typing import Any

from adforge.domain.models import JobError, VendorState, VendorUpdate
from adforge.ports.vendors import VendorNotFound, VendorProtocolError

RENDERED = 5  # renderState of a finished task (the only documented final value)
RUNNING = 1  # requestRenderState while the process runs
PROCESS_ID = "imagerenderprocessid"
USER_ID = "userid"
OF_USER = "@"  # our vendor job id: `<processId>@<userId>` (CheckUserProgress needs both; see the package notes)


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


def job_id(process: str, user: str) -> str:
    """Our vendor job id for `process`, started as `user`."""
    return f"{process}{OF_USER}{user}"


def split_job_id(vendor_job_id: str, vendor: str) -> tuple[str, str]:
    """`<processId>@<userId>` -> (process id, user id)."""
    process, _, user = vendor_job_id.partition(OF_USER)
    if not process or not user or OF_USER in user:
        raise VendorNotFound(vendor, f"not an {vendor} job id: {vendor_job_id!r}")
    return process, user


def vendor_job_id(data: dict[str, Any], vendor: str) -> str:
    """The vendor job id a progress object (keys lower-cased) reports on: its process, of its user."""
    user = data.get(USER_ID)
    if not isinstance(user, str) or not user:
        raise VendorProtocolError(vendor, "the progress object names no userId")
    return job_id(process_id(data, vendor), user)


def items(body: Any) -> list[Any]:
    """The progress objects of a CheckUserProgress answer (a JSON array; a lone object is taken as one)."""
    return body if isinstance(body, list) else [body]


def pick(body: Any, vendor: str, wanted: str) -> dict[str, Any]:
    """Our process's item of a CheckUserProgress answer."""
    for item in items(body):
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
    process, job = process_id(data, vendor), vendor_job_id(data, vendor)
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
        return VendorUpdate(vendor_job_id=job, state=state, progress=progress)
    reason = failure or str(data.get("errormessage") or "").strip()
    failed = total - len(rendered)
    if not rendered:
        message = reason or f"all {total} tasks failed to render"
        return VendorUpdate(
            vendor_job_id=job,
            state=VendorState.FAILED,
            progress=progress,
            error=JobError(code="generation_failed", message=message),
        )
    error = None
    if failed:
        detail = f"{failed} of {total} tasks failed to render" + (f" ({reason})" if reason else "")
        error = JobError(code="partial_failure", message=detail)
    outputs = [output_ref(process, task) for task in rendered]
    return VendorUpdate(vendor_job_id=job, state=VendorState.COMPLETED, outputs=outputs, progress=progress, error=error)
