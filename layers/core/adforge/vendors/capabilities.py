"""What a vendor can do: the facts routing and `GET /v1/vendors` are built from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from adforge.domain.models import JobKind, JobRequest


class Capabilities(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    display_name: str
    kinds: frozenset[JobKind]
    aspect_ratios: frozenset[str]
    video_aspect_ratios: frozenset[str] | None = None  # when videos support other ratios than images
    max_count: int
    ratios_per_job: int = 1
    webhooks: bool
    webhook_names_job: bool = False  # True: its signed delivery carries our job id (a per-job callback URL)
    signed_webhooks: bool = True  # False: a delivery is only a hint; a final one is confirmed by one status call
    uses_product_image: bool = True  # False: text-to-image only, the product photo is not sent
    needs_product_image: bool = False
    transparent_background: bool = False
    cost_per_output_usd: float

    def why_not(self, request: JobRequest) -> str | None:
        """The reason this vendor cannot serve `request`, or None when it can."""
        if request.kind not in self.kinds:
            return f"{self.name} does not make {request.kind.value} creatives"
        ratios = self.video_aspect_ratios if request.kind is JobKind.VIDEO and self.video_aspect_ratios else self.aspect_ratios
        unsupported = sorted(set(request.aspect_ratios) - ratios)
        if unsupported:
            return f"{self.name} does not support aspect ratios {unsupported}"
        if len(request.aspect_ratios) > self.ratios_per_job:
            return f"{self.name} serves {self.ratios_per_job} aspect ratio(s) per job"
        if request.count > self.max_count:
            return f"{self.name} makes at most {self.max_count} outputs per job"
        if self.needs_product_image and request.image is None:
            return f"{self.name} needs a product image"
        if not self.uses_product_image and request.image is not None:
            return f"{self.name} cannot use a product image"
        return None
