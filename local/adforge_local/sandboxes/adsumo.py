"""Adsumo image API sandbox, built from adsumo-image-api.txt.

Implements, under the documented base path `/api/v1`: `POST /images/text-to-image`,
`POST /images/product-shots`, `POST /images/edit` (all answer 202
`{"generation_id", "type", "status": "processing"}`) and `GET /generations/{generation_id}`.
Bearer auth; 400/401/402/404/429/500 as documented; credits charged per image by the
documented table (fast 1/2/2, pro 2/2/4 credits for 1k/2k/4k), multiplied by quantity. No webhooks:
the doc documents polling only.

Status bodies, exactly the fields the doc shows (nothing more):

- processing: `{"generation_id", "type", "status": "processing"}`, the documented 202 body (the doc shows no
  processing poll body; this is the only processing body it shows);
- completed: `{"generation_id", "type", "status": "completed", "result_url", "created_at", "completed_at"}`,
  the doc's example;
- failed: `{"generation_id", "type", "status": "failed", "error"}` (the doc: `status will be "failed" and an error field
  will describe the issue`; it shows no example, so no other field is added).

One `result_url`, whatever the `quantity`: the doc documents `quantity` 1-8 and charges per image times
`quantity`, but its completion carries a single `result_url` and shows no way to read more than one result. The
sandbox accepts and charges `quantity` > 1 as documented and answers exactly the documented shape: one
`result_url`, one image rendered and served. It adds no list field: a client that asks for N images in one
generation pays for N and can collect one, as it would from the real vendor.

Sandbox conventions: outputs are real PNG bytes served under `/output/`, at 1/16 of the nominal pixel
size; `credits` is the account balance, readable and settable on the instance. Seeded catalogue:

- products: `a1b2c3d4-e5f6-7890-abcd-ef1234567890` (the doc's example),
  `3f2b8c1e-9d4a-4e6b-8f7c-2a1d5e9b0c37`, `7c9e6679-7425-40de-944b-e07fc1f90ae7`
- styles: `lifestyle-outdoor` (the doc's example), `studio-white`, `flat-lay`

Assumptions (the doc is silent):

- Error bodies are `{"error": "<message>"}`, the same `error` field the doc gives failed generations.
- `aspect_ratio` is one of 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9 (the doc lists
  examples only); `model`, `resolution` and `aspect_ratio` are matched exactly (lowercase `k`).
- `quantity` must be a JSON integer (not a float or boolean); `prompt` must be a non-blank string;
  `reference_image_urls` a non-empty array of http(s) URL strings.
- An edit fetches its first reference image when it is submitted (GET, loopback hosts only: a sandbox never
  reaches the internet; 10 s socket timeout, at most 20 MB) and
  places it on the scene its prompt seeds, backdrop keyed out (compose.py): the product in the edited image. The doc
  says nothing about fetch failures, so none refuses the edit: a URL that cannot be fetched (error status, refused,
  timed out), is over the cap or is not an image gives the plain scene, as before the sandbox fetched anything. The
  other URLs are not fetched (one product per creative); all of them still seed the scene.
- Text in double quotes in `prompt` (product shots: `additional_prompt`) is drawn as a headline band (the doc has no
  headline field). Product shots name a product of the seeded catalogue, which has no photo: they keep the plain
  scene, as text-to-image does.
- Any `product_id` / `style_id` outside the seeded catalogue is 404; checks run in the order
  400, 404, 402, and credits are charged at submission and not refunded when a generation fails.
- Nominal output size: the long side is 1024/2048/4096 px for 1k/2k/4k, the short side follows the ratio.
- Generation ids are UUID4s; 429 answers carry `Retry-After` (seconds); unknown JSON fields are ignored.
- The account's keys are `api_key` and `extra_keys`; they share one balance and one set of generations.
- Creation requests (rate limits, ledger) are the three POSTs; the ledger prompt is `prompt` (product shots:
  `additional_prompt`, else null). No DELETE or cancel is documented.
"""

from __future__ import annotations

import functools
import hmac
import http.client
import urllib.request
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from adforge_local.sandboxes.base import Reply, Request, Sandbox
from adforge_local.sandboxes.compose import compose
from adforge_local.sandboxes.png import dimensions

MODELS = ("fast", "pro")
RESOLUTIONS = {"1k": 1024, "2k": 2048, "4k": 4096}
ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
CREDITS = {("fast", "1k"): 1, ("fast", "2k"): 2, ("fast", "4k"): 2, ("pro", "1k"): 2, ("pro", "2k"): 2, ("pro", "4k"): 4}
PRODUCTS = (
    "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    "3f2b8c1e-9d4a-4e6b-8f7c-2a1d5e9b0c37",
    "7c9e6679-7425-40de-944b-e07fc1f90ae7",
)
STYLES = ("lifestyle-outdoor", "studio-white", "flat-lay")
OUTPUT_SCALE = 16
FETCH_TIMEOUT = 10  # seconds per socket operation, fetching an edit's reference image
MAX_REFERENCE_BYTES = 20 * 1024 * 1024
STATUS_FIELDS = {  # the fields of each status body, as the doc shows them
    "processing": ("generation_id", "type", "status"),
    "completed": ("generation_id", "type", "status", "result_url", "created_at", "completed_at"),
    "failed": ("generation_id", "type", "status", "error"),
}


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _error(status: int, message: str, **headers: str) -> Reply:
    return Reply.json(status, {"error": message}, **headers)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def fetch_reference(url: str) -> bytes | None:
    """The bytes at `url`, or None when they cannot be had whole within the cap (any failure: see the docstring).
    Only loopback hosts are fetched (the local stack's presigned URLs): a sandbox never reaches the internet, so
    the docs' example URLs (https://example.com/...) give the plain scene at once, with or without a network."""
    if (urlsplit(url).hostname or "") not in LOOPBACK_HOSTS:
        return None
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
            data: bytes = response.read(MAX_REFERENCE_BYTES + 1)
    except (OSError, ValueError, http.client.HTTPException):  # URLError, HTTPError and timeouts are OSErrors
        return None
    return data if len(data) <= MAX_REFERENCE_BYTES else None


def nominal_size(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """Full pixel size of an output: long side from the resolution, short side from the ratio."""
    across, down = (int(part) for part in aspect_ratio.split(":"))
    long_side = RESOLUTIONS[resolution]
    if across >= down:
        return long_side, round(long_side * down / across)
    return round(long_side * across / down), long_side


class AdsumoSandbox(Sandbox):
    name = "adsumo"
    creations = frozenset({"text_to_image", "product_shots", "edit"})

    def __init__(
        self, api_key: str = "adsumo_sk_sandbox", credits: int = 10_000, extra_keys: Iterable[str] = (), **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.api_key = api_key
        self.api_keys = (api_key, *extra_keys)
        self.credits = credits
        self.jobs: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.route("POST", "/api/v1/images/text-to-image", "text_to_image", self._text_to_image)
        self.route("POST", "/api/v1/images/product-shots", "product_shots", self._product_shots)
        self.route("POST", "/api/v1/images/edit", "edit", self._edit)
        self.route("GET", "/api/v1/generations/(?P<id>[^/]+)", "generation", self._status)
        self.route("GET", "/output/(?P<name>[^/]+)", "download", self._download, api=False)

    def forget_jobs(self) -> None:
        self.jobs.clear()
        self.files.clear()

    def authorized(self, request: Request) -> Reply | None:
        presented = request.headers.get("Authorization", "").encode()
        if any(hmac.compare_digest(presented, f"Bearer {key}".encode()) for key in self.api_keys):
            return None
        return _error(401, "Missing or invalid API key.")

    def fault_reply(self, status: int, retry_after: int | None) -> Reply:
        if status == 429:
            return _error(429, "Rate limit exceeded.", **{"Retry-After": str(retry_after or 1)})
        return _error(status, "Internal server error.")

    # endpoints ---------------------------------------------------------------------------------
    def _text_to_image(self, request: Request) -> Reply:
        body, refusal = self._body(request)
        if refusal is None and not _is_text(body.get("prompt")):
            refusal = _error(400, "prompt is required and must be a non-empty string.")
        refusal = refusal or self._check_common(body)
        return refusal or self._submit(request, "text-to-image", body, seed=str(body["prompt"]))

    def _product_shots(self, request: Request) -> Reply:
        body, refusal = self._body(request)
        refusal = refusal or self._check_product_shot(body)
        return refusal or self._submit(request, "product-shots", body, seed=f"{body['product_id']}/{body['style_id']}")

    def _edit(self, request: Request) -> Reply:
        body, refusal = self._body(request)
        if refusal is None and not _is_text(body.get("prompt")):
            refusal = _error(400, "prompt is required and must be a non-empty string.")
        urls = body.get("reference_image_urls")
        if refusal is None and (not isinstance(urls, list) or not urls or not all(self._is_url(url) for url in urls)):
            refusal = _error(400, "reference_image_urls must be a non-empty array of http(s) URLs.")
        refusal = refusal or self._check_common(body)
        if refusal is not None:
            return refusal
        product = fetch_reference(body["reference_image_urls"][0])
        return self._submit(
            request, "edit", body, seed="|".join([body["prompt"], *body["reference_image_urls"]]), product=product
        )

    def _status(self, request: Request) -> Reply:
        generation_id = request.match["id"]
        with self.lock:
            self.record_status_call(generation_id)
            job = self.jobs.get(generation_id)
            public = None if job is None else self._public(job)
        if public is None:
            return _error(404, "Generation not found.")
        return Reply.json(200, public)

    def _download(self, request: Request) -> Reply:
        data = self.files.get(request.match["name"])
        if data is None:
            return _error(404, "Output not found.")
        return Reply(200, data, "image/png")

    # validation --------------------------------------------------------------------------------
    @staticmethod
    def _body(request: Request) -> tuple[dict[str, Any], Reply | None]:
        try:
            body = request.json()
        except ValueError:
            return {}, _error(400, "Request body must be valid JSON.")
        if not isinstance(body, dict):
            return {}, _error(400, "Request body must be a JSON object.")
        return body, None

    @staticmethod
    def _is_url(value: Any) -> bool:
        return isinstance(value, str) and value.startswith(("http://", "https://")) and len(value) > len("https://")

    @staticmethod
    def _check_common(body: dict[str, Any]) -> Reply | None:
        quantity = body.get("quantity", 1)
        if body.get("model") not in MODELS:
            return _error(400, 'model is required and must be "fast" or "pro".')
        if body.get("aspect_ratio") not in ASPECT_RATIOS:
            return _error(400, f"aspect_ratio is required and must be one of {', '.join(ASPECT_RATIOS)}.")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 8:
            return _error(400, "quantity must be an integer between 1 and 8.")
        if body.get("resolution", "1k") not in RESOLUTIONS:
            return _error(400, 'resolution must be "1k", "2k" or "4k".')
        return None

    def _check_product_shot(self, body: dict[str, Any]) -> Reply | None:
        for key in ("product_id", "style_id"):
            if not _is_text(body.get(key)):
                return _error(400, f"{key} is required and must be a non-empty string.")
        if "additional_prompt" in body and not isinstance(body["additional_prompt"], str):
            return _error(400, "additional_prompt must be a string.")
        if refusal := self._check_common(body):
            return refusal
        if body["product_id"] not in PRODUCTS:
            return _error(404, "Product not found.")
        if body["style_id"] not in STYLES:
            return _error(404, "Style not found.")
        return None

    def _charge(self, credits: int) -> Reply | None:
        with self.lock:
            if self.credits < credits:
                return _error(402, f"Insufficient credits: this generation costs {credits}, the balance is {self.credits}.")
            self.credits -= credits
        return None

    # job lifecycle -----------------------------------------------------------------------------
    def _submit(self, request: Request, kind: str, body: dict[str, Any], seed: str, product: bytes | None = None) -> Reply:
        """Charge a validated request, store a processing job and schedule its end. `product`: an edit's fetched
        reference image, composed into the output."""
        model, resolution, quantity = body["model"], body.get("resolution", "1k"), body.get("quantity", 1)
        refusal = self._charge(CREDITS[model, resolution] * quantity)
        if refusal is not None:
            return refusal
        generation_id = str(uuid.uuid4())
        width, height = dimensions("x".join(map(str, nominal_size(body["aspect_ratio"], resolution))), scale=OUTPUT_SCALE)
        prompt = body.get("additional_prompt") if kind == "product-shots" else body["prompt"]
        job = {"generation_id": generation_id, "type": kind, "status": "processing",
               "created_at": _stamp(self.clock.now()), "width": width, "height": height, "seed": seed,
               "product": product, "prompt": prompt}  # fmt: skip
        with self.lock:
            self.jobs[generation_id] = job
        self.bill(request, generation_id, prompt)
        self.pace((self.faults.processing_seconds, functools.partial(self._finish, generation_id)))
        return Reply.json(202, {"generation_id": generation_id, "type": kind, "status": "processing"})

    def _finish(self, generation_id: str) -> None:
        with self.lock:
            job = self.jobs.get(generation_id)
            if job is None or self.faults.never_finish:
                return
            self.record_finished(generation_id)
            if self.faults.fail_generation:
                job.update(status="failed", error="Image generation failed. Please try again.")
                return
            job.update(status="completed", result_url=self._render(job), completed_at=_stamp(self.clock.now()))

    def _render(self, job: dict[str, Any]) -> str:
        name = f"{job['generation_id']}.png"
        self.files[name] = compose(job["width"], job["height"], job["seed"], job["product"], job["prompt"])
        return f"{self.url}/output/{name}"

    @staticmethod
    def _public(job: dict[str, Any]) -> dict[str, Any]:
        """The documented body for the job's status, and only its fields."""
        keys = STATUS_FIELDS[job["status"]]
        return {key: job[key] for key in keys}
