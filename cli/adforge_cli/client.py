"""The public API over HTTP: typed results as plain JSON dicts, one error type for every refusal."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

CHUNK = 64 * 1024
FINISHED = frozenset({"completed", "failed", "cancelled", "timed_out"})
Progress = Callable[[int], None]  # called with the bytes just sent or received

PHOTO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class ApiError(Exception):
    """The API refused or failed a call; `status` 0 means it was not reached at all."""

    def __init__(
        self, status: int, code: str, message: str, request_id: str | None = None, retryable: bool | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self._retryable = retryable
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id

    @property
    def retryable(self) -> bool:
        if self._retryable is not None:
            return self._retryable
        return self.status == 0 or self.status >= 500 or self.status == 429

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "request_id": self.request_id, "status": self.status}}


def photo_type(path: Path) -> str:
    """The photo's content type from its first bytes (what the upload signature is bound to)."""
    head = path.read_bytes()[:12]
    for magic, content_type in PHOTO_TYPES.items():
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise ApiError(0, "unsupported_photo", f"{path} is not a PNG, JPEG or WebP image", retryable=False)


def _refusal(response: httpx.Response) -> ApiError:
    try:
        error = response.json()["error"]
        return ApiError(response.status_code, str(error["code"]), str(error["message"]), error.get("request_id"))
    except (ValueError, KeyError, TypeError):
        return ApiError(response.status_code, f"http_{response.status_code}", response.text[:500] or response.reason_phrase)


def _chunks(path: Path, progress: Progress) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            progress(len(chunk))
            yield chunk


@dataclass
class AdForgeClient:
    """Bearer-authenticated calls to the API; presigned S3 URLs are fetched without our Authorization header."""

    api_url: str
    api_key: str
    transport: httpx.BaseTransport | None = None
    timeout: float = 30.0
    _api: httpx.Client = field(init=False)
    _s3: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}", "User-Agent": "adforge-cli"}
        self._api = httpx.Client(
            base_url=self.api_url.rstrip("/"), headers=headers, timeout=self.timeout, transport=self.transport
        )
        self._s3 = httpx.Client(timeout=self.timeout, transport=self.transport, follow_redirects=True)

    def close(self) -> None:
        self._api.close()
        self._s3.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._api.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise ApiError(0, "unreachable", f"{self.api_url}: {error}") from error
        if response.status_code >= 400:
            raise _refusal(response)
        return response.json()

    def upload(self, photo: Path, progress: Progress) -> str:
        """Reserve a presigned PUT, send the photo through it, return its key (for `image.key`)."""
        content_type = photo_type(photo)
        size = photo.stat().st_size
        ticket = self._call(
            "POST", "/v1/uploads", json={"content_type": content_type, "content_length": size, "filename": photo.name}
        )
        try:
            response = self._s3.request(
                ticket.get("method", "PUT"), ticket["url"], headers=ticket["headers"], content=_chunks(photo, progress)
            )
        except httpx.TransportError as error:
            raise ApiError(0, "upload_unreachable", f"upload URL: {error}") from error
        if response.status_code >= 300:
            raise ApiError(
                response.status_code, "upload_refused", f"the upload URL answered {response.status_code}: {response.text[:300]}"
            )
        return str(ticket["key"])

    def create_job(
        self,
        body: dict[str, Any],
        idempotency_key: str | None = None,
        retries: int = 3,
        sleep: Callable[[float], None] | None = None,
    ) -> dict[str, Any]:
        """POST /v1/jobs with one Idempotency-Key for every try: a retry after a lost answer never makes a second job."""
        key = idempotency_key or str(uuid.uuid4())
        for attempt in range(retries):
            try:
                job: dict[str, Any] = self._call("POST", "/v1/jobs", json=body, headers={"Idempotency-Key": key})
                return job
            except ApiError as error:
                in_progress = error.code == "idempotency_in_progress"
                if not (error.retryable or in_progress) or attempt == retries - 1:
                    raise
                if sleep is not None:
                    sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def job(self, job_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/v1/jobs/{job_id}"))

    def jobs(self, limit: int = 20, cursor: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        return dict(self._call("GET", "/v1/jobs", params=params))

    def cancel(self, job_id: str) -> dict[str, Any]:
        return dict(self._call("POST", f"/v1/jobs/{job_id}/cancel"))

    def vendors(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/v1/vendors")["vendors"])

    def download(self, url: str, target: Path, progress: Progress) -> int:
        """Stream one asset to `target`; returns its size."""
        size = 0
        try:
            with self._s3.stream("GET", url) as response:
                if response.status_code >= 300:
                    raise ApiError(response.status_code, "download_refused", f"asset URL answered {response.status_code}")
                with target.open("wb") as sink:
                    for chunk in response.iter_bytes(CHUNK):
                        sink.write(chunk)
                        size += len(chunk)
                        progress(len(chunk))
        except httpx.TransportError as error:
            raise ApiError(0, "download_unreachable", f"asset URL: {error}") from error
        return size


@dataclass
class Follow:
    """Polls one job until it finishes or `timeout` passes; time comes from `clock`/`sleep` (tests move them)."""

    client: AdForgeClient
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    interval: float = 0.5
    timeout: float = 600.0

    def run(
        self,
        job_id: str,
        on_change: Callable[[dict[str, Any], float], None],
        on_poll: Callable[[dict[str, Any], float], None] | None = None,
    ) -> dict[str, Any]:
        """`on_change` sees each new (status, vendor, attempts, progress); `on_poll` every answer (a live line)."""
        started = self.clock()
        last: tuple[Any, ...] | None = None
        while True:
            job = self.client.job(job_id)
            elapsed = self.clock() - started
            state = (job["status"], job.get("vendor"), len(job.get("attempts") or []), job.get("progress"))
            if state != last:
                on_change(job, elapsed)
                last = state
            if on_poll is not None:
                on_poll(job, elapsed)
            if job["status"] in FINISHED or elapsed >= self.timeout:
                return job
            self.sleep(min(self.interval, max(self.timeout - elapsed, 0.0)))
