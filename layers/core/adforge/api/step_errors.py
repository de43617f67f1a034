"""Error names as Step Functions sees them (the raised class) -> our stable error codes."""

from __future__ import annotations

from adforge.domain.errors import DomainError, InputRejected
from adforge.ports import vendors as vendor_errors
from adforge.ports.assets import FetchFailed, FetchRefused


def _codes() -> dict[str, str]:
    classes: list[type] = [FetchFailed, FetchRefused, InputRejected]
    classes += [c for c in vars(vendor_errors).values() if isinstance(c, type) and issubclass(c, vendor_errors.VendorError)]
    return {cls.__name__: str(getattr(cls, "code", DomainError.code)) for cls in classes}


CODES = _codes()
STATES_CODES = {"States.Timeout": "step_timed_out", "States.TaskFailed": "step_failed"}


def code_for_error(name: str) -> str:
    return CODES.get(name) or STATES_CODES.get(name) or "internal_error"
