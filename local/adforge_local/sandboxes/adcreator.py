"""adcreator.ai platform API sandbox, built from adcreator-platform-api.txt.

Implements, under the documented base path `/api/platform` (Bearer auth on every call, 401 otherwise):
`GET /credits`, `GET /models`, `GET /video-models`, `GET /styles`, `POST /upload` (multipart `file`
field, or the raw bytes with the image MIME type as Content-Type; 10 MB max; PNG, JPEG or WebP by
magic bytes; 201), `POST /generate` (202 + poll; 400 validation error; 422 generation failed),
`GET /generations` (limit/offset), `GET /generations/{id}`, `DELETE /generations/{id}`,
`POST /videos` (from a finished image generation; 202 + poll) and `GET /videos/{id}`.
Statuses are "processing", "completed" and "failed"; there are no webhooks.

Sandbox conventions: a prompt containing the word "forbidden" is refused with 422 (generation
failed) and costs nothing; outputs are real PNG (or MP4) bytes served under `/output/`, uploads under
`/output/uploads/`; `POST /_sandbox/reset` also restores the starting credit balance. Images are drawn by compose.py:
the upload an `inputImagePath` names is keyed out of its backdrop and placed on the scene the prompt (with the style's
suffix and the negative prompt) seeds; text in double quotes in `prompt` is drawn as a headline band (the doc has no
headline field). Without `inputImagePath` the plain scene.

Assumptions (the doc is silent):
- Every error body is `{"error": "<message>"}`; injected faults use it too (429 with Retry-After).
- Running out of credits answers 402 `{"error": ...}`. Credits are charged when a job is accepted
  (image: the model's creditsCost x batchCount; video: the model's credits for durationSeconds) and
  are not refunded when a job fails. The account starts with lifetimePurchased = balance and is
  never unlimited.
- The model, aspect-ratio, style and video-model catalogues below are the sandbox's own; every
  aspect ratio fits every image model's maxWidth/maxHeight. Images are rendered at the aspect
  ratio's full width x height.
- `batchCount` > 1 still creates one generation whose one documented `image_url` is the first image (the
  others are rendered, billed and reachable by no documented field). Generation objects, got or listed, carry
  exactly the documented fields (id, status, prompt, image_url, model_id, created_at: the list's "and more" is
  not filled in), as video objects do. A failed job has only `status: "failed"` and a null URL.
- `GET /generations` returns a bare JSON array, newest first; limit and offset must be
  non-negative integers (400 otherwise), with no upper bound on limit.
- Whole-number fields (batchCount, durationSeconds) accept integral JSON numbers only; null means
  "not given" for optional fields; prompt lengths count characters as sent.
- `POST /generate` and `POST /videos` take their documented Request Body fields and no other (400 naming it);
  `stylePreset` must be an id of `/styles`, `negativePrompt` at most 500 (image) / 2500 (video) characters.
- `inputImagePath` must be a path returned by `/upload` and the model must support image input;
  `durationSeconds` must also be one of the video model's `durations`; `generateAudio`,
  `negativePrompt` and `cfgScale` are refused (400) for models whose capability flag is false.
- `sourceGenerationId` that is not a UUID, unknown, or not yet "completed" is a 400 validation
  error (the doc lists no 404 for `POST /videos`).
- An upload sent raw must carry image/png, image/jpeg or image/webp matching its bytes; a multipart
  upload is judged by its bytes alone. Uploads cost nothing.
- Deleting a generation also removes its images from `/output/`; videos made from it are kept.
- The account's keys are `api_key` and `extra_keys`; they share one account (balance, generations, videos).
- Creation requests (rate limits, ledger) are `POST /generate` and `POST /videos`; an upload is free. The ledger
  prompt is the request's `prompt`; `DELETE /generations/{id}` marks the entry deleted (videos have no DELETE).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from adforge_local.sandboxes.base import Reply, Request, Sandbox
from adforge_local.sandboxes.compose import compose
from adforge_local.sandboxes.png import mp4

API = "/api/platform"
USER_ID = "user_sandbox"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
MOVEMENTS = ("auto", "small", "medium", "large")
RESOLUTIONS = ("720p", "1080p")
Json = dict[str, Any]

IMAGE_MODELS: dict[str, Json] = {
    "nano-banana-2": {"id": "nano-banana-2", "displayName": "Nano Banana 2", "creditsCost": 2, "estimatedSeconds": 15,
                      "supportsImageInput": True, "maxWidth": 2048, "maxHeight": 2048},
    "seedream-4": {"id": "seedream-4", "displayName": "Seedream 4", "creditsCost": 3, "estimatedSeconds": 25,
                   "supportsImageInput": True, "maxWidth": 4096, "maxHeight": 4096},
    "flux-schnell": {"id": "flux-schnell", "displayName": "FLUX.1 Schnell", "creditsCost": 1, "estimatedSeconds": 6,
                     "supportsImageInput": False, "maxWidth": 1024, "maxHeight": 1024},
}  # fmt: skip
ASPECT_RATIOS: dict[str, Json] = {
    "1:1": {"id": "1:1", "label": "Square", "width": 1024, "height": 1024},
    "4:3": {"id": "4:3", "label": "Landscape", "width": 1024, "height": 768},
    "3:4": {"id": "3:4", "label": "Portrait", "width": 768, "height": 1024},
    "16:9": {"id": "16:9", "label": "Widescreen", "width": 1024, "height": 576},
    "9:16": {"id": "9:16", "label": "Story", "width": 576, "height": 1024},
}
STYLES: dict[str, Json] = {
    "studio-product": {"id": "studio-product", "displayName": "Studio Product", "category": "product",
                       "promptSuffix": ", clean studio lighting, seamless backdrop, commercial product photography"},
    "marble-luxury": {"id": "marble-luxury", "displayName": "Marble Luxury", "category": "product",
                      "promptSuffix": ", on polished marble, soft reflections, luxury editorial look"},
    "flat-lay": {"id": "flat-lay", "displayName": "Flat Lay", "category": "product",
                 "promptSuffix": ", top-down flat lay composition, even soft light"},
    "cozy-home": {"id": "cozy-home", "displayName": "Cozy Home", "category": "lifestyle",
                  "promptSuffix": ", in a warm lived-in home interior, natural window light"},
    "outdoor-natural": {"id": "outdoor-natural", "displayName": "Outdoor Natural", "category": "lifestyle",
                        "promptSuffix": ", outdoors in golden-hour sunlight, shallow depth of field"},
}  # fmt: skip
VIDEO_MODELS: dict[str, Json] = {
    "kling-v3-pro": {"id": "kling-v3-pro", "displayName": "Kling 3.0 Pro", "durations": [5, 10],
                     "credits": {"5": 40, "10": 80}, "supportsAudio": False, "supportsNegativePrompt": True,
                     "supportsCfgScale": True},
    "veo-3-fast": {"id": "veo-3-fast", "displayName": "Veo 3 Fast", "durations": [4, 6, 8],
                   "credits": {"4": 30, "6": 45, "8": 60}, "supportsAudio": True, "supportsNegativePrompt": True,
                   "supportsCfgScale": False},
    "seedance-1-pro": {"id": "seedance-1-pro", "displayName": "Seedance 1 Pro", "durations": [2, 5, 10, 15],
                       "credits": {"2": 10, "5": 25, "10": 50, "15": 75}, "supportsAudio": False,
                       "supportsNegativePrompt": False, "supportsCfgScale": False},
}  # fmt: skip
GENERATE_FIELDS = frozenset({"prompt", "modelId", "aspectRatio", "stylePreset", "negativePrompt", "inputImagePath", "batchCount"})
VIDEO_FIELDS = frozenset({"sourceGenerationId", "prompt", "modelId", "durationSeconds", "generateAudio", "negativePrompt",
                          "cfgScale", "movementAmplitude", "resolution", "bgm"})  # fmt: skip
CAPABILITIES = {"generateAudio": "supportsAudio", "negativePrompt": "supportsNegativePrompt", "cfgScale": "supportsCfgScale"}


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def _error(status: int, message: str, **headers: str) -> Reply:
    return Reply.json(status, {"error": message}, **headers)


def _header(request: Request, name: str) -> str:
    """Header lookup ignoring case (the base hands headers over as sent)."""
    return next((value for key, value in request.headers.items() if key.lower() == name.lower()), "")


def _json_object(request: Request) -> tuple[Json, Reply | None]:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return {}, _error(400, "Request body must be a JSON object")
    return body, None


def _sniff(data: bytes) -> str | None:
    """The MIME type of PNG, JPEG or WebP bytes, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _form_file(content_type: str, body: bytes) -> bytes | None:
    """The content of the `file` part of a multipart/form-data body, or None."""
    boundary = content_type.partition("boundary=")[2].split(";")[0].strip().strip('"')
    if not boundary:
        return None
    for part in body.split(b"--" + boundary.encode()):
        head, separator, content = part.partition(b"\r\n\r\n")
        if separator and re.search(rb';\s*name="file"', head):
            return content.removesuffix(b"\r\n")
    return None


def _upload_payload(request: Request) -> tuple[bytes | None, str | None]:
    """The uploaded bytes (None: multipart without a `file` part) and the declared MIME type of a raw upload."""
    content_type = _header(request, "Content-Type")
    if content_type.lower().startswith("multipart/form-data"):
        return _form_file(content_type, request.body), None
    return request.body, content_type.split(";")[0].strip().lower()


def _whole(value: Any) -> int | None:
    """An integral JSON number as int, else None (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        return None
    return int(value)


def _lookup(table: dict[str, Json], value: Any) -> Json | None:
    return table.get(value) if isinstance(value, str) else None


def _given(value: Any) -> bool:
    return value is not None and value is not False and value != ""


# field validators: each returns a problem message or None, and is safe whatever the other fields hold
def _text_problem(body: Json, key: str, low: int, high: int, required: bool = False) -> str | None:
    value = body.get(key)
    if (value is None and not required) or (isinstance(value, str) and low <= len(value) <= high):
        return None
    return f"{key} must be a string of {low}-{high} characters" + (" (required)" if required else "")


def _choice_problem(body: Json, key: str, choices: Collection[str]) -> str | None:
    value = body.get(key)
    if value is None or (isinstance(value, str) and value in choices):
        return None
    return f"{key} must be one of: {', '.join(choices)}"


def _range_problem(body: Json, key: str, low: int, high: int, *, whole: bool = True, required: bool = False) -> str | None:
    value = body.get(key)
    number = _whole(value) if whole else (value if isinstance(value, int | float) and not isinstance(value, bool) else None)
    if (value is None and not required) or (number is not None and low <= number <= high):
        return None
    return f"{key} must be {'an integer' if whole else 'a number'} between {low} and {high}" + (" (required)" if required else "")


def _bool_problem(body: Json, key: str) -> str | None:
    return None if body.get(key) is None or isinstance(body[key], bool) else f"{key} must be a boolean"


def _uuid_problem(value: Any) -> str | None:
    try:
        uuid.UUID(value if isinstance(value, str) else "")
    except ValueError:
        return "sourceGenerationId must be a UUID (required)"
    return None


def _fields_problem(body: Json, documented: frozenset[str]) -> str | None:
    extra = sorted(set(body) - documented)
    return f"{extra[0]} is not a field of this request (fields: {', '.join(sorted(documented))})" if extra else None


def _duration_problem(body: Json, model: Json | None) -> str | None:
    problem = _range_problem(body, "durationSeconds", 2, 15, required=True)
    if problem is None and model is not None and str(_whole(body["durationSeconds"])) not in model["credits"]:
        return f"durationSeconds must be one of {model['durations']} for {model['id']}"
    return problem


def _capability_problem(body: Json, model: Json | None) -> str | None:
    for key, flag in CAPABILITIES.items():
        if model is not None and _given(body.get(key)) and not model[flag]:
            return f"{key} is not supported by {model['id']}"
    return None


def _invalid(problem: str | None) -> Reply | None:
    return None if problem is None else _error(400, problem)


def _constant(payload: Json) -> Callable[[Request], Reply]:
    return lambda _request: Reply.json(200, payload)


def _moderated(prompt: str) -> Reply | None:
    if "forbidden" in prompt.lower():
        return _error(422, "Generation failed: the prompt was rejected by content moderation")
    return None


def _public(job: Json) -> Json:
    return {key: value for key, value in job.items() if not key.startswith("_")}


class AdCreatorSandbox(Sandbox):
    name = "adcreator"
    creations = frozenset({"generate", "generate_video"})

    def __init__(
        self, api_key: str = "sk_live_sandbox_adcreator", credits: int = 10_000, extra_keys: Iterable[str] = (), **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.api_key = api_key
        self.api_keys = (api_key, *extra_keys)
        self.starting_credits = credits
        self.balance = credits
        self.used = 0
        self.generations: dict[str, Json] = {}
        self.videos: dict[str, Json] = {}
        self.uploads: dict[str, bytes] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self.route("GET", f"{API}/credits", "credits", self._credits)
        models = {"models": list(IMAGE_MODELS.values()), "aspectRatios": list(ASPECT_RATIOS.values())}
        self.route("GET", f"{API}/models", "models", _constant(models))
        self.route("GET", f"{API}/video-models", "video_models", _constant({"models": list(VIDEO_MODELS.values())}))
        self.route("GET", f"{API}/styles", "styles", _constant({"styles": list(STYLES.values())}))
        self.route("POST", f"{API}/upload", "upload", self._upload)
        self.route("POST", f"{API}/generate", "generate", self._generate)
        self.route("GET", f"{API}/generations", "list_generations", self._list)
        self.route("GET", f"{API}/generations/(?P<id>[^/]+)", "generation", self._get_generation)
        self.route("DELETE", f"{API}/generations/(?P<id>[^/]+)", "delete_generation", self._delete)
        self.route("POST", f"{API}/videos", "generate_video", self._generate_video)
        self.route("GET", f"{API}/videos/(?P<id>[^/]+)", "video", self._get_video)
        self.route("GET", "/output/(?P<name>.+)", "download", self._download, api=False)

    def forget_jobs(self) -> None:
        self.generations.clear()
        self.videos.clear()
        self.uploads.clear()
        self.files.clear()
        self.balance, self.used = self.starting_credits, 0

    def authorized(self, request: Request) -> Reply | None:
        presented = _header(request, "Authorization").encode()
        if any(secrets.compare_digest(presented, f"Bearer {key}".encode()) for key in self.api_keys):
            return None
        return _error(401, "Unauthorized: invalid or missing API key")

    def fault_reply(self, status: int, retry_after: int | None) -> Reply:
        if status == 429:
            return _error(429, "Too many requests", **{"Retry-After": str(retry_after or 1)})
        return _error(status, "Internal server error")

    # credits ---------------------------------------------------------------------------------
    def _credits(self, request: Request) -> Reply:
        with self.lock:
            balance, used = self.balance, self.used
        return Reply.json(
            200, {"balance": balance, "lifetimePurchased": self.starting_credits, "lifetimeUsed": used, "unlimited": False}
        )

    def _charge(self, cost: int) -> Reply | None:
        with self.lock:
            if self.balance < cost:
                return _error(402, f"Insufficient credits: {cost} required, {self.balance} available")
            self.balance -= cost
            self.used += cost
        return None

    # upload ----------------------------------------------------------------------------------
    def _upload(self, request: Request) -> Reply:
        data, declared = _upload_payload(request)
        if data is None:
            return _error(400, "No file provided: send a multipart field named 'file'")
        if len(data) > MAX_UPLOAD_BYTES:
            return _error(400, "File too large: the maximum size is 10 MB")
        kind = _sniff(data)
        if kind is None or declared not in (None, kind):
            return _error(400, "Invalid file type: allowed types are PNG, JPEG and WebP")
        path = f"{USER_ID}/{int(self.clock.now())}-{secrets.token_hex(3)}.{EXTENSIONS[kind]}"
        with self.lock:
            self.uploads[path] = data
        return Reply.json(201, {"path": path, "publicUrl": self._store(f"uploads/{path}", data, kind)})

    # images ----------------------------------------------------------------------------------
    def _generate(self, request: Request) -> Reply:
        body, refusal = _json_object(request)
        refusal = refusal or _invalid(self._image_problem(body))
        if refusal is not None:
            return refusal
        batch = _whole(body.get("batchCount", 1)) or 1
        cost = IMAGE_MODELS[body["modelId"]]["creditsCost"] * batch
        refusal = _moderated(body["prompt"]) or self._charge(cost)
        if refusal is not None:
            return refusal
        generation = self._new_generation(body, batch, cost)
        self.bill(request, generation["id"], body["prompt"])
        return Reply.json(202, {"id": generation["id"], "status": "processing"})

    def _image_problem(self, body: Json) -> str | None:
        model = _lookup(IMAGE_MODELS, body.get("modelId"))
        problems = [
            _fields_problem(body, GENERATE_FIELDS),
            _text_problem(body, "prompt", 3, 1000, required=True),
            None if model else f"modelId must be one of: {', '.join(IMAGE_MODELS)} (required)",
            _choice_problem(body, "aspectRatio", ASPECT_RATIOS),
            _choice_problem(body, "stylePreset", STYLES),
            _text_problem(body, "negativePrompt", 0, 500),
            _range_problem(body, "batchCount", 1, 4),
            self._input_problem(body.get("inputImagePath"), model),
        ]
        return next((problem for problem in problems if problem), None)

    def _input_problem(self, path: Any, model: Json | None) -> str | None:
        if path is None:
            return None
        if not isinstance(path, str) or path not in self.uploads:
            return "inputImagePath must be a path returned by /upload"
        if model is not None and not model["supportsImageInput"]:
            return f"{model['id']} does not accept an input image"
        return None

    def _new_generation(self, body: Json, batch: int, cost: int) -> Json:
        ratio = ASPECT_RATIOS[body.get("aspectRatio") or "1:1"]
        style = STYLES.get(body.get("stylePreset") or "", {})
        product = self.uploads.get(body.get("inputImagePath") or "")
        source = hashlib.sha256(product or b"").hexdigest()
        seed = body["prompt"] + style.get("promptSuffix", "") + (body.get("negativePrompt") or "") + source
        generation: Json = {  # the documented fields; the sandbox's own bookkeeping under "_" is never shown
            "id": str(uuid.uuid4()), "status": "processing", "prompt": body["prompt"], "model_id": body["modelId"],
            "image_url": None, "created_at": _stamp(self.clock.now()),
            "_batch_count": batch, "_credits_used": cost,
            "_size": (ratio["width"], ratio["height"]), "_files": [], "_seed": seed, "_product": product,
        }  # fmt: skip
        with self.lock:
            self.generations[generation["id"]] = generation
        self._schedule(self._finish_generation, generation["id"])
        return generation

    def _finish_generation(self, generation_id: str) -> None:
        with self.lock:
            generation = self.generations.get(generation_id)
            if generation is None or self.faults.never_finish:
                return
            self.record_finished(generation_id)
            if self.faults.fail_generation:
                generation["status"] = "failed"
                return
            width, height = generation["_size"]
            names = [f"{generation_id}-{index}.png" for index in range(generation["_batch_count"])]
            seed, product, prompt = generation["_seed"], generation["_product"], generation["prompt"]
            urls = [self._store(name, compose(width, height, seed + name, product, prompt), "image/png") for name in names]
            generation.update(status="completed", image_url=urls[0], _files=names)

    def _list(self, request: Request) -> Reply:
        limit, offset = (request.query.get(key, [default])[-1] for key, default in (("limit", "50"), ("offset", "0")))
        if not (limit.isdecimal() and offset.isdecimal()):
            return _error(400, "limit and offset must be non-negative integers")
        with self.lock:
            newest_first = [_public(generation) for generation in reversed(self.generations.values())]
        return Reply.json(200, newest_first[int(offset) : int(offset) + int(limit)])

    def _get_generation(self, request: Request) -> Reply:
        generation_id = request.match["id"]
        with self.lock:
            self.record_status_call(generation_id)
            generation = self.generations.get(generation_id)
            payload = None if generation is None else {"generation": _public(generation)}
        return Reply.json(200, payload) if payload else _error(404, f"Generation {generation_id} not found")

    def _delete(self, request: Request) -> Reply:
        with self.lock:
            generation = self.generations.pop(request.match["id"], None)
            for name in (generation or {}).get("_files", []):
                self.files.pop(name, None)
            if generation is not None:
                self.ledger.delete(generation["id"])
        if generation is None:
            return _error(404, f"Generation {request.match['id']} not found")
        return Reply.json(200, {"deleted": True})

    # videos ----------------------------------------------------------------------------------
    def _generate_video(self, request: Request) -> Reply:
        body, refusal = _json_object(request)
        refusal = refusal or _invalid(self._video_problem(body))
        if refusal is not None:
            return refusal
        duration = _whole(body["durationSeconds"])
        refusal = _moderated(body["prompt"]) or self._charge(VIDEO_MODELS[body["modelId"]]["credits"][str(duration)])
        if refusal is not None:
            return refusal
        video: Json = {
            "id": str(uuid.uuid4()), "status": "processing", "video_url": None, "model_id": body["modelId"],
            "duration_seconds": duration, "created_at": _stamp(self.clock.now()),
            "_seed": body["sourceGenerationId"] + body["prompt"],
        }  # fmt: skip
        with self.lock:
            self.videos[video["id"]] = video
        self.bill(request, video["id"], body["prompt"])
        self._schedule(self._finish_video, video["id"])
        return Reply.json(202, {"id": video["id"], "status": "processing"})

    def _video_problem(self, body: Json) -> str | None:
        model = _lookup(VIDEO_MODELS, body.get("modelId"))
        problems = [
            _fields_problem(body, VIDEO_FIELDS),
            _text_problem(body, "prompt", 3, 1000, required=True),
            _uuid_problem(body.get("sourceGenerationId")),
            None if model else f"modelId must be one of: {', '.join(VIDEO_MODELS)} (required)",
            _duration_problem(body, model),
            _bool_problem(body, "generateAudio"),
            _text_problem(body, "negativePrompt", 0, 2500),
            _range_problem(body, "cfgScale", 0, 1, whole=False),
            _choice_problem(body, "movementAmplitude", MOVEMENTS),
            _choice_problem(body, "resolution", RESOLUTIONS),
            _bool_problem(body, "bgm"),
            _capability_problem(body, model),
            self._source_problem(body.get("sourceGenerationId")),
        ]
        return next((problem for problem in problems if problem), None)

    def _source_problem(self, source_id: Any) -> str | None:
        with self.lock:
            source = self.generations.get(source_id) if isinstance(source_id, str) else None
        if source is None:
            return "sourceGenerationId does not match an existing image generation"
        if source["status"] != "completed":
            return f"Source generation is {source['status']}; it must be completed"
        return None

    def _finish_video(self, video_id: str) -> None:
        with self.lock:
            video = self.videos.get(video_id)
            if video is None or self.faults.never_finish:
                return
            self.record_finished(video_id)
            if self.faults.fail_generation:
                video["status"] = "failed"
                return
            video.update(status="completed", video_url=self._store(f"{video_id}.mp4", mp4(video["_seed"]), "video/mp4"))

    def _get_video(self, request: Request) -> Reply:
        video_id = request.match["id"]
        with self.lock:
            self.record_status_call(video_id)
            video = self.videos.get(video_id)
            payload = None if video is None else {"video": _public(video)}
        return Reply.json(200, payload) if payload else _error(404, f"Video {video_id} not found")

    def _schedule(self, finish: Callable[[str], None], job_id: str) -> None:
        """Finish the job after `processing_seconds` on the clock (see `Sandbox.pace` for never_finish and hold)."""
        self.pace((self.faults.processing_seconds, functools.partial(finish, job_id)))

    def _store(self, name: str, data: bytes, content_type: str) -> str:
        with self.lock:
            self.files[name] = (data, content_type)
        return f"{self.url}/output/{name}"

    def _download(self, request: Request) -> Reply:
        found = self.files.get(request.match["name"])
        if found is None:
            return _error(404, "Not found")
        return Reply(200, found[0], found[1])
