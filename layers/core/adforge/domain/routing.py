"""How a job picks its vendor: the named vendor, or for `auto` the cheapest capable vendor that is healthy and not
already tried too often for this job. Pure policy over the offered vendors' capabilities (given, never global)."""

from __future__ import annotations

from collections.abc import Mapping

from adforge.domain.capabilities import Capabilities
from adforge.domain.errors import InputRejected
from adforge.domain.models import JobRequest

UNHEALTHY_AFTER = 3  # recent vendor-side failures


def capable(request: JobRequest, vendors: Mapping[str, Capabilities]) -> list[Capabilities]:
    """The `vendors` (offered, by name) that could serve `request`; raises a clear `InputRejected` when none can.

    Checked at job creation, before anything is written or any vendor is paid.
    """
    if request.vendor != "auto":
        capabilities = vendors.get(request.vendor)
        if capabilities is None:
            raise InputRejected("unknown_vendor", f"vendor {request.vendor!r} is not available; see GET /v1/vendors")
        reason = capabilities.why_not(request)
        if reason:
            raise InputRejected("vendor_cannot_serve", reason)
        return [capabilities]
    candidates = [c for c in vendors.values() if c.why_not(request) is None]
    if not candidates:
        reasons = "; ".join(filter(None, (c.why_not(request) for c in vendors.values())))
        raise InputRejected("no_capable_vendor", f"no vendor can serve this request: {reasons}")
    return candidates


def ranked(
    request: JobRequest, vendors: Mapping[str, Capabilities], recent_failures: Mapping[str, int], exclude: frozenset[str]
) -> list[Capabilities]:
    """Candidates in the order to try them: healthy before unhealthy, then cheapest first."""
    candidates = [c for c in capable(request, vendors) if c.name not in exclude]
    return sorted(
        candidates, key=lambda c: (recent_failures.get(c.name, 0) >= UNHEALTHY_AFTER, c.cost_per_output(request.kind), c.name)
    )
