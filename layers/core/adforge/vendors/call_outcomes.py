"""How each vendor call went (`ok`, `4xx`, `429`, `5xx`, `timeout`) and who hears of it: the `VendorCalls` metric.

Apart from vendors/http.py, which reports every call here, so that the composition root can plug the function's
metrics in (bootstrap.job_metrics) without loading httpx on paths that never call a vendor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

CallOutcome = Literal["ok", "4xx", "429", "5xx", "timeout"]


def status_outcome(status: int) -> CallOutcome:
    """How a vendor's answer went, for the `VendorCalls` metric: 429 apart from the other 4xx (backpressure, not
    our mistake); any other status that is neither 2xx nor 4xx (a 5xx, a stray 3xx) counts as the vendor's fault."""
    if 200 <= status < 300:
        return "ok"
    if status == 429:
        return "429"
    if 400 <= status < 500:
        return "4xx"
    return "5xx"


class VendorCalls:
    """Where each vendor call's outcome is reported: the composition root (bootstrap.py) points it at the
    function's `JobMetrics.vendor_call`; nobody watching is the default (unit tests, tools)."""

    def __init__(self) -> None:
        self._observer: Callable[[str, str], None] | None = None

    def watch(self, observer: Callable[[str, str], None] | None) -> None:
        self._observer = observer

    def note(self, vendor: str, outcome: CallOutcome) -> None:
        if self._observer is not None:
            self._observer(vendor, outcome)


VENDOR_CALLS = VendorCalls()
