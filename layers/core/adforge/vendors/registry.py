"""Every vendor's capabilities, and how a job picks one: the named vendor, or for `auto` the
cheapest capable vendor that is healthy and not already tried too often for this job."""

from __future__ import annotations

from collections.abc import Mapping

from adforge.domain.errors import InputRejected
from adforge.domain.models import JobRequest
from adforge.vendors.capabilities import Capabilities
from adforge.vendors.catalog import CATALOG

REGISTRY: dict[str, Capabilities] = {name: vendor.capabilities for name, vendor in CATALOG.items()}
UNHEALTHY_AFTER = 3  # recent vendor-side failures


def capable(request: JobRequest, available: frozenset[str]) -> list[Capabilities]:
    """Vendors that could serve `request`; raises a clear `InputRejected` when none can.

    Checked at job creation, before anything is written or any vendor is paid.
    """
    if request.vendor != "auto":
        capabilities = REGISTRY.get(request.vendor)
        if capabilities is None or capabilities.name not in available:
            raise InputRejected("unknown_vendor", f"vendor {request.vendor!r} is not available; see GET /v1/vendors")
        reason = capabilities.why_not(request)
        if reason:
            raise InputRejected("vendor_cannot_serve", reason)
        return [capabilities]
    candidates = [c for c in REGISTRY.values() if c.name in available and c.why_not(request) is None]
    if not candidates:
        reasons = "; ".join(filter(None, (c.why_not(request) for c in REGISTRY.values() if c.name in available)))
        raise InputRejected("no_capable_vendor", f"no vendor can serve this request: {reasons}")
    return candidates


def ranked(
    request: JobRequest, available: frozenset[str], recent_failures: Mapping[str, int], exclude: frozenset[str]
) -> list[Capabilities]:
    """Candidates in the order to try them: healthy before unhealthy, then cheapest first."""
    candidates = [c for c in capable(request, available) if c.name not in exclude]
    return sorted(
        candidates, key=lambda c: (recent_failures.get(c.name, 0) >= UNHEALTHY_AFTER, c.cost_per_output(request.kind), c.name)
    )
