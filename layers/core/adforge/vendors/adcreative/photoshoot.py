"""Pure mapping between AdForge requests and the Product Photoshoot API. No I/O."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import cycle, islice
from typing import Any

from adforge.domain.models import JobRequest
from adforge.ports.vendors import VendorProtocolError, VendorRejected
from adforge.vendors.adcreative import NAME_PHOTOSHOOT, PHOTOSHOOT_TASKS

RENDER_KIND_LANDSCAPE = "4"
RECOMMENDED = "recommended"  # `request.preset` asking for the presets Recommendations picked for this photo
NATIVE_SIZES = {"true": (1200, 628), "false": (1674, 628)}
"""The doc's only outputs, by DisableSafeMargin: 1200x628 exactly, or 1674x628 with safe margins (the default)."""
NEAREST_SIZE = {"16:9": "true", "21:9": "false"}
"""DisableSafeMargin for the native size nearest each declared ratio; Collect crops it to the exact ratio."""
IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


@dataclass(frozen=True)
class Recommendation:
    """What `POST .../Recommendations` extracted from the product photo."""

    asset_id: str
    product_name: str | None
    product_description: str | None
    preset_ids: tuple[str, ...]


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    categories: tuple[str, ...]


def upload_name(content_type: str) -> str:
    """A file name for the multipart `productImage` part."""
    return f"product.{IMAGE_EXTENSIONS.get(content_type, 'png')}"


def read_recommendation(body: Any) -> Recommendation:
    if not isinstance(body, dict) or not isinstance(body.get("backgroundRemovedImageAssetId"), str):
        raise VendorProtocolError(NAME_PHOTOSHOOT, "Recommendations answered without backgroundRemovedImageAssetId")
    raw_info, raw_presets = body.get("productInfo"), body.get("recommendedPresetIds")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    presets: list[Any] = raw_presets if isinstance(raw_presets, list) else []
    return Recommendation(
        asset_id=body["backgroundRemovedImageAssetId"],
        product_name=str(info["productName"]) if info.get("productName") else None,
        product_description=str(info["productDescription"]) if info.get("productDescription") else None,
        preset_ids=tuple(str(preset) for preset in presets if preset),
    )


def read_presets(body: Any) -> list[Preset]:
    """`GET .../PresetKeys`: `[{id, previewName, categories: [{name}], ...}]`."""
    if not isinstance(body, list):
        raise VendorProtocolError(NAME_PHOTOSHOOT, "PresetKeys did not answer a list")
    return [
        Preset(
            id=str(item["id"]),
            name=str(item.get("previewName") or ""),
            categories=tuple(str(c.get("name")) for c in item.get("categories") or [] if isinstance(c, dict)),
        )
        for item in body
        if isinstance(item, dict) and item.get("id")
    ]


def named_preset(request: JobRequest) -> str | None:
    """`request.preset` when it names a catalogue preset (not absent, not `recommended`)."""
    if request.preset is None or request.preset.strip().lower() == RECOMMENDED:
        return None
    return request.preset.strip()


def catalogue_presets(named: str, catalogue: list[Preset]) -> list[str]:
    """The presets `named` picks: a preset id, else a preview name, else a category (case-insensitive); unknown is refused."""
    wanted = named.lower()
    for matches in (
        [p.id for p in catalogue if p.id.lower() == wanted],
        [p.id for p in catalogue if p.name.lower() == wanted],
        [p.id for p in catalogue if wanted in (c.lower() for c in p.categories)],
    ):
        if matches:
            return matches
    known = ", ".join(sorted({p.id for p in catalogue})[:20])
    raise VendorRejected(
        NAME_PHOTOSHOOT, f"unknown preset {named!r} (known: {known}, or 'recommended')", vendor_code="unknown_preset"
    )


def recommended_presets(request: JobRequest, recommendation: Recommendation) -> list[str]:
    """Recommendations' presets when `request.preset` is `recommended`, else []."""
    if request.preset is None or request.preset.strip().lower() != RECOMMENDED:
        return []
    if not recommendation.preset_ids:
        raise VendorRejected(
            NAME_PHOTOSHOOT, "Recommendations found no preset for this product photo", vendor_code="unknown_preset"
        )
    return list(recommendation.preset_ids)


def prompt_objects(request: JobRequest, presets: list[str]) -> list[dict[str, Any]]:
    """Always 6 objects (the API's maximum and its task count): the presets cycled, or our prompt as custom prompt."""
    if presets:
        return [{"preset": preset, "tag": "preset"} for preset in islice(cycle(presets), PHOTOSHOOT_TASKS)]
    return [{"tag": "custom", "prompt": request.prompt, "nativeLanguagePrompt": None}] * PHOTOSHOOT_TASKS


def adcreative_fields(request: JobRequest, recommendation: Recommendation, presets: list[str]) -> dict[str, str]:
    """Multipart fields of `POST .../AdCreative`, except applicationId / userId (the client's account adds them)."""
    ratio = request.aspect_ratios[0]
    if ratio not in NEAREST_SIZE:
        raise VendorRejected(
            NAME_PHOTOSHOOT, f"aspect ratio {ratio} has no photoshoot size (1200x628, 1674x628)", vendor_code="unsupported_ratio"
        )
    form = {
        "renderKind": RENDER_KIND_LANDSCAPE,
        "productImageAssetId": recommendation.asset_id,
        "PromptObjectsString": json.dumps(prompt_objects(request, presets), separators=(",", ":")),
        "DisableSafeMargin": NEAREST_SIZE[ratio],
        "UseSameStyleReferenceImage": "true" if presets else "false",
    }
    if recommendation.product_name:
        form["productName"] = recommendation.product_name
    if recommendation.product_description:
        form["productDescription"] = recommendation.product_description
    return form
