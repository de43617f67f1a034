"""An in-memory AdForge API behind httpx.MockTransport: the routes the CLI calls, in the API's own shapes."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from PIL import Image

API = "https://api.example.test"
S3 = "https://bucket.s3.example.test"
KEY = "test-key"


def png(width: int, height: int, color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message, "request_id": "req-1"}})


@dataclass
class FakeApi:
    """`statuses`: what successive GETs of the job show; the last one repeats."""

    statuses: list[str] = field(default_factory=lambda: ["queued", "submitted", "processing", "completed"])
    create_failures: list[httpx.Response | Exception] = field(default_factory=list)  # answered before the 202
    refuse_create: httpx.Response | None = None
    final_error: dict[str, str] | None = None
    prompt: str = "a red mug on marble"
    uploads: list[httpx.Request] = field(default_factory=list)
    puts: list[tuple[httpx.Request, bytes]] = field(default_factory=list)
    creates: list[httpx.Request] = field(default_factory=list)
    gets: int = 0
    cancels: int = 0
    downloads: list[str] = field(default_factory=list)
    assets: dict[str, bytes] = field(default_factory=lambda: {"a1.png": png(64, 64), "a2.png": png(96, 54, (20, 90, 200))})
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def job(self, status: str) -> dict[str, Any]:
        finished = status in ("completed", "failed", "cancelled", "timed_out")
        served = status not in ("queued",)
        assets = [
            {
                "key": f"tenants/t/jobs/job-1/{name}",
                "content_type": "image/png",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "width": Image.open(io.BytesIO(data)).width,
                "height": Image.open(io.BytesIO(data)).height,
                "url": f"{S3}/tenants/t/jobs/job-1/{name}?X-Amz-Signature=abc",
            }
            for name, data in self.assets.items()
        ]
        return {
            "id": "job-1",
            "status": status,
            "request": {"prompt": self.prompt, "kind": "image", "aspect_ratios": ["1:1", "16:9"], "count": 1, "metadata": {}},
            "vendor_requested": "auto",
            "vendor": "creativeai" if served else None,
            "attempts": [{"vendor": "creativeai", "vendor_job_id": "cai-9", "outcome": "submitted", "at": "2026-01-01T00:00:01Z"}]
            if served
            else [],
            "progress": 50 if status == "processing" else None,
            "assets": assets if status == "completed" else [],
            "error": self.final_error if finished and status != "completed" else None,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:05Z",
            "timeline": [{"status": "queued", "at": "2026-01-01T00:00:00Z"}]
            + ([{"status": "processing", "at": "2026-01-01T00:00:02Z"}] if served else [])
            + ([{"status": status, "at": "2026-01-01T00:00:05Z"}] if status not in ("queued", "processing") else []),
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url.startswith(S3):
            return self._s3(request)
        if request.headers.get("Authorization") != f"Bearer {KEY}":
            return error(401, "unauthorized", "missing or invalid API key")
        path, method = request.url.path, request.method
        if (method, path) == ("POST", "/v1/uploads"):
            self.uploads.append(request)
            body = json.loads(request.content)
            headers = {"Content-Type": body["content_type"], "Content-Length": str(body["content_length"])}
            return httpx.Response(
                200,
                json={
                    "key": "tenants/t/uploads/u1.png",
                    "url": f"{S3}/up/u1?sig=1",
                    "method": "PUT",
                    "headers": headers,
                    "expires_in": 900,
                },
            )
        if (method, path) == ("POST", "/v1/jobs"):
            self.creates.append(request)
            if self.create_failures:
                failure = self.create_failures.pop(0)
                if isinstance(failure, Exception):
                    raise failure
                return failure
            if self.refuse_create is not None:
                return self.refuse_create
            return httpx.Response(202, json=self.job("queued"))
        if (method, path) == ("GET", "/v1/jobs/job-1"):
            status = self.statuses[min(self.gets, len(self.statuses) - 1)]
            self.gets += 1
            return httpx.Response(200, json=self.job(status))
        if method == "GET" and path.startswith("/v1/jobs/"):
            return error(404, "job_not_found", "no such job")
        if (method, path) == ("POST", "/v1/jobs/job-1/cancel"):
            self.cancels += 1
            if self.statuses[-1] != "processing":
                return error(409, "job_finished", "job already finished")
            return httpx.Response(200, json=self.job("cancelled"))
        if (method, path) == ("GET", "/v1/jobs"):
            limit = int(request.url.params["limit"])
            return httpx.Response(
                200, json={"jobs": [self.job("completed")][:limit], "next_cursor": request.url.params.get("cursor")}
            )
        if (method, path) == ("GET", "/v1/vendors"):
            vendor = {
                "name": "creativeai",
                "kinds": ["image", "video"],
                "aspect_ratios": ["1:1", "16:9"],
                "ratios_per_job": 1,
                "max_count": 4,
                "webhooks": True,
                "healthy": True,
                "prices_usd": {"image": 0.04, "video": 0.5},
                "cost_per_output_usd": 0.04,
            }
            return httpx.Response(200, json={"vendors": [vendor]})
        return error(404, "not_found", f"no route {method} {path}")

    def _s3(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            body = request.read()
            self.puts.append((request, body))
            if "Authorization" in request.headers:  # S3 refuses a presigned URL with a second authentication
                return httpx.Response(400, text="InvalidArgument: Only one auth mechanism allowed")
            if request.headers.get("Content-Length") != str(len(body)):
                return httpx.Response(403, text="SignatureDoesNotMatch")
            return httpx.Response(200)
        name = request.url.path.rsplit("/", 1)[-1]
        self.downloads.append(name)
        return httpx.Response(200, content=self.assets[name])
