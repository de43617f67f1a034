"""adcreator.ai HTTP calls, one method per documented endpoint. No mapping logic beyond JSON."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from adforge.ports.vendors import VendorError, VendorRejected
from adforge.vendors.adcreator import NAME
from adforge.vendors.adcreator.transform import read_error
from adforge.vendors.http import BearerJsonClient, send

GENERATION_FAILED = 422  # the doc's "422 Generation Failed" on /generate and /videos


class AdCreatorClient(BearerJsonClient, vendor=NAME, reader=read_error, prefix="/api/platform"):
    def credits(self) -> Any:
        return self._json("GET", "/credits")

    def models(self) -> Any:
        return self._json("GET", "/models")

    def video_models(self) -> Any:
        return self._json("GET", "/video-models")

    def styles(self) -> Any:
        return self._json("GET", "/styles")

    def upload(self, content: bytes, filename: str, content_type: str) -> Any:
        """Multipart upload of a reference image: 201 `{path, publicUrl}`."""
        return self._json("POST", "/upload", files={"file": (filename, content, content_type)})

    def generate(self, payload: dict[str, Any]) -> Any:
        """Start an image generation: 202 `{id, status}`."""
        return self._create("/generate", payload)

    def list_generations(self, limit: int = 50, offset: int = 0) -> Any:
        return self._json("GET", "/generations", params={"limit": limit, "offset": offset})

    def get_generation(self, generation_id: str) -> Any:
        return self._json("GET", f"/generations/{quote(generation_id, safe='')}")

    def delete_generation(self, generation_id: str) -> Any:
        return self._json("DELETE", f"/generations/{quote(generation_id, safe='')}")

    def create_video(self, payload: dict[str, Any]) -> Any:
        """Start a video from an image generation: 202 `{id, status}`."""
        return self._create("/videos", payload)

    def get_video(self, video_id: str) -> Any:
        return self._json("GET", f"/videos/{quote(video_id, safe='')}")

    def _create(self, path: str, payload: dict[str, Any]) -> Any:
        """A creation request. Its documented 422 "Generation Failed" is the vendor failing the generation, not a
        refusal of our request: raised as a plain `VendorError` (not retried; `auto` fails over), not `VendorRejected`."""
        statuses: list[int] = []

        def call() -> httpx.Response:
            response = self._http.request("POST", f"{self._prefix}{path}", json=payload)
            statuses.append(response.status_code)
            return response

        try:
            return send(self._vendor, call, read_error, creates=True)
        except VendorRejected as error:
            if statuses != [GENERATION_FAILED]:
                raise
            raise VendorError(NAME, error.message, vendor_code=error.vendor_code or "generation_failed") from error
