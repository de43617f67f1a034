"""CreativeAI HTTP calls, one method per documented endpoint. No mapping logic beyond JSON."""

from __future__ import annotations

from typing import Any

from adforge.vendors.creativeai import NAME
from adforge.vendors.creativeai.transform import read_error
from adforge.vendors.http import BearerJsonClient


class CreativeAIClient(BearerJsonClient, vendor=NAME, reader=read_error):
    def generate_image(self, payload: dict[str, Any]) -> Any:
        """Native async image generation: 202 with a generation id."""
        return self._json("POST", "/api/v1/model/generateImage", creates=True, json=payload)

    def get_prediction(self, generation_id: str) -> Any:
        return self._json("GET", f"/api/v1/model/prediction/{generation_id}")

    def generate_image_sync(self, payload: dict[str, Any]) -> Any:
        """OpenAI-compatible `/v1/images/generations`: answers `{created, data: [{url}]}`."""
        return self._json("POST", "/v1/images/generations", creates=True, json=payload)

    def edit_image(self, image: bytes, fields: dict[str, str], mask: bytes | None = None) -> Any:
        """OpenAI-compatible multipart `/v1/images/edits`: answers `{created, data: [{url}]}`."""
        files = {"image": ("image.png", image, "image/png")}
        if mask is not None:
            files["mask"] = ("mask.png", mask, "image/png")
        return self._json("POST", "/v1/images/edits", creates=True, data=fields, files=files)

    def generate_video(self, payload: dict[str, Any]) -> Any:
        return self._json("POST", "/v1/video/generations", creates=True, json=payload)

    def get_video(self, generation_id: str) -> Any:
        return self._json("GET", f"/v1/video/generations/{generation_id}")
