"""What each vendor can do, checked before any money is spent."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from adforge.domain.errors import InputRejected
from adforge.domain.models import JobKind, JobRequest


class Capabilities(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    kinds: frozenset[JobKind]
    aspect_ratios: frozenset[str]
    max_count: int
    ratios_per_job: int
    webhooks: bool
    needs_product_image: bool = False
    cost_per_output_usd: float


CREATIVEAI = Capabilities(
    name="creativeai",
    kinds=frozenset({JobKind.IMAGE, JobKind.VIDEO}),
    aspect_ratios=frozenset({"1:1", "4:5", "3:4", "4:3", "16:9", "9:16", "21:9"}),
    max_count=4,
    ratios_per_job=1,
    webhooks=True,
    cost_per_output_usd=0.04,
)

REGISTRY: dict[str, Capabilities] = {c.name: c for c in (CREATIVEAI,)}


def why_not(capabilities: Capabilities, request: JobRequest) -> str | None:
    """The reason `capabilities` cannot serve `request`, or None when it can."""
    if request.kind not in capabilities.kinds:
        return f"{capabilities.name} does not make {request.kind.value} creatives"
    unsupported = sorted(set(request.aspect_ratios) - capabilities.aspect_ratios)
    if unsupported:
        return f"{capabilities.name} does not support aspect ratios {unsupported}"
    if len(request.aspect_ratios) > capabilities.ratios_per_job:
        return f"{capabilities.name} serves {capabilities.ratios_per_job} aspect ratio per job"
    if request.count > capabilities.max_count:
        return f"{capabilities.name} makes at most {capabilities.max_count} outputs per job"
    if capabilities.needs_product_image and request.image is None:
        return f"{capabilities.name} needs a product image"
    return None


def choose_vendor(request: JobRequest, available: frozenset[str]) -> Capabilities:
    """The vendor that will serve `request`: the named one, or the cheapest capable for `auto`."""
    if request.vendor != "auto":
        capabilities = REGISTRY.get(request.vendor)
        if capabilities is None or capabilities.name not in available:
            raise InputRejected("unknown_vendor", f"vendor {request.vendor!r} is not available; see GET /v1/vendors")
        reason = why_not(capabilities, request)
        if reason:
            raise InputRejected("vendor_cannot_serve", reason)
        return capabilities
    candidates = [c for c in REGISTRY.values() if c.name in available and why_not(c, request) is None]
    if not candidates:
        reasons = "; ".join(filter(None, (why_not(c, request) for c in REGISTRY.values())))
        raise InputRejected("no_capable_vendor", f"no vendor can serve this request: {reasons}")
    return min(candidates, key=lambda c: c.cost_per_output_usd)
