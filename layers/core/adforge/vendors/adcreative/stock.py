"""Pure mapping between AdForge requests and the Stock Image Generation API, with its documented rules. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from adforge.domain.models import JobRequest
from adforge.ports.vendors import VendorRejected
from adforge.vendors.adcreative import NAME_STOCK

MAX_TEXT = 1000  # customStyleText (userPrompt's limit is the domain's prompt limit)
LORA_METADATA_KEY = "lora_params"
RENDER_KINDS = {"1:1": "1", "9:16": "2", "4:5": "8", "16:9": "1024", "3:4": "2048", "4:3": "4096"}
_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_LORA_PAIR = re.compile(rf"{_GUID}:[+-]?(?:\d+\.?\d*|\.\d+)")


class ImageStyle(StrEnum):
    """Form values: Photorealistic's number is documented (3); the Custom styles go by name."""

    PHOTOREALISTIC = "3"
    CUSTOM_WITH_TEXT = "CustomWithText"
    CUSTOM_WITH_IMAGE = "CustomWithImage"


@dataclass(frozen=True)
class StockStyle:
    image_style: ImageStyle = ImageStyle.PHOTOREALISTIC
    custom_text: str | None = None
    custom_image: tuple[str, bytes, str] | None = None  # (file name, bytes, content type)
    lora_params: str | None = None


def _refuse(message: str, code: str) -> VendorRejected:
    return VendorRejected(NAME_STOCK, message, vendor_code=code)


def lora_params(raw: str) -> str:
    """`GUID:float,GUID:float` (spaces around items dropped); anything else is refused before the vendor sees it."""
    pairs = [item.strip() for item in raw.split(",")]
    for pair in pairs:
        if _LORA_PAIR.fullmatch(pair) is None:
            raise _refuse(f"loraParams item {pair!r} is not GUID:float", "invalid_lora_params")
    return ",".join(pairs)


def style_for(request: JobRequest) -> StockStyle:
    """Photorealistic (a preset is refused by `why_not`: see the package notes); metadata may carry loraParams."""
    if request.preset is not None:
        raise _refuse("Stock Image Generation has no style presets", "unknown_preset")
    return StockStyle(lora_params=request.metadata.get(LORA_METADATA_KEY))


def style_fields(style: StockStyle) -> dict[str, str]:
    """The documented imageStyle rules: CustomWithText needs customStyleText, CustomWithImage needs customStyleImage."""
    text = style.custom_text.strip() if style.custom_text else ""
    if style.image_style is ImageStyle.CUSTOM_WITH_TEXT and not text:
        raise _refuse("CustomStyleText can't be null or empty if ImageStyle is CustomWithText", "custom_style_text_missing")
    if style.image_style is ImageStyle.CUSTOM_WITH_IMAGE and style.custom_image is None:
        raise _refuse("CustomWithImage can't be null if ImageStyle is CustomWithImage", "custom_style_image_missing")
    if len(text) > MAX_TEXT:
        raise _refuse(f"customStyleText is longer than {MAX_TEXT} characters", "custom_style_text_too_long")
    form = {"imageStyle": style.image_style.value}
    if style.image_style is ImageStyle.CUSTOM_WITH_TEXT:
        form["customStyleText"] = text
    if style.lora_params is not None:
        form["loraParams"] = lora_params(style.lora_params)
    return form


def stock_form(request: JobRequest, style: StockStyle) -> tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]:
    """(fields, files) of `POST .../StockGeneration/AdCreative`, except applicationId / userId (added by the client)."""
    ratio = request.aspect_ratios[0]
    if ratio not in RENDER_KINDS:
        raise _refuse(f"aspect ratio {ratio} has no RenderKind", "unsupported_ratio")
    form = {"renderKind": RENDER_KINDS[ratio], "userPrompt": request.prompt, **style_fields(style)}
    image = style.custom_image if style.image_style is ImageStyle.CUSTOM_WITH_IMAGE else None
    files = {"customStyleImage": image} if image is not None else {}
    return form, files
