"""AdCreative.ai HTTP calls for both APIs, one method per documented endpoint, behind one JWT. No mapping logic."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import httpx

from adforge.ports.assets import Download
from adforge.ports.vendors import VendorUnavailable
from adforge.vendors.adcreative.auth import Account, TokenCache
from adforge.vendors.adcreative.channels import channel_body
from adforge.vendors.adcreative.problems import read_error
from adforge.vendors.http import send

TOKEN_PATH = "/api/v1/Authorization/GenerateJwtToken"  # noqa: S105 (a path)
PHOTOSHOOT = "/api/v1/Image/ProductGeneration"
STOCK = "/api/v1/Image/StockGeneration"
CHANNELS = "/api/v1/NotificationChannel"
CHUNK = 64 * 1024

Part = tuple[str | None, bytes | str, str | None]  # (file name, content, content type)


class StreamedBody:
    """`Download` over an open httpx streaming response."""

    def __init__(self, vendor: str, response: httpx.Response) -> None:
        self._vendor = vendor
        self._response = response
        self.content_type = response.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        length = response.headers.get("content-length")
        self.declared_length = int(length) if length and length.isdigit() else None

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self._response.iter_bytes(CHUNK)
        except httpx.TransportError as error:
            raise VendorUnavailable(self._vendor, f"download interrupted: {type(error).__name__}") from error


def multipart(fields: Mapping[str, str], files: Mapping[str, Part] | None = None) -> dict[str, Part]:
    """Form fields as multipart parts (the docs ask for multipart/form-data even without a file)."""
    return {**{name: (None, value, None) for name, value in fields.items()}, **(files or {})}


class AdCreativeClient:
    def __init__(self, http: httpx.Client, account: Account, vendor: str, clock: Callable[[], float] = time.time) -> None:
        """`http` carries base_url (the API origin) and timeouts; `vendor` names the errors this client raises."""
        self._http = http
        self._account = account
        self._vendor = vendor
        self._tokens = TokenCache(vendor, self._generate_token, clock)

    @classmethod
    def create(cls, base_url: str, account: Account, vendor: str, timeout: float = 30.0) -> AdCreativeClient:
        return cls(httpx.Client(base_url=base_url, timeout=timeout), account, vendor)

    # plumbing ----------------------------------------------------------------------------------
    def _generate_token(self) -> Any:
        account = self._account
        return send(
            self._vendor,
            lambda: self._http.post(TOKEN_PATH, json=account.token_request(), headers=account.key_headers()),
            read_error,
        )

    def _response(self, method: str, path: str, stream: bool = False, **kwargs: Any) -> httpx.Response:
        """One authenticated call; a 401 on a cached token renews it and repeats the call once."""
        token, fresh = self._tokens.token()
        response = self._send(token, method, path, stream, kwargs)
        if response.status_code == 401 and not fresh:
            response.close()
            self._tokens.forget(token)
            response = self._send(self._tokens.token()[0], method, path, stream, kwargs)
        return response

    def _send(self, token: str, method: str, path: str, stream: bool, kwargs: dict[str, Any]) -> httpx.Response:
        headers = {**self._account.key_headers(), "Authorization": f"Bearer {token}"}
        return self._http.send(self._http.build_request(method, path, headers=headers, **kwargs), stream=stream)

    def _json(self, method: str, path: str, creates: bool = False, **kwargs: Any) -> Any:
        """`creates=True` for the endpoints that start a paid generation (see `vendors.http.send`)."""
        return send(self._vendor, lambda: self._response(method, path, **kwargs), read_error, creates)

    @contextmanager
    def _download(self, path: str, params: dict[str, str]) -> Iterator[Download]:
        try:
            response = self._response("GET", path, stream=True, params={"applicationId": self._account.application_id, **params})
        except httpx.TransportError as error:
            raise VendorUnavailable(self._vendor, f"network error: {type(error).__name__}") from error
        try:
            if not response.is_success:
                response.read()
                send(self._vendor, lambda: response, read_error)  # raises the typed error for this answer
            yield StreamedBody(self._vendor, response)
        finally:
            response.close()

    def _ids(self, user: str) -> dict[str, str]:
        return {"applicationId": self._account.application_id, "userId": user}

    @staticmethod
    def _progress_query(user: str, process_param: str, process_id: str | None) -> dict[str, str]:
        """CheckUserProgress: one process of `user`, or (no `process_id`) every process of `user`."""
        return {"userId": user, **({process_param: process_id} if process_id else {})}

    # Product Photoshoot --------------------------------------------------------------------------
    def recommendations(self, user: str, image: bytes, filename: str, content_type: str) -> Any:
        """Upload the product photo: background-removed asset id, product info, recommended prompts and presets."""
        files = multipart(self._ids(user), {"productImage": (filename, image, content_type)})
        return self._json("POST", f"{PHOTOSHOOT}/Recommendations", files=files)

    def preset_keys(self) -> Any:
        return self._json("GET", f"{PHOTOSHOOT}/PresetKeys")

    def start_photoshoot(self, user: str, fields: Mapping[str, str]) -> Any:
        return self._json("POST", f"{PHOTOSHOOT}/AdCreative", creates=True, files=multipart({**self._ids(user), **fields}))

    def photoshoot_progress(self, user: str, process_id: str | None = None) -> Any:
        params = self._progress_query(user, "imageProductGeneratorProcessId", process_id)
        return self._json("GET", f"{PHOTOSHOOT}/CheckUserProgress", params=params)

    def photoshoot_download(
        self, process_id: str, task_id: str, image_format: int = 0, low_resolution: bool = False
    ) -> AbstractContextManager[Download]:
        """Streams one image; `image_format` 0 PNG, 1 JPEG, 2 PDF 1.6."""
        params = {
            "taskId": task_id,
            "imageProductGeneratorProcessId": process_id,
            "format": str(image_format),
            "lowResolution": str(low_resolution).lower(),
        }
        return self._download(f"{PHOTOSHOOT}/Download", params)

    # Stock Image Generation ----------------------------------------------------------------------
    def start_stock(self, user: str, fields: Mapping[str, str], files: Mapping[str, Part]) -> Any:
        return self._json("POST", f"{STOCK}/AdCreative", creates=True, files=multipart({**self._ids(user), **fields}, files))

    def stock_progress(self, user: str, process_id: str | None = None) -> Any:
        params = self._progress_query(user, "imageStockGeneratorProcessId", process_id)
        return self._json("GET", f"{STOCK}/CheckUserProgress", params=params)

    def stock_download(self, process_id: str, task_id: str, low_resolution: bool = False) -> AbstractContextManager[Download]:
        params = {"taskId": task_id, "imageStockGeneratorProcessId": process_id, "lowResolution": str(low_resolution).lower()}
        return self._download(f"{STOCK}/Download", params)

    # NotificationChannel ---------------------------------------------------------------------------
    def notification_channels(self) -> Any:
        return self._json("GET", CHANNELS)

    def create_notification_channel(self, url: str) -> Any:
        return self._json("POST", CHANNELS, json=channel_body(self._account.application_id, url))

    def update_notification_channel(self, channel_id: str, url: str) -> Any:
        return self._json("PUT", f"{CHANNELS}/{channel_id}", json=channel_body(self._account.application_id, url))
