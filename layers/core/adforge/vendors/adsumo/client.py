"""Adsumo HTTP calls, one method per documented endpoint. No mapping logic beyond JSON."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from adforge.vendors.adsumo import NAME
from adforge.vendors.adsumo.transform import read_error
from adforge.vendors.http import BearerJsonClient


class AdsumoClient(BearerJsonClient, vendor=NAME, reader=read_error, prefix="/api/v1"):
    def text_to_image(self, payload: dict[str, Any]) -> Any:
        """202 `{generation_id, type, status}`."""
        return self._json("POST", "/images/text-to-image", creates=True, json=payload)

    def product_shots(self, payload: dict[str, Any]) -> Any:
        """A product already in the account + a style template; 202 like text-to-image."""
        return self._json("POST", "/images/product-shots", creates=True, json=payload)

    def edit(self, payload: dict[str, Any]) -> Any:
        """An edit from `reference_image_urls`; 202 like text-to-image."""
        return self._json("POST", "/images/edit", creates=True, json=payload)

    def generation(self, generation_id: str) -> Any:
        return self._json("GET", f"/generations/{quote(generation_id, safe='')}")
