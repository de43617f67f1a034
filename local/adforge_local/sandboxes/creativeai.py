"""CreativeAI sandbox, built from creativeai-api.txt.

Implements, with Bearer auth and the documented error body `{"error": {code, message, type, param}}`:

- `POST /v1/images/generations` (OpenAI-compatible, synchronous: `{"created", "data": [{"url", "revised_prompt"}]}`,
  one item per `n`) and multipart `POST /v1/images/edits` (`image` file, optional `mask`, `prompt`, `size`; the same
  answer with one item);
- `POST /api/v1/model/generateImage` (native, async, 202) + `GET /api/v1/model/prediction/{id}`;
- `POST /v1/video/generations` (alias `/v1/video/generate`, 202) + `GET /v1/video/generations/{id}`;
- `POST /v1/video/generations/batch` (1-20 videos, 202) + `GET /v1/video/generations/batch/{batch_id}`;
- 402 insufficient_credits, 429 rate_limit_exceeded with Retry-After, 400 invalid_request_error naming the `param`,
  400 content_policy_violation; webhooks for completed and failed jobs, retried at 0 s / 5 s / 30 s.

Parameters, as documented and no more:

- image `size`: only 1024x1024, 1536x1024, 1024x1536 ("Image Generation Parameters"), on every image endpoint; any
  other size is the documented 400 (param `size`). The FAQ's character-references example sends "1792x1024"; it
  contradicts the parameter list and is refused like any other undocumented size. `n` 1-4, `background` auto or
  transparent (transparent: an RGBA PNG with a transparent background), `quality` standard or hd.
- `image_url` is documented on the video endpoints only (`/v1/video/generations`, batch `prompts[].image_url`), as
  a JPEG or PNG: the sandbox fetches it and refuses anything else (400, param `image_url`). On an image endpoint
  the doc has no `image_url` (a product photo goes into a scene through `/v1/images/edits`, multipart `image=`):
  sending one is a 400 (param `image_url`), so a photo is never silently dropped. The edits `image` may be PNG, JPEG
  or WebP (the doc names no formats for it); a `mask` must be a PNG ("Masks should be PNG images").
- video: `duration` 3-15, `aspect_ratio` 21:9 16:9 4:3 1:1 3:4 9:16, `resolution` 480p 720p 1080p, `failover`
  boolean; batch: `prompts` an array of 1-20 `{"prompt", "image_url"?}`, with the shared model, aspect_ratio,
  duration and webhook_url (no `resolution`, no `failover`: the batch lists neither).
- Every endpoint refuses a field it does not document (400 invalid_request_error, `param` = the field): the image
  endpoints take their parameter list plus the FAQ's reference fields (`character_references`,
  `character_reference_url`, `camera_angle`, `style_reference_url`; the native one also `webhook_url`), edits its
  form fields (model, image, mask, prompt, outpaint_direction, style_reference_url, size: no `background`), video
  its parameter list, the reference fields and the FAQ's `multi_shot_prompts`, `ai_director_mode`,
  `webhook_auto_retry`.

Bodies: exactly the keys of the doc's examples.

- Video (`/v1/video/generations`): text-to-video answers the keys of the t2v examples, image-to-video those of the
  i2v examples (they differ: the i2v examples show `image_url` and no `failover_used`; the i2v completion has no
  `created_at`). 202: id, object, model, model_actual, status, prompt, [image_url], credits, [failover_used],
  output_url, [webhook_url when one was sent], created_at. Completed GET: t2v adds error, failover_used, `debug`
  (the documented routing block, while `video_debug` is true: the doc's "when enabled for your environment"),
  created_at, completed_at; i2v: image_url, error, completed_at. Failed GET (t2v example): error
  `{message, type, code}`, failover_used, created_at, completed_at, no debug. A processing GET (no example) is the
  202 body without webhook_url.
- Native images (`generateImage`, `prediction`): the only documented native image body is the image webhook
  example, so every status is that key set: id, object, status, model, prompt, output_url, revised_prompt, width,
  height, credits, completed_at (null until it ends); a failed one adds `error` `{message, type, code}` (as the
  failed video does). One `output_url` per generation: `n` > 1 is accepted and charged per image (the native body
  shows one output and no way to read more), one image is rendered.
- Batch: the 202 `{batch_id, total_jobs, jobs: [{id, prompt, status: "pending", credits}], credits_charged}` and
  the GET `{batch_id, total_jobs, completed, failed, pending, processing, jobs: [{id, prompt, image_url, status,
  output_url, error_message, credits}]}` of the doc. Batch videos (`vid_` ids) are read through the batch only
  (the doc documents no per-video status for them). Each runs on its own: every video is `pending`, then
  `processing` from 1/(2N) of `processing_seconds`, and video i of N ends at (i + 1)/N of it.
- Webhooks: the documented payloads, per event: `video.generation.completed` / `.failed` (the doc's two video
  examples), `image.generation.completed` (its image example; `.failed`, not shown, is that body plus `error`,
  `error_message` and `credits_refunded`, the three fields the failed video adds), `video.batch.completed` once
  every video of a batch has ended (`.failed` when none completed). Headers `X-CreativeAI-Event`,
  `X-CreativeAI-Delivery-Id` (the job or batch id) and, only when a signing secret is configured,
  `X-CreativeAI-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed by the signing secret>`.

The signing secret is a sandbox setting, distinct from the API keys: `signing_secret` (constructor argument and
attribute, read and set at run time), `SIGNING_SECRET` by default; None means no secret is configured and
deliveries carry no signature ("X-CreativeAI-Signature is included when a signing secret is configured"). The
doc's Integration Planning Tips also say "Use your API key as the HMAC secret": pass `signing_secret=api_key` to
rehearse that reading. `bad_signature` sends a signature made with another secret (even when unsigned).

Credits: images 2 each (the image webhook's `credits`), videos 30 each (the batch and i2v examples); a failed
generation is refunded (the failed webhook's `credits_refunded`), a refused request is not billed.

Sandbox conventions: a prompt containing the word "forbidden" trips content moderation (400
content_policy_violation); outputs are real PNG (or MP4) bytes served under `/output/` (an MP4's movie header gives
the requested `duration`, 5 s when none is sent: the doc states no default, every example sends 5), images at 1/4 of their
documented pixel size (same ratio; `width`/`height` in bodies are the documented size). Every image output is drawn by
compose.py: an edit's `image` is keyed out of its backdrop and placed on the scene the prompt seeds, and text in double
quotes in a prompt is drawn as a headline band (the doc has no headline field). The generations' reference fields
(`character_reference_url`, `character_references`, `style_reference_url`, also on edits) are accepted and not fetched:
they steer characters and style, not a product to place, so those images keep the plain scene; a video's `image_url`
is fetched and checked, and its output is the MP4 stand-in (nothing is composed into it). `video_debug` (default true)
switches the status-only debug block. The account's keys are `api_key` and `extra_keys`. Unknown job ids are 404
invalid_request_error (param `id`). `reorder_webhooks` sends a stale `processing` copy of a single job's final
delivery after it.

Rate limits ("Rate Limits" and "Video-Specific Limits", all per API key), under `{"documented_rate_limits": true}`:
a video creation POST (single or batch) counts in a 5/minute window, a video status GET (single or batch) in a
120/minute one, every other API call in the key's tier window (`tiers`: key -> free 10 / pro 100 / enterprise 1000
per minute; keys not in it are pro). Reading: each call counts in exactly one of these three windows ("creation is
rate-limited separately from polling", and a 120/minute polling limit would mean nothing if polls also counted
against 10 or 100). Downloads (`/output/`, the CDN) are not counted. While any limit is on (this or
`rate_limit_per_minute`), every authenticated API answer carries X-RateLimit-Limit / -Remaining (after this call) /
-Reset of the tightest window the call counted in (for a call counted in none: the key's creation window).
X-RateLimit-Reset is read as the epoch second (rounded up) at which the oldest request in that window leaves it,
i.e. when Remaining next goes up; now, when the window is empty. Over a limit: the documented 429
rate_limit_exceeded with Retry-After.

Ledger: one entry per job id (`img_`, `vgen_`, and each batch video's `vid_`); the synchronous OpenAI-compatible
endpoints return no id, so theirs is the `sync-<n>` stem of their output file names. The prompt is the request's
`prompt` (a batch video's own).
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
from adforge_local.sandboxes.compose import compose
from adforge_local.sandboxes.png import dimensions, mp4
from adforge_local.sandboxes.rate_window import Usage

SIGNING_SECRET = "whsec_sandbox_creativeai"  # noqa: S105 - the sandbox's default webhook signing secret
IMAGE_SIZES = ("1024x1024", "1536x1024", "1024x1536")
BACKGROUNDS = ("auto", "transparent")
QUALITIES = ("standard", "hd")
VIDEO_RATIOS = ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16")
VIDEO_RESOLUTIONS = ("480p", "720p", "1080p")
MAX_BATCH = 20
DEFAULT_SECONDS = 5  # a video sent without `duration`: every doc example's length (the doc states no default)
IMAGE_CREDITS = 2
VIDEO_CREDITS = 30
MAX_INPUT_BYTES = 20 * 1024 * 1024
TIERS = {"free": 10, "pro": 100, "enterprise": 1000}  # requests per minute per key
DEFAULT_TIER = "pro"
VIDEO_LIMITS = {"generate_video": 5, "video_batch": 5, "video_status": 120, "video_batch_status": 120}  # per minute
PROVIDERS = {"auto": "kling-o3-pro", "kling-o3-pro": "kling-o3-pro", "kling-v3": "kling-v3", "seedance-1.5-pro": "seedance"}
PNG_MAGIC, JPEG_MAGIC = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"

# the fields each endpoint documents (its parameter list, its examples, and the FAQ's "Works on both
# /v1/images/generations and /v1/video/generations" reference fields); any other is the documented 400 naming it
REFERENCE_FIELDS = ("character_references", "character_reference_url", "camera_angle", "style_reference_url")
IMAGE_FIELDS = frozenset({"model", "prompt", "size", "background", "n", "quality", *REFERENCE_FIELDS})
NATIVE_IMAGE_FIELDS = IMAGE_FIELDS | {"webhook_url"}  # the native API's async image webhook
EDIT_FIELDS = frozenset({"model", "image", "mask", "prompt", "outpaint_direction", "style_reference_url", "size"})
VIDEO_FIELDS = frozenset({"model", "prompt", "image_url", "duration", "aspect_ratio", "resolution", "failover", "webhook_url",
                          "webhook_auto_retry", "multi_shot_prompts", "ai_director_mode", *REFERENCE_FIELDS})  # fmt: skip
BATCH_FIELDS = frozenset({"prompts", "model", "aspect_ratio", "duration", "webhook_url"})
BATCH_PROMPT_FIELDS = frozenset({"prompt", "image_url"})

# the keys of each documented body ------------------------------------------------------------------
VIDEO_T2V_ACCEPTED = ("id", "object", "model", "model_actual", "status", "prompt", "credits", "failover_used",
                      "output_url", "webhook_url", "created_at")  # fmt: skip
VIDEO_I2V_ACCEPTED = ("id", "object", "model", "model_actual", "status", "prompt", "image_url", "credits",
                      "output_url", "webhook_url", "created_at")  # fmt: skip
VIDEO_T2V_COMPLETED = ("id", "object", "model", "model_actual", "status", "prompt", "credits", "output_url", "error",
                       "failover_used", "debug", "created_at", "completed_at")  # fmt: skip
VIDEO_I2V_COMPLETED = ("id", "object", "model", "model_actual", "status", "prompt", "image_url", "credits",
                       "output_url", "error", "completed_at")  # fmt: skip
VIDEO_T2V_FAILED = ("id", "object", "model", "model_actual", "status", "prompt", "credits", "output_url", "error",
                    "failover_used", "created_at", "completed_at")  # fmt: skip
VIDEO_WEBHOOK_COMPLETED = ("id", "object", "status", "model", "model_actual", "prompt", "output_url", "error_message",
                           "credits", "failover_used", "completed_at")  # fmt: skip
VIDEO_WEBHOOK_FAILED = ("id", "object", "status", "model", "model_actual", "prompt", "output_url", "error",
                        "error_message", "credits", "credits_refunded", "failover_used", "completed_at")  # fmt: skip
IMAGE_BODY = ("id", "object", "status", "model", "prompt", "output_url", "revised_prompt", "width", "height", "credits",
              "completed_at")  # fmt: skip
IMAGE_WEBHOOK_FAILED = (*IMAGE_BODY, "error", "error_message", "credits_refunded")
BATCH_ACCEPTED_JOB = ("id", "prompt", "status", "credits")
BATCH_STATUS_JOB = ("id", "prompt", "image_url", "status", "output_url", "error_message", "credits")
BATCH_WEBHOOK_JOB = ("id", "prompt", "status", "output_url", "credits")


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status: int, code: str, message: str, kind: str = "invalid_request_error", param: str | None = None) -> Reply:
    return Reply.json(status, {"error": {"code": code, "message": message, "type": kind, "param": param}})


def _invalid(param: str, message: str) -> Reply:
    return _error(400, "invalid_request_error", message, param=param)


def _pick(record: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: record.get(key) for key in keys}


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


def _is_count(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _undocumented(body: Mapping[str, Any], allowed: frozenset[str], where: str = "") -> Reply | None:
    """The first field the endpoint does not document, as the 400 naming it."""
    extra = sorted(set(body) - allowed)
    return _invalid(f"{where}{extra[0]}", f"{extra[0]} is not a parameter of this endpoint") if extra else None


def _image_options(body: Mapping[str, Any], allowed: frozenset[str] = IMAGE_FIELDS) -> Reply | None:
    """The documented Image Generation Parameters (size, n, background, quality); no image_url, nothing else."""
    if "image_url" in body:
        return _invalid(
            "image_url",
            "image_url is not a parameter of the image endpoints: put a product photo into a scene with "
            "/v1/images/edits (multipart image).",
        )
    refusal = _undocumented(body, allowed)
    if refusal is not None:
        return refusal
    if body.get("size", "1024x1024") not in IMAGE_SIZES:
        return _invalid("size", f"size must be one of {', '.join(IMAGE_SIZES)}")
    if not _is_count(body.get("n", 1), 1, 4):
        return _invalid("n", "n must be an integer between 1 and 4")
    if body.get("background", "auto") not in BACKGROUNDS:
        return _invalid("background", "background must be auto or transparent")
    if body.get("quality", "standard") not in QUALITIES:
        return _invalid("quality", "quality must be standard or hd")
    return None


def _video_options(body: Mapping[str, Any], allowed: frozenset[str] = VIDEO_FIELDS) -> Reply | None:
    refusal = _undocumented(body, allowed)
    if refusal is not None:
        return refusal
    if not _is_count(body.get("duration", 5), 3, 15):
        return _invalid("duration", "duration must be an integer between 3 and 15 seconds")
    if body.get("aspect_ratio", "16:9") not in VIDEO_RATIOS:
        return _invalid("aspect_ratio", f"aspect_ratio must be one of {', '.join(VIDEO_RATIOS)}")
    if body.get("resolution", "720p") not in VIDEO_RESOLUTIONS:
        return _invalid("resolution", f"resolution must be one of {', '.join(VIDEO_RESOLUTIONS)}")
    if not isinstance(body.get("failover", True), bool):
        return _invalid("failover", "failover must be a boolean")
    return None


def _debug(model_actual: str, prediction: int) -> dict[str, Any]:
    """The documented status-only debug block (routing and failover metadata)."""
    return {
        "provider_requested": model_actual,
        "provider_actual": model_actual,
        "submission_failover_used": False,
        "submission_failover_reason": None,
        "routing_safe_fallback_applied": False,
        "routing_fallback_reason": None,
        "routing_preferred_provider": model_actual,
        "routing_legacy_provider": model_actual,
        "routing_confidence_margin": 0.0,
        "async_capacity_failover_attempted": False,
        "async_capacity_failover_reason": None,
        "prediction_id_original": None,
        "prediction_id_current": f"pred_{prediction}",
    }


class CreativeAISandbox(Sandbox):
    name = "creativeai"
    creations = frozenset({"generate_image", "images_sync", "images_edit", "generate_video", "video_batch"})

    def __init__(
        self,
        api_key: str = "sk_sandbox_creativeai",
        credits: int = 10_000,
        extra_keys: Iterable[str] = (),
        tiers: Mapping[str, str] | None = None,
        signing_secret: str | None = SIGNING_SECRET,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.api_key = api_key
        self.api_keys = (api_key, *extra_keys)
        unknown = set((tiers or {}).values()) - set(TIERS)
        if unknown:
            raise ValueError(f"unknown tiers {sorted(unknown)}: choose from {sorted(TIERS)}")
        self.tiers: dict[str, str] = dict(tiers or {})
        self.signing_secret = signing_secret
        self.video_debug = True
        self.credits = credits
        self.jobs: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self._ids = itertools.count(1)
        self.route("POST", "/api/v1/model/generateImage", "generate_image", self._generate_image)
        self.route("GET", "/api/v1/model/prediction/(?P<id>[^/]+)", "prediction", self._image_status)
        self.route("POST", "/v1/images/generations", "images_sync", self._images_sync)
        self.route("POST", "/v1/images/edits", "images_edit", self._images_edit)
        self.route("POST", "/v1/video/generations", "generate_video", self._generate_video)
        self.route("POST", "/v1/video/generate", "generate_video", self._generate_video)
        self.route("POST", "/v1/video/generations/batch", "video_batch", self._generate_batch)
        self.route("GET", "/v1/video/generations/batch/(?P<id>[^/]+)", "video_batch_status", self._batch_status)
        self.route("GET", "/v1/video/generations/(?P<id>[^/]+)", "video_status", self._video_status)
        self.route("GET", "/output/(?P<name>[^/]+)", "download", self._download, api=False)

    def forget_jobs(self) -> None:
        self.jobs.clear()
        self.batches.clear()
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
                limits["video_creation" if name in self.creations else "video_status"] = VIDEO_LIMITS[name]
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
            error = {"code": "rate_limit_exceeded", "message": "Too many requests.", "type": "rate_limit_exceeded", "param": None}
            return Reply.json(429, {"error": error}, **{"Retry-After": str(retry_after or 1)})
        return _error(status, "provider_unavailable", "Upstream provider is down.", "server_error")

    # validation shared by the endpoints ----------------------------------------------------
    @staticmethod
    def _json(request: Request) -> tuple[dict[str, Any], Reply | None]:
        try:
            body = request.json()
        except ValueError:
            return {}, _invalid("body", "The request body must be valid JSON.")
        if not isinstance(body, dict):
            return {}, _invalid("body", "The request body must be a JSON object.")
        return body, None

    @staticmethod
    def _check_prompt(prompt: Any, param: str = "prompt") -> Reply | None:
        if not isinstance(prompt, str) or not prompt.strip():
            return _invalid(param, f"{param} is required")
        if "forbidden" in prompt.lower():
            return _error(
                400,
                "content_policy_violation",
                "Your request was rejected because it may generate content that violates our usage policy.",
                param=param,
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

    @staticmethod
    def _fetch_input(url: Any, param: str) -> tuple[bytes | None, Reply | None]:
        """A video's image_url: fetched, and a JPEG or PNG ("Publicly accessible HTTPS URL to a JPEG or PNG image")."""
        if url is None:
            return None, None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return None, _invalid(param, f"{param} must be an http(s) URL")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                data = response.read(MAX_INPUT_BYTES + 1)
        except (OSError, ValueError):
            return None, _invalid(param, f"{param} could not be fetched")
        if len(data) > MAX_INPUT_BYTES or not data.startswith((PNG_MAGIC, JPEG_MAGIC)):
            return None, _invalid(param, f"{param} must be a JPEG or PNG image")
        return data, None

    # images ------------------------------------------------------------------------------------
    def _generate_image(self, request: Request) -> Reply:
        body, refusal = self._json(request)
        refusal = refusal or self._check_prompt(body.get("prompt")) or _image_options(body, NATIVE_IMAGE_FIELDS)
        n = body.get("n", 1)
        refusal = refusal or self._charge(IMAGE_CREDITS * n)
        if refusal is not None:
            return refusal
        size = body.get("size", "1024x1024")
        width, height = (int(part) for part in size.split("x"))
        job = self._new_job(
            request, "img", body, credits=IMAGE_CREDITS * n, seed=body["prompt"], object="image.generation",
            model=body.get("model", "dall-e-3"), size=size, width=width, height=height, revised_prompt=None,
            completed_at=None, transparent=body.get("background") == "transparent",
        )  # fmt: skip
        return Reply.json(202, self._image_body(job))

    def _image_status(self, request: Request) -> Reply:
        job = self._poll(request.match["id"], "img")
        return Reply.json(200, self._image_body(job)) if job else self._unknown(request.match["id"])

    def _images_sync(self, request: Request) -> Reply:
        body, refusal = self._json(request)
        refusal = refusal or self._check_prompt(body.get("prompt")) or _image_options(body)
        n = body.get("n", 1)
        refusal = refusal or self._charge(IMAGE_CREDITS * n)
        if refusal is not None:
            return refusal
        transparent = body.get("background") == "transparent"
        return self._sync_answer(request, body["prompt"], n, body.get("size", "1024x1024"), body["prompt"], transparent)

    def _images_edit(self, request: Request) -> Reply:
        content_type = request.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            return _invalid("image", "images/edits takes multipart/form-data")
        parts = _form_fields(content_type, request.body)
        data, mask = parts.get("image"), parts.get("mask")
        if data is None:
            return _invalid("image", "image is required")
        if not (data.startswith((PNG_MAGIC, JPEG_MAGIC)) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")):
            return _invalid("image", "image must be a PNG, JPEG or WebP image")
        if mask is not None and not mask.startswith(PNG_MAGIC):
            return _invalid("mask", "mask must be a PNG image")
        if mask is not None and data.startswith(PNG_MAGIC) and mask[16:24] != data[16:24]:
            return _invalid("mask", "mask must match the dimensions of the input image")
        fields = {name: value.decode("utf-8", "replace") for name, value in parts.items() if name not in ("image", "mask")}
        prompt = fields.get("prompt", "")
        options: dict[str, Any] = {key: fields[key] for key in ("size", "image_url") if key in fields}  # no n, no quality
        undocumented = None if "image_url" in fields else _undocumented(parts, EDIT_FIELDS)  # e.g. background
        refusal = undocumented or self._check_prompt(prompt) or _image_options(options)
        refusal = refusal or self._charge(IMAGE_CREDITS)
        if refusal is not None:
            return refusal
        seed = prompt + hashlib.sha256(data).hexdigest()
        return self._sync_answer(request, prompt, 1, fields.get("size", "1024x1024"), seed, False, product=data)

    def _sync_answer(
        self, request: Request, prompt: str, n: int, size: str, seed: str, transparent: bool, product: bytes | None = None
    ) -> Reply:
        """`product`: an edit's photo, composed into each output (the merchant's product visibly in the scene)."""
        stem = f"sync-{next(self._ids)}"
        self.bill(request, stem, prompt)
        urls = [self._store_png(f"{stem}-{i}", seed, size, transparent, prompt, product) for i in range(n)]
        return Reply.json(
            200, {"created": int(self.clock.now()), "data": [{"url": url, "revised_prompt": prompt} for url in urls]}
        )

    # videos ------------------------------------------------------------------------------------
    def _generate_video(self, request: Request) -> Reply:
        body, refusal = self._json(request)
        refusal = refusal or self._check_prompt(body.get("prompt")) or _video_options(body)
        source, bad_input = (None, None) if refusal else self._fetch_input(body.get("image_url"), "image_url")
        refusal = refusal or bad_input or self._charge(VIDEO_CREDITS)
        if refusal is not None:
            return refusal
        seed = body["prompt"] + (hashlib.sha256(source).hexdigest() if source else "")
        mode = "i2v" if source else "t2v"
        model = body.get("model", "auto")
        job = self._new_job(
            request, "vgen", body, credits=VIDEO_CREDITS, seed=seed, object="video.generation", model=model, mode=mode,
            image_url=body.get("image_url"), model_actual=f"{PROVIDERS.get(model, model)}-{mode}", failover_used=False,
            prediction=next(self._ids), duration=body.get("duration", DEFAULT_SECONDS),
        )  # fmt: skip
        return Reply.json(202, self._video_body(job, accepted=True))

    def _video_status(self, request: Request) -> Reply:
        job = self._poll(request.match["id"], "vgen")
        return Reply.json(200, self._video_body(job, accepted=False)) if job else self._unknown(request.match["id"])

    def _generate_batch(self, request: Request) -> Reply:
        body, refusal = self._json(request)
        prompts = body.get("prompts")
        if refusal is None and (not isinstance(prompts, list) or not 1 <= len(prompts) <= MAX_BATCH):
            refusal = _invalid("prompts", f"prompts must be an array of 1-{MAX_BATCH} prompt configs")
        items: list[dict[str, Any]] = prompts if refusal is None and isinstance(prompts, list) else []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                refusal = refusal or _invalid(f"prompts[{index}]", "each prompt config must be an object")
            else:
                refusal = refusal or _undocumented(item, BATCH_PROMPT_FIELDS, f"prompts[{index}].")
                refusal = refusal or self._check_prompt(item.get("prompt"), f"prompts[{index}].prompt")
        refusal = refusal or _video_options(body, BATCH_FIELDS)  # no resolution, no failover: not batch parameters
        sources: list[bytes | None] = []
        for index, item in enumerate(items):
            if refusal is None:
                source, refusal = self._fetch_input(item.get("image_url"), f"prompts[{index}].image_url")
                sources.append(source)
        refusal = refusal or self._charge(VIDEO_CREDITS * len(items))
        if refusal is not None:
            return refusal
        batch_id = f"video_batch_{next(self._ids):06d}"
        jobs: list[dict[str, Any]] = []
        for item, source in zip(items, sources, strict=True):
            job_id = f"vid_{next(self._ids):06d}"
            self.bill(request, job_id, item["prompt"])
            seed = item["prompt"] + (hashlib.sha256(source).hexdigest() if source else "")
            jobs.append({"id": job_id, "prompt": item["prompt"], "image_url": item.get("image_url"), "status": "pending",
                         "output_url": None, "error_message": None, "credits": VIDEO_CREDITS, "seed": seed})  # fmt: skip
        batch = {"batch_id": batch_id, "webhook_url": body.get("webhook_url"), "jobs": jobs, "completed_at": None,
                 "duration": body.get("duration", DEFAULT_SECONDS)}  # fmt: skip
        with self.lock:
            self.batches[batch_id] = batch
        total, seconds = len(items), self.faults.processing_seconds
        self.pace(
            *(
                step
                for index in range(total)
                for step in (
                    (seconds / (2 * total), functools.partial(self._start_batch_job, batch_id, index)),
                    (seconds * (index + 1) / total, functools.partial(self._finish_batch_job, batch_id, index)),
                )
            )
        )
        accepted = {
            "batch_id": batch_id,
            "total_jobs": total,
            "jobs": [_pick(job, BATCH_ACCEPTED_JOB) for job in jobs],
            "credits_charged": VIDEO_CREDITS * total,
        }
        return Reply.json(202, accepted)

    def _batch_status(self, request: Request) -> Reply:
        batch_id = request.match["id"]
        with self.lock:
            self.record_status_call(batch_id)
            batch = self.batches.get(batch_id)
            body = None if batch is None else self._batch_body(batch)
        return Reply.json(200, body) if body is not None else self._unknown(batch_id)

    def _download(self, request: Request) -> Reply:
        found = self.files.get(request.match["name"])
        if found is None:
            return _error(404, "invalid_request_error", "No such output.", param="name")
        return Reply(200, found[0], found[1])

    # job lifecycle -------------------------------------------------------------------------------
    def _new_job(
        self, request: Request, prefix: str, body: dict[str, Any], credits: int, seed: str, **fields: Any
    ) -> dict[str, Any]:
        """Store a processing job (`fields`: what its kind adds) and start its pace."""
        job_id = f"{prefix}_{next(self._ids):06d}"
        self.bill(request, job_id, body.get("prompt"))
        job = {"id": job_id, "status": "processing", "prompt": body.get("prompt"), "credits": credits,
               "output_url": None, "webhook_url": body.get("webhook_url"), "created_at": _stamp(self.clock.now()),
               "error": None, "seed": seed, "key": self.identity(request), **fields}  # fmt: skip
        with self.lock:
            self.jobs[job_id] = job
        self.pace((self.faults.processing_seconds, functools.partial(self._finish, job_id)))
        return job

    def _poll(self, job_id: str, prefix: str) -> dict[str, Any] | None:
        with self.lock:
            self.record_status_call(job_id)
            job = self.jobs.get(job_id)
            return dict(job) if job is not None and job_id.startswith(f"{prefix}_") else None

    @staticmethod
    def _unknown(job_id: str) -> Reply:
        return _error(404, "invalid_request_error", f"No generation {job_id}.", param="id")

    def _finish(self, job_id: str) -> None:
        with self.lock:
            job = self.jobs.get(job_id)
            if job is None or self.faults.never_finish:
                return
            if self.faults.fail_generation:
                error = {"message": "Generation failed upstream", "type": "server_error", "code": "generation_failed"}
                job.update(status="failed", error=error)
                self.credits += job["credits"]  # refunded (the failed webhook's credits_refunded)
            else:
                job.update(status="completed", output_url=self._render(job))
                if job["object"] == "image.generation":
                    job["revised_prompt"] = job["prompt"]
            job["completed_at"] = _stamp(self.clock.now())
            self.record_finished(job_id)
            snapshot = dict(job)
        if snapshot.get("webhook_url"):
            self._send(snapshot["webhook_url"], self._webhook_body(snapshot), self._event(snapshot), snapshot["id"])
            if self.faults.reorder_webhooks:
                stale = {**self._webhook_body(snapshot), "status": "processing", "output_url": None, "completed_at": None}
                self._send(snapshot["webhook_url"], stale, f"{snapshot['object']}.processing", snapshot["id"])

    def _start_batch_job(self, batch_id: str, index: int) -> None:
        with self.lock:
            batch = self.batches.get(batch_id)
            if batch is not None and not self.faults.never_finish and batch["jobs"][index]["status"] == "pending":
                batch["jobs"][index]["status"] = "processing"

    def _finish_batch_job(self, batch_id: str, index: int) -> None:
        with self.lock:
            batch = self.batches.get(batch_id)
            if batch is None or self.faults.never_finish:
                return
            job = batch["jobs"][index]
            if self.faults.fail_generation:
                job.update(status="failed", error_message="Generation failed upstream", credits=0)
                self.credits += VIDEO_CREDITS  # refunded
            else:
                name = f"{job['id']}.mp4"
                self.files[name] = (mp4(job["seed"] + name, batch["duration"]), "video/mp4")
                job.update(status="completed", output_url=f"{self.url}/output/{name}")
            ended = all(other["status"] in ("completed", "failed") for other in batch["jobs"])
            if not ended:
                return
            batch["completed_at"] = _stamp(self.clock.now())
            self.record_finished(batch_id)
            jobs = batch["jobs"]
            completed = sum(other["status"] == "completed" for other in jobs)
            status = "completed" if completed else "failed"
            payload = {
                "batch_id": batch_id,
                "object": "video.batch",
                "status": status,
                "total_jobs": len(jobs),
                "completed": completed,
                "failed": len(jobs) - completed,
                "jobs": [_pick(other, BATCH_WEBHOOK_JOB) for other in jobs],
                "total_credits": sum(other["credits"] for other in jobs),
                "completed_at": batch["completed_at"],
            }
            url = batch["webhook_url"]
        if url:
            self._send(url, payload, f"video.batch.{status}", batch_id)

    def _render(self, job: dict[str, Any]) -> str:
        if job["object"] == "video.generation":
            name = f"{job['id']}.mp4"
            self.files[name] = (mp4(job["seed"] + name, job["duration"]), "video/mp4")
            return f"{self.url}/output/{name}"
        return self._store_png(job["id"], job["seed"], job["size"], job["transparent"], job["prompt"])

    def _store_png(self, name: str, seed: str, size: str, transparent: bool, prompt: str, product: bytes | None = None) -> str:
        """One image output: the seeded scene, `product` (an edit's photo) on it, the prompt's quoted text as headline."""
        width, height = dimensions(size)
        data = compose(width, height, seed + name, product, prompt, alpha=transparent)
        self.files[name + ".png"] = (data, "image/png")
        return f"{self.url}/output/{name}.png"

    # the documented bodies -------------------------------------------------------------------------
    def _video_body(self, job: dict[str, Any], accepted: bool) -> dict[str, Any]:
        i2v, status = job["mode"] == "i2v", job["status"]
        if accepted or status == "processing":
            keys = [*(VIDEO_I2V_ACCEPTED if i2v else VIDEO_T2V_ACCEPTED)]
            if not accepted or job["webhook_url"] is None:
                keys.remove("webhook_url")  # only the 202 shows it, and only when one was sent
        elif i2v:
            keys = [*VIDEO_I2V_COMPLETED]
        else:
            keys = [*(VIDEO_T2V_COMPLETED if status == "completed" else VIDEO_T2V_FAILED)]
            if "debug" in keys and not self.video_debug:
                keys.remove("debug")
        body = _pick(job, keys)
        if "debug" in body:
            body["debug"] = _debug(job["model_actual"], job["prediction"])
        return body

    @staticmethod
    def _image_body(job: dict[str, Any]) -> dict[str, Any]:
        return _pick(job, (*IMAGE_BODY, "error") if job["status"] == "failed" else IMAGE_BODY)

    @staticmethod
    def _batch_body(batch: dict[str, Any]) -> dict[str, Any]:
        jobs = batch["jobs"]
        states = ("completed", "failed", "pending", "processing")
        counts = {state: sum(job["status"] == state for job in jobs) for state in states}
        return {
            "batch_id": batch["batch_id"],
            "total_jobs": len(jobs),
            **counts,
            "jobs": [_pick(job, BATCH_STATUS_JOB) for job in jobs],
        }

    @staticmethod
    def _event(job: dict[str, Any]) -> str:
        return f"{job['object']}.{job['status']}"

    @staticmethod
    def _webhook_body(job: dict[str, Any]) -> dict[str, Any]:
        failed = job["status"] == "failed"
        if job["object"] == "video.generation":
            body = _pick(job, VIDEO_WEBHOOK_FAILED if failed else VIDEO_WEBHOOK_COMPLETED)
        else:
            body = _pick(job, IMAGE_WEBHOOK_FAILED if failed else IMAGE_BODY)
        if "error_message" in body:
            body["error_message"] = (job["error"] or {}).get("message")
        if failed:
            body.update(credits=0, credits_refunded=job["credits"])
        return body

    def _send(self, url: str, payload: dict[str, Any], event: str, delivery_id: str) -> None:
        body = json.dumps(payload).encode()
        headers = {"X-CreativeAI-Event": event, "X-CreativeAI-Delivery-Id": delivery_id}
        secret = "not-the-signing-secret" if self.faults.bad_signature else self.signing_secret
        if secret is not None:
            headers["X-CreativeAI-Signature"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        self.deliver(url, body, headers)
