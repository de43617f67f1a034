"""CreativeAI HTTP calls, one method per documented endpoint. No mapping logic beyond JSON."""

from __future__ import annotations

from typing import Any

import httpx

from adforge.vendors.creativeai import NAME
from adforge.vendors.creativeai.transform import read_error
from adforge.vendors.http import BearerJsonClient


class CreativeAIClient(BearerJsonClient, vendor=NAME, reader=read_error):
    def generate_image(self, payload: dict[str, Any]) -> Any:
        """Native async image generation: 202 with a generation id."""
        return self._json("POST", "/api/v1/model/generateImage", creates=True, json=payload)

    def get_prediction(self, generation_id: str) -> Any:
        return self._json("GET", f"/api/v1/model/prediction/{generation_id}")

    def edit_image(self, image: tuple[str, bytes, str], fields: dict[str, str], read_seconds: float) -> Any:
        """OpenAI-compatible multipart `/v1/images/edits` (`image` = (filename, bytes, content type)): answers
        `{created, data: [{url}]}` once rendered, so it waits up to `read_seconds` for the answer."""
        timeout = self._http.timeout
        waits = httpx.Timeout(connect=timeout.connect, read=read_seconds, write=timeout.write, pool=timeout.pool)
        return self._json("POST", "/v1/images/edits", creates=True, data=fields, files={"image": image}, timeout=waits)

    def generate_video(self, payload: dict[str, Any]) -> Any:
        return self._json("POST", "/v1/video/generations", creates=True, json=payload)

    def get_video(self, generation_id: str) -> Any:
        return self._json("GET", f"/v1/video/generations/{generation_id}")

    def generate_video_batch(self, payload: dict[str, Any]) -> Any:
        """1-20 videos in one request: 202 with a `batch_id`."""
        return self._json("POST", "/v1/video/generations/batch", creates=True, json=payload)

    def get_video_batch(self, batch_id: str) -> Any:
        return self._json("GET", f"/v1/video/generations/batch/{batch_id}")
