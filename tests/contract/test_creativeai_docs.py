"""CreativeAI's doc examples (creativeai-api.txt) through the adapter, and every request it sends held to the doc.

Responses, webhook payloads and errors are answered verbatim by a MockTransport (or signed and delivered as the doc
shows) and must mean what the doc says; expected values are read from the example itself. The doc's request examples
are held to the spec table below, and so is every request the gateway sends in each job shape (native image, N
images, edits, text- and image-to-video, a batch) and each declared aspect ratio. Examples of endpoints the adapter
does not use (voice, compose, chart-to-video, /v1/images/generations, chat) mean that no request goes there.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest

from adforge.domain.models import JobKind, JobRequest, VendorState, VendorSubmission, VendorUpdate
from adforge.domain.signatures import SignatureInvalid
from adforge.ports import vendors as errors
from adforge.vendors.creativeai import CAPABILITIES
from adforge.vendors.creativeai.gateway import CreativeAIGateway, build
from adforge.vendors.creativeai.webhook import build_reader
from adforge.vendors.rate_headers import RATE_HEADERS
from tests.contract.docs import PhotoFetcher, Spec, Vendor, answer, between, check, check_fields, meaning_tests, one_of, spec_for
from tests.doc_examples import creativeai as doc

BASE = "https://api.creativeai.test"
KEY = "YOUR_API_KEY"
SIGNING_SECRET = "whsec_doc_contract"
PHOTO = "https://assets.adforge.test/product.png"
CALLBACK = "https://api.adforge.test/v1/webhooks/creativeai?job=job_doc"

# the spec table, from the doc ---------------------------------------------------------------------------------
SIZES = ("1024x1024", "1536x1024", "1024x1536")  # "size — 1024x1024, 1536x1024, 1024x1536"
VIDEO_RATIOS = ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16")  # "aspect_ratio — 21:9, 16:9, 4:3, 1:1, 3:4, 9:16"
REFERENCES = frozenset({"character_references", "character_reference_url", "camera_angle", "style_reference_url"})
# "Works on both /v1/images/generations and /v1/video/generations"
IMAGE_FIELDS = frozenset({"model", "prompt", "size", "background", "n", "quality"}) | REFERENCES
IMAGE_VALUES = {
    "size": one_of(*SIZES),
    "background": one_of("auto", "transparent"),
    "n": between(1, 4),
    "quality": one_of("standard", "hd"),
}
VIDEO_FIELDS = (
    frozenset(
        {"model", "prompt", "image_url", "duration", "aspect_ratio", "resolution", "failover", "webhook_url"}
        | {"multi_shot_prompts", "ai_director_mode", "webhook_auto_retry"}  # FAQ (Kling V3), Make.com
    )
    | REFERENCES
)
VIDEO_VALUES = {
    "model": one_of("auto", "kling-o3-pro", "kling-v3", "seedance-1.5-pro"),
    "duration": between(3, 15),
    "aspect_ratio": one_of(*VIDEO_RATIOS),
    "resolution": one_of("480p", "720p", "1080p"),
}
AUTH = {"Authorization": r"Bearer \S+"}
JSON_BODY = {**AUTH, "Content-Type": r"application/json"}
MULTIPART = {**AUTH, "Content-Type": r"multipart/form-data; boundary=\S+"}

SPECS = [
    Spec("POST", "/v1/images/generations", JSON_BODY, "json", IMAGE_FIELDS, frozenset({"prompt"}), values=IMAGE_VALUES),
    Spec(
        "POST",
        "/api/v1/model/generateImage",
        JSON_BODY,
        "json",
        IMAGE_FIELDS | {"webhook_url"},
        frozenset({"prompt"}),
        values=IMAGE_VALUES,
        note="fields undocumented: those of /v1/images/generations plus webhook_url (its webhook is documented)",
    ),
    Spec("GET", "/api/v1/model/prediction/[^/]+", AUTH),
    Spec(
        "POST",
        "/v1/images/edits",
        MULTIPART,
        "multipart",
        frozenset({"model", "image", "mask", "prompt", "outpaint_direction", "style_reference_url", "size"}),
        frozenset({"image", "prompt"}),
        values={"model": one_of("seedream-v4.5-edit", "wan-2.6-image-edit"), "size": one_of(*SIZES)},
    ),
    Spec("POST", "/v1/video/generations", JSON_BODY, "json", VIDEO_FIELDS, frozenset({"prompt"}), values=VIDEO_VALUES),
    Spec(
        "POST",
        "/v1/video/generations/batch",
        JSON_BODY,
        "json",
        frozenset({"prompts", "model", "aspect_ratio", "duration", "webhook_url"}),
        frozenset({"prompts"}),
        nested={"prompts": frozenset({"prompt", "image_url"})},
        values={**VIDEO_VALUES, "prompts": lambda prompts: isinstance(prompts, list) and 1 <= len(prompts) <= 20},
    ),
    Spec("GET", "/v1/video/generations/batch/[^/]+", AUTH),
    Spec("GET", "/v1/video/generations/(?!batch$)[^/]+", AUTH),
]
UNUSED = {  # documented endpoints no AdForge job needs, and the examples that belong to them
    "/api/generate/voice": ("VOICE_REQUEST", "COMMERCE_VOICE_REQUEST"),
    "/api/generate/status/.+": ("VOICE_STATUS", "COMPOSE_STATUS", "COMMERCE_COMPOSE_STATUS", "CHART_STATUS", "VOICE_WEBHOOK"),
    "/api/generate/compose": ("COMPOSE_REQUEST", "COMMERCE_COMPOSE_REQUEST"),
    "/api/generate/chart-to-video": ("CHART_REQUEST", "CHART_DATA_REQUEST"),
    "/v1/images/generations": ("IMAGE_RESPONSE",),
    "/v1/chat/completions": ("GEMINI_CHAT_MESSAGES",),
}


# the vendor, answering the doc's examples -----------------------------------------------------------------------
def vendor() -> Vendor:
    """Every endpoint the adapter may call, each answering the doc's example for it. The native image API documents no
    202 body: its answer and its prediction are the native image webhook (the shape the package notes assume)."""
    return (
        Vendor()
        .on("POST", "/api/v1/model/generateImage", answer(202, doc.IMAGE_WEBHOOK))
        .on("GET", "/api/v1/model/prediction/[^/]+", answer(200, doc.IMAGE_WEBHOOK))
        .on("POST", "/v1/images/edits", answer(200, doc.IMAGE_EDIT_RESPONSE))
        .on("POST", "/v1/video/generations", lambda r: answer(202, doc.I2V_ACCEPTED if photo_in(r) else doc.T2V_ACCEPTED))
        .on("GET", f"/v1/video/generations/{doc.T2V_ACCEPTED['id']}", answer(200, doc.T2V_COMPLETED))
        .on("GET", f"/v1/video/generations/{doc.I2V_ACCEPTED['id']}", answer(200, doc.I2V_COMPLETED))
        .on("POST", "/v1/video/generations/batch", answer(202, doc.BATCH_ACCEPTED))
        .on("GET", f"/v1/video/generations/batch/{doc.BATCH_ACCEPTED['batch_id']}", answer(200, doc.BATCH_STATUS))
    )


def photo_in(request: httpx.Request) -> bool:
    return "image_url" in json.loads(request.content)


def gateway(mock: Vendor) -> CreativeAIGateway:
    """Built as configured (`build`), its HTTP client's transport swapped for the mock."""
    built: CreativeAIGateway = mock.serve(build(BASE, {"api_key": KEY}, PhotoFetcher(), timeout=5))
    return built


def submission(photo: bool = False, **fields: Any) -> VendorSubmission:
    return VendorSubmission(
        request=JobRequest(prompt="a red mug on a marble counter", **fields),
        product_image_url=PHOTO if photo else None,
        callback_url=CALLBACK,
    )


def run(mock: Vendor, sub: VendorSubmission) -> VendorUpdate:
    creativeai = gateway(mock)
    return creativeai.status(creativeai.submit(sub), sub.request.kind)


SHAPES = {
    "one native image": submission(),
    "three native images": submission(count=3),
    "two edits of the photo": submission(photo=True, count=2),
    "text-to-video": submission(kind="video", aspect_ratios=["16:9"]),
    "image-to-video": submission(photo=True, kind="video", aspect_ratios=["9:16"]),
    "a batch of three videos": submission(photo=True, kind="video", count=3, aspect_ratios=["1:1"]),
}
RATIOS = {
    **{f"image {ratio}": submission(aspect_ratios=[ratio]) for ratio in sorted(CAPABILITIES.aspect_ratios)},
    **{f"edit {ratio}": submission(photo=True, aspect_ratios=[ratio]) for ratio in sorted(CAPABILITIES.aspect_ratios)},
    **{
        f"video {ratio}": submission(kind="video", aspect_ratios=[ratio])
        for ratio in sorted(CAPABILITIES.video_aspect_ratios or CAPABILITIES.aspect_ratios)
    },
}


@functools.cache
def every_request() -> tuple[httpx.Request, ...]:
    """What the gateway sends for every job shape and declared ratio (submit, then status)."""
    mock = vendor()
    for sub in (*SHAPES.values(), *RATIOS.values()):
        run(mock, sub)
    return tuple(mock.requests)


# requests ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [*SHAPES, *RATIOS])
def test_every_request_is_a_documented_endpoint_with_documented_fields(shape):
    mock = vendor()
    run(mock, {**SHAPES, **RATIOS}[shape])
    assert mock.requests
    for request in mock.requests:
        check(request, SPECS)
        assert request.headers["Authorization"] == f"Bearer {KEY}"


def test_a_job_of_n_native_images_is_n_documented_generations_polled_one_by_one():
    mock = vendor()
    update = run(mock, SHAPES["three native images"])
    assert len(mock.calls("POST", "/api/v1/model/generateImage")) == 3
    assert len(mock.calls("GET", "/api/v1/model/prediction/.+")) == 3
    assert update.outputs == [doc.IMAGE_WEBHOOK["output_url"]] * 3


def doc_request(name: str, path: str) -> None:
    """A request example of the doc is one its endpoint's spec accepts (the table is no stricter than the doc)."""
    check_fields(name, spec_for(SPECS, "POST", path), getattr(doc, name))


def doc_form(name: str, path: str) -> None:
    fields, files = doc.FORMS[name]
    check_fields(name, spec_for(SPECS, "POST", path), {**fields, **files})


def faq_character_request() -> None:
    """Its names are documented, but its size (1792x1024) is none of the documented three: the doc contradicts its
    own parameter list, and the spec (and the adapter) follow the list."""
    example = doc.FAQ_CHARACTER_REQUEST
    assert set(example) <= IMAGE_FIELDS and example["size"] not in SIZES
    with pytest.raises(AssertionError):
        doc_request("FAQ_CHARACTER_REQUEST", "/v1/images/generations")


def multi_shot_headers() -> None:
    """The Python example's headers: every request the adapter sends authenticates the same way."""
    scheme, _ = doc.MULTI_SHOT_HEADERS["Authorization"].split(" ", 1)
    assert all(r.headers["Authorization"] == f"{scheme} {KEY}" for r in every_request())


def unused(path: str) -> Callable[[], None]:
    def no_request_goes_there() -> None:
        assert every_request() and not [r for r in every_request() if re.fullmatch(path, r.url.path)]

    return no_request_goes_there


# responses, webhooks, errors -----------------------------------------------------------------------------------
def i2v_accepted() -> None:
    mock = vendor()
    assert gateway(mock).submit(SHAPES["image-to-video"]) == doc.I2V_ACCEPTED["id"]
    mock.on("GET", "/v1/video/generations/.+", answer(200, doc.I2V_ACCEPTED))
    update = gateway(mock).status(doc.I2V_ACCEPTED["id"], JobKind.VIDEO)
    assert (update.state, update.outputs) == (VendorState.PROCESSING, [])


def t2v_accepted() -> None:
    mock = vendor()
    assert gateway(mock).submit(SHAPES["text-to-video"]) == doc.T2V_ACCEPTED["id"]
    mock.on("GET", "/v1/video/generations/.+", answer(200, doc.T2V_ACCEPTED))
    assert gateway(mock).status(doc.T2V_ACCEPTED["id"], JobKind.VIDEO).state is VendorState.PROCESSING


def completed_video(example: dict[str, Any]) -> Callable[[], None]:
    def means_completed_with_its_output() -> None:
        mock = vendor().on("GET", "/v1/video/generations/.+", answer(200, example))
        update = gateway(mock).status(example["id"], JobKind.VIDEO)
        assert (update.vendor_job_id, update.state, update.outputs) == (example["id"], "completed", [example["output_url"]])

    return means_completed_with_its_output


def t2v_failed() -> None:
    mock = vendor().on("GET", "/v1/video/generations/.+", answer(200, doc.T2V_FAILED))
    update = gateway(mock).status(doc.T2V_FAILED["id"], JobKind.VIDEO)
    assert update.state is VendorState.FAILED and update.error is not None and update.outputs == []
    assert (update.error.code, update.error.message) == (doc.T2V_FAILED["error"]["code"], doc.T2V_FAILED["error"]["message"])


def batch_accepted() -> None:
    vendor_job_id = gateway(vendor()).submit(SHAPES["a batch of three videos"])
    assert vendor_job_id.endswith(doc.BATCH_ACCEPTED["batch_id"])


def batch_status() -> None:
    example = doc.BATCH_STATUS
    update = run(vendor(), SHAPES["a batch of three videos"])
    assert (update.state, update.outputs) == (VendorState.PROCESSING, [])  # one job still processing
    assert update.progress == 100 * example["completed"] // example["total_jobs"]


def image_edit_response() -> None:
    update = run(vendor(), SHAPES["two edits of the photo"])
    urls = [item["url"] for item in doc.IMAGE_EDIT_RESPONSE["data"]]
    assert (update.state, update.outputs) == (VendorState.COMPLETED, urls * 2)  # two edits, each answered with its URL


def error_response() -> None:
    detail = doc.ERROR_RESPONSE["error"]
    mock = vendor().on("POST", "/v1/video/generations", answer(400, doc.ERROR_RESPONSE))  # "you'll get a 400"
    with pytest.raises(errors.VendorContentPolicy) as raised:
        gateway(mock).submit(SHAPES["text-to-video"])
    assert (raised.value.vendor_code, raised.value.message, raised.value.retryable) == (detail["code"], detail["message"], False)


def delivery(example: dict[str, Any], event: str, secret: str = SIGNING_SECRET) -> tuple[bytes, dict[str, str]]:
    """The doc's outbound webhook: JSON body, X-CreativeAI-Event, -Delivery-Id, -Signature `sha256=<hmac-hex>`."""
    body = json.dumps(example).encode()
    return body, {
        "Content-Type": "application/json",
        "X-CreativeAI-Event": event,
        "X-CreativeAI-Delivery-Id": str(example.get("id") or example.get("batch_id")),
        "X-CreativeAI-Signature": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
    }


def reader(example: dict[str, Any], secret_entry: dict[str, str] | None = None) -> Any:
    moment = datetime.fromisoformat(example["completed_at"].replace("Z", "+00:00")).timestamp()
    return build_reader(secret_entry or {"api_key": KEY, "webhook_secret": SIGNING_SECRET}, lambda: moment)


def webhook(example: dict[str, Any], event: str, state: VendorState, outputs: list[str]) -> Callable[[], None]:
    def means_its_documented_state() -> None:
        body, headers = delivery(example, event)
        delivery_id, update = reader(example).read(body, headers, {"job": "job_doc"})
        assert delivery_id == headers["X-CreativeAI-Delivery-Id"]
        assert (update.state, update.outputs) == (state, outputs)
        if state is VendorState.FAILED:
            assert update.error is not None and update.error.message == example["error_message"]
        unsigned = {key: value for key, value in headers.items() if key != "X-CreativeAI-Signature"}
        with pytest.raises(SignatureInvalid):  # "X-CreativeAI-Signature is included when a signing secret is configured"
            reader(example).read(body, unsigned, {})

    return means_its_documented_state


def image_webhook() -> None:
    example = doc.IMAGE_WEBHOOK
    webhook(example, "image.generation.completed", VendorState.COMPLETED, [example["output_url"]])()
    body, headers = delivery(example, "image.generation.completed", secret=KEY)  # "Use your API key as the HMAC secret"
    assert reader(example, {"api_key": KEY}).read(body, headers, {})[1].outputs == [example["output_url"]]
    polled = run(vendor(), SHAPES["one native image"])  # the native API's prediction, read the same way
    assert (polled.state, polled.outputs) == (VendorState.COMPLETED, [example["output_url"]])


MEANINGS: dict[str, Callable[[], None]] = {
    # requests to endpoints the adapter uses
    "N8N_VIDEO_REQUEST": lambda: doc_request("N8N_VIDEO_REQUEST", "/v1/video/generations"),
    "T2V_REQUEST": lambda: doc_request("T2V_REQUEST", "/v1/video/generations"),
    "I2V_REQUEST": lambda: doc_request("I2V_REQUEST", "/v1/video/generations"),
    "I2V_MINIMAL_REQUEST": lambda: doc_request("I2V_MINIMAL_REQUEST", "/v1/video/generations"),
    "COMMERCE_VIDEO_REQUEST": lambda: doc_request("COMMERCE_VIDEO_REQUEST", "/v1/video/generations"),
    "MULTI_SHOT_REQUEST": lambda: doc_request("MULTI_SHOT_REQUEST", "/v1/video/generations"),
    "BATCH_REQUEST": lambda: doc_request("BATCH_REQUEST", "/v1/video/generations/batch"),
    "EDIT_FORM": lambda: doc_form("EDIT_FORM", "/v1/images/edits"),
    "COMMERCE_EDIT_FORM": lambda: doc_form("COMMERCE_EDIT_FORM", "/v1/images/edits"),
    # /v1/images/generations: the fields the native image request is held to
    "QUICK_START_IMAGE_REQUEST": lambda: doc_request("QUICK_START_IMAGE_REQUEST", "/v1/images/generations"),
    "TRANSPARENT_IMAGE_REQUEST": lambda: doc_request("TRANSPARENT_IMAGE_REQUEST", "/v1/images/generations"),
    "FAQ_CHARACTER_REQUEST": faq_character_request,
    "MULTI_SHOT_HEADERS": multi_shot_headers,
    # responses, webhooks, errors
    "I2V_ACCEPTED": i2v_accepted,
    "I2V_COMPLETED": completed_video(doc.I2V_COMPLETED),
    "T2V_ACCEPTED": t2v_accepted,
    "T2V_COMPLETED": completed_video(doc.T2V_COMPLETED),
    "T2V_FAILED": t2v_failed,
    "BATCH_ACCEPTED": batch_accepted,
    "BATCH_STATUS": batch_status,
    "IMAGE_EDIT_RESPONSE": image_edit_response,
    "ERROR_RESPONSE": error_response,
    "VIDEO_WEBHOOK_COMPLETED": webhook(
        doc.VIDEO_WEBHOOK_COMPLETED,
        "video.generation.completed",
        VendorState.COMPLETED,
        [doc.VIDEO_WEBHOOK_COMPLETED["output_url"]],
    ),
    "VIDEO_WEBHOOK_FAILED": webhook(doc.VIDEO_WEBHOOK_FAILED, "video.generation.failed", VendorState.FAILED, []),
    "BATCH_WEBHOOK": webhook(
        doc.BATCH_WEBHOOK,
        "video.batch.completed",
        VendorState.COMPLETED,
        [job["output_url"] for job in doc.BATCH_WEBHOOK["jobs"]],
    ),
    "IMAGE_WEBHOOK": image_webhook,
    # endpoints the adapter does not use
    **{name: unused(path) for path, names in UNUSED.items() for name in names},
}


test_every_example_of_the_doc_has_a_meaning_here, test_the_doc_example_means_what_the_doc_says = meaning_tests(
    MEANINGS, set(doc.EXAMPLES) | set(doc.FORMS)
)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (401, "authentication_error", errors.VendorAuthFailed),
        (402, "insufficient_credits", errors.VendorInsufficientCredits),
        (400, "insufficient_credits", errors.VendorInsufficientCredits),  # the code decides, whatever the status
        (400, "invalid_request_error", errors.VendorRejected),
        (503, "provider_unavailable", errors.VendorUnavailable),
    ],
)
def test_the_documented_error_codes_in_the_documented_error_format(status, code, expected):
    """The error table's codes, each in the documented format (ERROR_RESPONSE with that code)."""
    body = {"error": {**doc.ERROR_RESPONSE["error"], "code": code}}
    mock = vendor().on("POST", "/api/v1/model/generateImage", answer(status, body))
    with pytest.raises(expected) as raised:
        gateway(mock).submit(SHAPES["one native image"])
    assert (type(raised.value), raised.value.vendor_code, raised.value.message) == (expected, code, body["error"]["message"])


def test_a_429_is_rate_limited_for_its_retry_after():
    """ "When exceeded, you'll get a 429 with a Retry-After header" (seconds); code rate_limit_exceeded."""
    retry_after = 17
    body = {"error": {**doc.ERROR_RESPONSE["error"], "code": "rate_limit_exceeded"}}
    mock = vendor().on("POST", "/v1/video/generations", answer(429, body, {"Retry-After": str(retry_after)}))
    with pytest.raises(errors.VendorRateLimited) as raised:
        gateway(mock).submit(SHAPES["text-to-video"])
    assert (raised.value.retry_after, raised.value.retryable) == (retry_after, True)


def test_the_rate_limit_headers_of_every_response_hold_the_next_request():
    """ "Rate limit headers are included in every response: X-RateLimit-Limit, X-RateLimit-Remaining,
    X-RateLimit-Reset": none remaining holds the account until the reset (seconds here; see rate_headers)."""
    reset = 42
    headers = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    mock = vendor().on("POST", "/v1/video/generations", answer(202, doc.T2V_ACCEPTED, headers))
    RATE_HEADERS.pause(CAPABILITIES.name)
    gateway(mock).submit(SHAPES["text-to-video"])
    assert RATE_HEADERS.pause(CAPABILITIES.name) == reset


def test_outputs_are_downloaded_from_the_documented_url_not_through_the_api():
    """ "Completed videos are hosted on our CDN — you get a direct URL": fetched as it is, with no API call."""
    mock = vendor()
    fetcher = PhotoFetcher()
    creativeai: CreativeAIGateway = mock.serve(build(BASE, {"api_key": KEY}, fetcher, timeout=5))
    update = creativeai.status(creativeai.submit(SHAPES["image-to-video"]), JobKind.VIDEO)
    sent = len(mock.requests)
    with creativeai.open_output(update.outputs[0]):
        pass
    assert fetcher.opened[-1] == doc.I2V_COMPLETED["output_url"] and len(mock.requests) == sent
