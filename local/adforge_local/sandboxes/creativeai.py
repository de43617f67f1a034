"""CreativeAI sandbox, built from creativeai-api.txt.

Implements: `POST /api/v1/model/generateImage` + `GET /api/v1/model/prediction/{id}` (native async
images), `POST /v1/images/generations` and multipart `POST /v1/images/edits` (OpenAI-compatible,
synchronous), `POST /v1/video/generations` (alias `/v1/video/generate`) +
`GET /v1/video/generations/{id}`, Bearer auth, the documented error body
`{"error": {code, message, type, param}}`, 402 insufficient_credits, 429 with Retry-After, and
signed webhooks (`X-CreativeAI-Signature: sha256=<hex HMAC of the raw body, keyed by the API key>`,
`X-CreativeAI-Event`, `X-CreativeAI-Delivery-Id`) retried at 0 s / 5 s / 30 s.

Sandbox conventions: a prompt containing the word "forbidden" trips content moderation (400
content_policy_violation); outputs are real PNG (or MP4) bytes served under `/output/`. The account's keys are
`api_key` and `extra_keys`; a webhook is signed with the key that created its job.

Rate limits ("Rate Limits" and "Video-Specific Limits", all per API key), under `{"documented_rate_limits": true}`:
a video creation POST counts in a 5/minute window, a video status GET in a 120/minute one, every other API call
in the key's tier window (`tiers`: key -> free 10 / pro 100 / enterprise 1000 per minute; keys not in it are pro).
Reading: each call counts in exactly one of these three windows ("creation is rate-limited separately from
polling", and a 120/minute polling limit would mean nothing if polls also counted against 10 or 100). Downloads
(`/output/`, the CDN) are not counted. While any limit is on (this or `rate_limit_per_minute`), every
authenticated API answer carries X-RateLimit-Limit / -Remaining (after this call) / -Reset of the tightest window
the call counted in (for a call counted in none: the key's creation window). X-RateLimit-Reset is read as the
epoch second (rounded up) at which the oldest request in that window leaves it, i.e. when Remaining next goes up;
now, when the window is empty. Over a limit: the documented 429 rate_limit_exceeded with Retry-After.

Ledger: one entry per job id (`img_`, `vgen_`); the synchronous OpenAI-compatible endpoints return no id, so
theirs is the `sync-<n>` stem of their output file names. The prompt is the request's `prompt`.
"""

from __future__ import annotations

import email.message
import email.parser
import functools
import hashlib
import hmac
import itertools
import json
import math
import urllib.request
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from adforge_local.sandboxes.base import Reply, Request, Sandbox
from adforge_local.sandboxes.png import dimensions, mp4, png
from adforge_local.sandboxes.rate_window import Usage

IMAGE_SIZES = {"1024x1024", "1536x1024", "1024x1536", "1792x1024", "1024x1792"}
VIDEO_RATIOS = {"21:9", "16:9", "4:3", "1:1", "3:4", "9:16"}
RATIO_SIZES = {
    "21:9": "1792x768",
    "16:9": "1536x864",
    "4:3": "1024x768",
    "1:1": "1024x1024",
    "3:4": "768x1024",
    "9:16": "864x1536",
}
IMAGE_CREDITS = 2
VIDEO_CREDITS = 30
MAX_INPUT_BYTES = 20 * 1024 * 1024
TIERS = {"free": 10, "pro": 100, "enterprise": 1000}  # requests per minute per key
DEFAULT_TIER = "pro"
VIDEO_LIMITS = {"generate_video": 5, "video_status": 120}  # route -> requests per minute per key


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def _error(status: int, code: str, message: str, kind: str = "invalid_request_error", param: str | None = None) -> Reply:
    return Reply.json(status, {"error": {"code": code, "message": message, "type": kind, "param": param}})


def _form_fields(content_type: str, body: bytes) -> dict[str, bytes]:
    """multipart/form-data -> {field name: raw bytes}."""
    message = email.parser.BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: dict[str, bytes] = {}
    for part in message.get_payload() or []:
        if isinstance(part, email.message.Message):
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(payload, bytes):
                fields[name] = payload
    return fields


class CreativeAISandbox(Sandbox):
    name = "creativeai"
    creations = frozenset({"generate_image", "images_sync", "images_edit", "generate_video"})

    def __init__(
        self,
        api_key: str = "sk_sandbox_creativeai",
        credits: int = 10_000,
        extra_keys: Iterable[str] = (),
        tiers: Mapping[str, str] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.api_key = api_key
        self.api_keys = (api_key, *extra_keys)
        unknown = set((tiers or {}).values()) - set(TIERS)
        if unknown:
            raise ValueError(f"unknown tiers {sorted(unknown)}: choose from {sorted(TIERS)}")
        self.tiers: dict[str, str] = dict(tiers or {})
        self.credits = credits
        self.jobs: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self._ids = itertools.count(1)
        self.route("POST", "/api/v1/model/generateImage", "generate_image", self._generate_image)
        self.route("GET", "/api/v1/model/prediction/(?P<id>[^/]+)", "prediction", self._status)
        self.route("POST", "/v1/images/generations", "images_sync", self._images_sync)
        self.route("POST", "/v1/images/edits", "images_edit", self._images_edit)
        self.route("POST", "/v1/video/generations", "generate_video", self._generate_video)
        self.route("POST", "/v1/video/generate", "generate_video", self._generate_video)
        self.route("GET", "/v1/video/generations/(?P<id>[^/]+)", "video_status", self._status)
        self.route("GET", "/output/(?P<name>[^/]+)", "download", self._download, api=False)

    def forget_jobs(self) -> None:
        self.jobs.clear()
        self.files.clear()

    def authorized(self, request: Request) -> Reply | None:
        presented = request.headers.get("Authorization", "").encode()
        if any(hmac.compare_digest(presented, f"Bearer {key}".encode()) for key in self.api_keys):
            return None
        return _error(401, "authentication_error", "Invalid or missing API key.", "authentication_error")

    def rate_limits(self, name: str, identity: str) -> dict[str, int]:
        limits = super().rate_limits(name, identity)
        if self.faults.documented_rate_limits:
            if name in VIDEO_LIMITS:
                limits[name] = VIDEO_LIMITS[name]
            else:
                limits["tier"] = TIERS[self.tiers.get(identity, DEFAULT_TIER)]
        return limits

    def rate_headers(self, identity: str, usages: list[Usage], now: float) -> dict[str, str]:
        per_minute = self.faults.rate_limit_per_minute
        if not usages and per_minute:
            usages = [self.windows.usage("creation", identity, per_minute, now)]
        if not usages:
            return {}
        tightest = min(usages, key=lambda usage: usage.remaining)
        return {
            "X-RateLimit-Limit": str(tightest.limit),
            "X-RateLimit-Remaining": str(tightest.remaining),
            "X-RateLimit-Reset": str(math.ceil(tightest.reset)),
        }

    def fault_reply(self, status: int, retry_after: int | None) -> Reply:
        if status == 429:
            return Reply.json(
                429,
                {
                    "error": {
                        "code": "rate_limit_exceeded",
                        "message": "Too many requests.",
                        "type": "rate_limit_exceeded",
                        "param": None,
                    }
                },
                **{"Retry-After": str(retry_after or 1)},
            )
        return _error(status, "provider_unavailable", "Upstream provider is down.", "server_error")

    # validation shared by the endpoints ----------------------------------------------------
    def _check_prompt(self, prompt: Any) -> Reply | None:
        if not isinstance(prompt, str) or not prompt.strip():
            return _error(400, "invalid_request_error", "prompt is required", param="prompt")
        if "forbidden" in prompt.lower():
            return _error(
                400,
                "content_policy_violation",
                "Your request was rejected because it may generate content that violates our usage policy.",
                param="prompt",
            )
        return None

    def _charge(self, credits: int) -> Reply | None:
        with self.lock:
            if self.credits < credits:
                return _error(
                    402, "insufficient_credits", "Not enough credits. Top up at Dashboard -> Billing.", "insufficient_credits"
                )
            self.credits -= credits
        return None

    def _fetch_input(self, url: Any) -> tuple[bytes | None, Reply | None]:
        if url is None:
            return None, None
        try:
            with urllib.request.urlopen(str(url), timeout=10) as response:
                data = response.read(MAX_INPUT_BYTES + 1)
        except (OSError, ValueError):
            return None, _error(400, "invalid_request_error", "image_url could not be fetched", param="image_url")
        if len(data) > MAX_INPUT_BYTES or not (data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8\xff")):
            return None, _error(400, "invalid_request_error", "image_url must be a JPEG or PNG image", param="image_url")
        return data, None

    # async images ----------------------------------------------------------------------------
    def _generate_image(self, request: Request) -> Reply:
        body = request.json()
        refusal = self._check_prompt(body.get("prompt"))
        n = body.get("n", 1)
        size = body.get("size", "1024x1024")
        if refusal is None and (not isinstance(n, int) or not 1 <= n <= 4):
            refusal = _error(400, "invalid_request_error", "n must be between 1 and 4", param="n")
        if refusal is None and size not in IMAGE_SIZES:
            refusal = _error(400, "invalid_request_error", f"size must be one of {sorted(IMAGE_SIZES)}", param="size")
        if refusal is None and body.get("background", "auto") not in ("auto", "transparent"):
            refusal = _error(400, "invalid_request_error", "background must be auto or transparent", param="background")
        source, bad_input = self._fetch_input(body.get("image_url"))
        refusal = refusal or bad_input or self._charge(IMAGE_CREDITS * n)
        if refusal is not None:
            return refusal
        job = self._new_job(request, "img", "image.generation", body, credits=IMAGE_CREDITS * n, source=source)
        job.update(width=int(size.split("x")[0]), height=int(size.split("x")[1]), n=n, size=size)
        return Reply.json(202, self._public(job))

    # videos ----------------------------------------------------------------------------------
    def _generate_video(self, request: Request) -> Reply:
        body = request.json()
        refusal = self._check_prompt(body.get("prompt"))
        duration = body.get("duration", 5)
        ratio = body.get("aspect_ratio", "16:9")
        if refusal is None and (not isinstance(duration, int) or not 3 <= duration <= 15):
            refusal = _error(400, "invalid_request_error", "duration must be 3-15 seconds", param="duration")
        if refusal is None and ratio not in VIDEO_RATIOS:
            refusal = _error(
                400, "invalid_request_error", f"aspect_ratio must be one of {sorted(VIDEO_RATIOS)}", param="aspect_ratio"
            )
        source, bad_input = self._fetch_input(body.get("image_url"))
        refusal = refusal or bad_input or self._charge(VIDEO_CREDITS)
        if refusal is not None:
            return refusal
        job = self._new_job(request, "vgen", "video.generation", body, credits=VIDEO_CREDITS, source=source)
        job.update(
            n=1, size=RATIO_SIZES[ratio], model_actual="kling-o3-pro-i2v" if source else "kling-o3-pro-t2v", failover_used=False
        )
        return Reply.json(202, self._public(job))

    def _status(self, request: Request) -> Reply:
        job_id = request.match["id"]
        with self.lock:
            self.polls[job_id] += 1
            job = self.jobs.get(job_id)
        if job is None:
            return _error(404, "not_found", f"no generation {job_id}")
        return Reply.json(200, self._public(job))

    # synchronous OpenAI-compatible images ---------------------------------------------------
    def _images_sync(self, request: Request) -> Reply:
        body = request.json()
        refusal = self._check_prompt(body.get("prompt")) or self._charge(IMAGE_CREDITS * int(body.get("n", 1)))
        if refusal is not None:
            return refusal
        return self._sync_answer(request, body["prompt"], int(body.get("n", 1)), body.get("size", "1024x1024"))

    def _images_edit(self, request: Request) -> Reply:
        content_type = request.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            return _error(400, "invalid_request_error", "images/edits takes multipart/form-data", param="image")
        parts = _form_fields(content_type, request.body)
        data = parts.get("image")
        if data is None:
            return _error(400, "invalid_request_error", "image is required", param="image")
        if not (data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8\xff")):
            return _error(400, "invalid_request_error", "image must be PNG or JPEG", param="image")
        prompt = parts.get("prompt", b"").decode()
        size = parts.get("size", b"1024x1024").decode()
        refusal = self._check_prompt(prompt) or self._charge(IMAGE_CREDITS)
        if refusal is not None:
            return refusal
        return self._sync_answer(request, prompt, 1, size, seed=prompt + hashlib.sha256(data).hexdigest())

    def _sync_answer(self, request: Request, prompt: str, n: int, size: str, seed: str | None = None) -> Reply:
        stem = f"sync-{next(self._ids)}"
        self.bill(request, stem, prompt)
        urls = [self._store_png(f"{stem}-{i}", seed or prompt, size) for i in range(n)]
        return Reply.json(
            200, {"created": int(self.clock.now()), "data": [{"url": url, "revised_prompt": prompt} for url in urls]}
        )

    def _download(self, request: Request) -> Reply:
        found = self.files.get(request.match["name"])
        if found is None:
            return _error(404, "not_found", "no such output")
        return Reply(200, found[0], found[1])

    # job lifecycle ---------------------------------------------------------------------------
    def _new_job(
        self, request: Request, prefix: str, kind: str, body: dict[str, Any], credits: int, source: bytes | None
    ) -> dict[str, Any]:
        job_id = f"{prefix}_{next(self._ids):06d}"
        self.bill(request, job_id, body.get("prompt"))
        job = {
            "id": job_id, "object": kind, "model": body.get("model", "auto"), "status": "processing",
            "prompt": body.get("prompt"), "credits": credits, "output_url": None, "output_urls": [],
            "webhook_url": body.get("webhook_url"), "created_at": _stamp(self.clock.now()), "error": None,
            "seed": (body.get("prompt") or "") + (hashlib.sha256(source).hexdigest() if source else ""),
            "key": self.identity(request),
        }  # fmt: skip
        with self.lock:
            self.jobs[job_id] = job
        self.pace((self.faults.processing_seconds, functools.partial(self._finish, job_id)))
        return job

    def _finish(self, job_id: str) -> None:
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None or self.faults.never_finish:
                return
            if self.faults.fail_generation:
                job.update(
                    status="failed",
                    error={"message": "Generation failed upstream", "type": "server_error", "code": "generation_failed"},
                )
            else:
                urls = [self._render(job, i) for i in range(job["n"])]
                job.update(status="completed", output_url=urls[0], output_urls=urls)
            job["completed_at"] = _stamp(self.clock.now())
            snapshot = dict(job)
        if snapshot.get("webhook_url"):
            self._send_webhook(snapshot)
            if self.faults.reorder_webhooks:
                self._send_webhook(
                    {**snapshot, "status": "processing", "output_url": None, "output_urls": [], "completed_at": None}
                )

    def _render(self, job: dict[str, Any], index: int) -> str:
        name = f"{job['id']}-{index}"
        if job["object"] == "video.generation":
            self.files[name + ".mp4"] = (mp4(job["seed"] + name), "video/mp4")
            return f"{self.url}/output/{name}.mp4"
        return self._store_png(name, job["seed"], job["size"])

    def _store_png(self, name: str, seed: str, size: str) -> str:
        width, height = dimensions(size)
        self.files[name + ".png"] = (png(width, height, seed + name), "image/png")
        return f"{self.url}/output/{name}.png"

    def _public(self, job: dict[str, Any]) -> dict[str, Any]:
        public = {k: v for k, v in job.items() if k not in ("seed", "n", "size", "width", "height", "key")}
        if len(job.get("output_urls") or []) <= 1:
            public.pop("output_urls", None)
        return public

    def _send_webhook(self, job: dict[str, Any]) -> None:
        public = self._public(job)
        public["error_message"] = (job.get("error") or {}).get("message")
        body = json.dumps(public).encode()
        key = "not-the-key" if self.faults.bad_signature else job["key"]
        signature = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
        kind = "video" if job["object"] == "video.generation" else "image"
        headers = {
            "X-CreativeAI-Event": f"{kind}.generation.{job['status']}",
            "X-CreativeAI-Delivery-Id": job["id"],
            "X-CreativeAI-Signature": f"sha256={signature}",
        }
        self.deliver(job["webhook_url"], body, headers)
