"""AdCreative.ai Product Photoshoot API: Recommendations, PresetKeys, AdCreative, CheckUserProgress, Download."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from adforge_local.sandboxes.adcreative_auth import RequestError, flag, form, need_guid, problem, texts, validation
from adforge_local.sandboxes.adcreative_jobs import PHOTOSHOOT, AdCreativeJobs, Task, render_kind
from adforge_local.sandboxes.base import Reply, Request

BASE = "/api/v1/Image/ProductGeneration"
TASKS = 6
SAFE_MARGIN_SIZE, EXACT_SIZE = (1674, 628), (1200, 628)
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
PRESETS = {
    "natural_beige_background": ("Natural Beige Background", ", in front of a natural beige background", "monochrome"),
    "white_background": ("White Background", ", in front of a white background", "monochrome"),
    "light_grey_background": ("Light Grey Background", ", in front of a light grey background", "monochrome"),
    "light_blue_background": ("Light Blue Background", ", in front of a light blue background", "monochrome"),
    "white_pink_yellow_gradient_background_monochrome": ("Pastel Gradient", ", before a pastel gradient", "monochrome"),
    "gray_shadowy_room_sunlight_streaming_studio": ("Shadowy Studio", ", in a shadowy studio with sunlight", "studio"),
    "gray_shadowy_room_sunlight_streaming_neutral": ("Shadowy Room", ", in a neutral shadowy room with sunlight", "studio"),
    "mid_century_modern_office": ("Mid-Century Modern Office", ", on a desk in a mid-century modern office", "studio"),
    "snowy_christmas_mantel_holiday": ("Christmas Mantel", ", on a snowy Christmas mantel with warm lights", "holiday"),
}
RECOMMENDED_PROMPTS = [
    "on a sleek glass surface with a reflection of city skyscrapers",
    "on a velvet cushion inside a luxurious studio",
    "on a vibrant graffiti wall in an urban alley",
    "on a polished marble countertop in soft morning light",
]


@dataclass(frozen=True)
class Asset:
    """A background-removed product image returned by Recommendations: `image` is the uploaded productImage, which
    every task of a process started from this asset composes into its scene (compose.py keys out its backdrop)."""

    application_id: str
    digest: str
    product_name: str
    product_description: str
    image: bytes = field(repr=False)


def preset(preset_id: str) -> dict[str, Any]:
    name, prompt, category = PRESETS[preset_id]
    return {
        "id": preset_id,
        "previewImageUrl": f"https://api.adcreative.ai/assets/ai-product-preset/{preset_id}.webp",
        "previewName": name,
        "promptText": prompt,
        "categories": [{"name": category}],
    }


def bad_request(message: str) -> RequestError:
    return RequestError(
        problem(
            400,
            {
                "engine: ProductGeneration/AdCreative": [message],
                "business: ProductGeneration/AdCreative": [
                    "Bad request error occurred while starting product generation process"
                ],
            },
        )
    )


def prompt_texts(raw: str) -> list[str]:
    """PromptObjectsString: a JSON array of 1-6 {"tag": "preset", "preset": id} / {"tag": "custom", "prompt": text}."""
    try:
        items = json.loads(raw)
    except ValueError:
        items = None
    if not isinstance(items, list) or not 1 <= len(items) <= TASKS:
        raise bad_request(f"PromptObjectsString must be a JSON array of 1 to {TASKS} prompt objects.")
    prompts = []
    for item in items:
        tag = item.get("tag") if isinstance(item, dict) else None
        if tag == "preset" and item.get("preset") in PRESETS:
            prompts.append(PRESETS[item["preset"]][1])
        elif tag == "custom" and isinstance(item.get("prompt"), str) and item["prompt"].strip():
            prompts.append(item["prompt"].strip())
        else:
            raise bad_request(f"Invalid prompt object {json.dumps(item)}: expected a known preset or a non-empty custom prompt.")
    return prompts


class PhotoshootAPI(AdCreativeJobs):
    """The Product Photoshoot endpoints; a process always has 6 tasks."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.assets: dict[str, Asset] = {}
        self.api("POST", f"{BASE}/Recommendations", "photoshoot_recommendations", self._recommendations)
        self.api("GET", f"{BASE}/PresetKeys", "photoshoot_preset_keys", self._preset_keys)
        self.api("POST", f"{BASE}/AdCreative", "photoshoot_start", self._start_photoshoot)
        self.api("GET", f"{BASE}/CheckUserProgress", "photoshoot_progress", lambda r: self.check_user_progress(r, PHOTOSHOOT))
        self.api("GET", f"{BASE}/Download", "photoshoot_download", lambda r: self.download(r, PHOTOSHOOT, with_format=True))

    def forget_jobs(self) -> None:
        super().forget_jobs()
        self.assets.clear()

    def _recommendations(self, request: Request) -> Reply:
        image = form(request).get("productimage")
        if image is None or image.filename is None or not image.value:
            missing = "The request does not contain a file. Please make sure to upload the file."
            raise RequestError(validation("productImage", "The productImage field is required.", missing))
        if not image.value.startswith(IMAGE_MAGIC) and image.value[8:12] != b"WEBP":
            raise RequestError(validation("productImage", "The productImage file must be a PNG, JPEG or WEBP image."))
        digest = hashlib.sha256(image.value).hexdigest()
        name = re.sub(r"[\W_]+", " ", PurePath(image.filename).stem).strip().lower() or "product"
        description = f"{name.capitalize()} photographed for an online store, background removed."
        asset = Asset(self.application(request), digest, name, description, image.value)
        asset_id = str(uuid.uuid4())
        with self.lock:
            self.assets[asset_id] = asset
        ids = list(PRESETS)
        start = int(digest[:2], 16) % len(ids)
        return Reply.json(
            200,
            {
                "productInfo": {"productName": asset.product_name, "productDescription": asset.product_description},
                "backgroundRemovedImageAssetId": asset_id,
                "recommendedPrompts": RECOMMENDED_PROMPTS,
                "recommendedPresetIds": (ids[start:] + ids[:start])[:TASKS],
            },
        )

    def _preset_keys(self, request: Request) -> Reply:
        return Reply.json(200, [preset(preset_id) for preset_id in PRESETS])

    def _start_photoshoot(self, request: Request) -> Reply:
        values = texts(form(request))
        application = need_guid(values, "applicationId")
        user = need_guid(values, "userId")
        render_kind(values, default=4)
        asset = self.assets.get(need_guid(values, "productImageAssetId"))
        if asset is None or asset.application_id != application:
            raise RequestError(
                problem(
                    404,
                    {
                        "engine: ProductGeneration/AdCreative": ["Product image asset not found."],
                        "business: ProductGeneration/AdCreative": [
                            "Not found error occurred while starting product generation process"
                        ],
                    },
                )
            )
        if not values.get("promptobjectsstring"):
            raise RequestError(validation("PromptObjectsString", "The PromptObjectsString field is required."))
        prompts = prompt_texts(values["promptobjectsstring"])
        size = EXACT_SIZE if flag(values, "DisableSafeMargin", False) else SAFE_MARGIN_SIZE
        style = "style-reference" if flag(values, "UseSameStyleReferenceImage", True) else "no-style-reference"
        product = values.get("productname") or asset.product_name
        task_prompts = [prompts[i % len(prompts)] for i in range(TASKS)]
        tasks = [
            Task(str(uuid.uuid4()), size, f"{asset.digest}|{product}|{text}|{style}|{i}", product=asset.image, prompt=text)
            for i, text in enumerate(task_prompts)
        ]
        process = self.start_process(PHOTOSHOOT, application, user, tasks)
        self.bill(request, process.id, product)
        return Reply.json(200, self.progress(process))
