"""adcreator.ai's doc examples (adcreator-platform-api.txt) through the adapter, and every request it sends held to the doc.

The doc's example answers (credits, upload, generate) are served verbatim by a MockTransport. `/models` and
`GET /generations/:id` are documented by field tables only: their answers here are built from those tables' field
names, with the example values the doc gives elsewhere (the model id of its generate example). Its request examples
are held to the spec table below, and so is every request of a text-only job, a photo job and N outputs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from adforge.domain.models import JobKind, JobRequest, VendorState, VendorSubmission, VendorUpdate
from adforge.ports import vendors as errors
from adforge.vendors.adcreator import CAPABILITIES
from adforge.vendors.adcreator.gateway import AdCreatorGateway, build
from tests.contract.docs import PhotoFetcher, Spec, Vendor, answer, between, check, check_fields, meaning_tests, one_of, spec_for
from tests.doc_examples import adcreator as doc

BASE = "https://adcreator.test"
KEY = "sk_live_doc"
PHOTO = "https://assets.adforge.test/product.png"
OUTPUT = "https://cdn.adcreator.test/generations/out.png"

# the spec table, from the doc ---------------------------------------------------------------------------------
AUTH = {"Authorization": r"Bearer \S+"}
JSON_BODY = {**AUTH, "Content-Type": r"application/json"}
API = "/api/platform"


def text(low: int, high: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and low <= len(value) <= high


SPECS = [
    *(Spec("GET", f"{API}/{name}", AUTH) for name in ("credits", "models", "video-models", "styles")),
    Spec(
        "POST",
        f"{API}/upload",
        {**AUTH, "Content-Type": r"multipart/form-data; boundary=\S+"},
        "multipart",
        frozenset({"file"}),
        frozenset({"file"}),
    ),
    Spec(
        "POST",
        f"{API}/generate",
        JSON_BODY,
        "json",
        frozenset({"prompt", "modelId", "aspectRatio", "stylePreset", "negativePrompt", "inputImagePath", "batchCount"}),
        frozenset({"prompt", "modelId"}),
        values={"prompt": text(3, 1000), "negativePrompt": text(0, 500), "batchCount": between(1, 4)},
    ),
    Spec("GET", f"{API}/generations", AUTH, fields=frozenset({"limit", "offset"})),
    Spec("GET", f"{API}/generations/[^/]+", AUTH),
    Spec("DELETE", f"{API}/generations/[^/]+", AUTH),
    Spec(
        "POST",
        f"{API}/videos",
        JSON_BODY,
        "json",
        frozenset(
            {"sourceGenerationId", "prompt", "modelId", "durationSeconds", "generateAudio", "negativePrompt", "cfgScale"}
            | {"movementAmplitude", "resolution", "bgm"}
        ),
        frozenset({"sourceGenerationId", "prompt", "modelId", "durationSeconds"}),
        values={
            "prompt": text(3, 1000),
            "durationSeconds": between(2, 15),
            "negativePrompt": text(0, 2500),
            "cfgScale": between(0, 1),
            "movementAmplitude": one_of("auto", "small", "medium", "large"),
            "resolution": one_of("720p", "1080p"),
        },
    ),
    Spec("GET", f"{API}/videos/[^/]+", AUTH),
]

MODEL = doc.GENERATE_REQUEST["modelId"]


def models(credits_cost: float) -> dict[str, Any]:
    """A `/models` answer with the documented fields (`models[]`, `aspectRatios[]`)."""
    return {
        "models": [
            {
                "id": MODEL,
                "displayName": "Nano Banana 2",
                "creditsCost": credits_cost,
                "estimatedSeconds": 20,
                "supportsImageInput": True,
                "maxWidth": 2048,
                "maxHeight": 2048,
            }
        ],
        "aspectRatios": [{"id": "1:1", "label": "Square", "width": 1024, "height": 1024}],
    }


def styles() -> dict[str, Any]:
    """A `/styles` answer with the documented fields (`styles[]`), listing the doc's example `stylePreset`."""
    style = {"id": doc.GENERATE_REQUEST["stylePreset"], "displayName": "Studio", "category": "product"}
    return {"styles": [{**style, "promptSuffix": ", studio lighting"}]}


def generation(status: str, image_url: str | None) -> dict[str, Any]:
    """A `GET /generations/:id` answer with the documented fields."""
    return {
        "generation": {
            "id": doc.GENERATE_202["id"],
            "status": status,
            "prompt": doc.GENERATE_REQUEST["prompt"],
            "image_url": image_url,
            "model_id": MODEL,
            "created_at": "2026-03-17T12:00:00Z",
        }
    }


def vendor(credits_cost: float = 1) -> Vendor:
    return (
        Vendor()
        .on("GET", f"{API}/credits", answer(200, doc.CREDITS_200))
        .on("GET", f"{API}/models", answer(200, models(credits_cost)))
        .on("GET", f"{API}/styles", answer(200, styles()))
        .on("POST", f"{API}/upload", answer(201, doc.UPLOAD_201))
        .on("POST", f"{API}/generate", answer(202, doc.GENERATE_202))
        .on("GET", f"{API}/generations/.+", answer(200, generation("completed", OUTPUT)))
        .on("DELETE", f"{API}/generations/.+", answer(200, {"deleted": True}))
    )


def gateway(mock: Vendor) -> AdCreatorGateway:
    built: AdCreatorGateway = mock.serve(build(BASE, {"api_key": KEY}, PhotoFetcher(), timeout=5))
    return built


def submission(photo: bool = False, **fields: Any) -> VendorSubmission:
    request = JobRequest(prompt=doc.GENERATE_REQUEST["prompt"], **fields)
    return VendorSubmission(request=request, product_image_url=PHOTO if photo else None)


def run(mock: Vendor, sub: VendorSubmission) -> VendorUpdate:
    adcreator = gateway(mock)
    return adcreator.status(adcreator.submit(sub), JobKind.IMAGE)


SHAPES = {
    "one image": submission(),
    "a styled image": submission(preset=doc.GENERATE_REQUEST["stylePreset"]),
    "two images from the photo": submission(photo=True, count=2),
    **{f"ratio {ratio}": submission(aspect_ratios=[ratio]) for ratio in sorted(CAPABILITIES.aspect_ratios)},
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_request_is_a_documented_endpoint_with_documented_fields(shape):
    mock = vendor()
    run(mock, SHAPES[shape])
    assert mock.calls("POST", f"{API}/generate")
    check_all(mock)


def check_all(mock: Vendor) -> None:
    assert mock.requests
    for request in mock.requests:
        check(request, SPECS)
        assert request.headers["Authorization"] == f"Bearer {KEY}"


def test_reconciliation_lists_and_discarding_deletes_with_documented_requests():
    """`GET /generations` ("an array of generation objects": `limit`, `offset`) finds a generation whose answer was
    lost; `DELETE /generations/:id` drops one."""
    listed = {**generation("processing", None)["generation"], "created_at": "2999-01-01T00:00:00Z"}
    mock = vendor().on("GET", f"{API}/generations", answer(200, [listed]))
    adcreator = gateway(mock)
    found = adcreator.reconcile(SHAPES["one image"], datetime(2026, 1, 1, tzinfo=UTC), lambda generation_id: False)
    assert found == listed["id"] and mock.calls("GET", f"{API}/generations")
    adcreator.discard(f"{listed['id']},{listed['id']}")
    assert len(mock.calls("DELETE", f"{API}/generations/.+")) == 2
    check_all(mock)


def test_a_generation_of_the_documented_fields_completes_with_its_image_url():
    update = run(vendor(), SHAPES["one image"])
    assert (update.state, update.outputs) == (VendorState.COMPLETED, [OUTPUT])
    failed = vendor().on("GET", f"{API}/generations/.+", answer(200, generation("failed", None)))
    assert run(failed, SHAPES["one image"]).state is VendorState.FAILED


def doc_request(name: str, path: str) -> Callable[[], None]:
    return lambda: check_fields(name, spec_for(SPECS, "POST", f"{API}{path}"), getattr(doc, name))


def upload_form() -> None:
    fields, files = doc.FORMS["UPLOAD_FORM"]
    check_fields("UPLOAD_FORM", spec_for(SPECS, "POST", f"{API}/upload"), {**fields, **files})


def credits_200() -> None:
    """`balance` pays for a job or refuses it before anything is uploaded or started (`unlimited` false)."""
    balance = doc.CREDITS_200["balance"]
    assert doc.CREDITS_200["unlimited"] is False
    paid = vendor(credits_cost=balance)
    assert run(paid, submission(photo=True)).state is VendorState.COMPLETED  # one image at the whole balance
    short = vendor(credits_cost=balance)
    with pytest.raises(errors.VendorInsufficientCredits):
        gateway(short).submit(submission(photo=True, count=2))
    assert not short.calls("POST", f"{API}/upload") and not short.calls("POST", f"{API}/generate")


def upload_201() -> None:
    mock = vendor()
    gateway(mock).submit(SHAPES["two images from the photo"])
    assert len(mock.calls("POST", f"{API}/upload")) == 1  # one upload serves the job's generations
    bodies = [json.loads(request.read()) for request in mock.calls("POST", f"{API}/generate")]
    assert len(bodies) == 2 and all(body["inputImagePath"] == doc.UPLOAD_201["path"] for body in bodies)


def generate_202() -> None:
    assert gateway(vendor()).submit(SHAPES["one image"]) == doc.GENERATE_202["id"]
    assert gateway(vendor()).submit(SHAPES["two images from the photo"]).split(",") == [doc.GENERATE_202["id"]] * 2


MEANINGS: dict[str, Callable[[], None]] = {
    "GENERATE_REQUEST": doc_request("GENERATE_REQUEST", "/generate"),
    "VIDEO_REQUEST": doc_request("VIDEO_REQUEST", "/videos"),
    "UPLOAD_FORM": upload_form,
    "CREDITS_200": credits_200,
    "UPLOAD_201": upload_201,
    "GENERATE_202": generate_202,
}


test_every_example_of_the_doc_has_a_meaning_here, test_the_doc_example_means_what_the_doc_says = meaning_tests(
    MEANINGS, set(doc.EXAMPLES) | set(doc.FORMS)
)


@pytest.mark.parametrize(
    ("method", "path", "status", "expected"),
    [
        ("GET", f"{API}/credits", 401, errors.VendorAuthFailed),  # "Requests without a valid key receive a 401"
        ("POST", f"{API}/generate", 400, errors.VendorRejected),  # "400 Validation Error"
        ("GET", f"{API}/generations/.+", 404, errors.VendorNotFound),  # "404 Not Found"
    ],
)
def test_the_documented_error_statuses(method, path, status, expected):
    mock = vendor().on(method, path, answer(status, {"error": f"HTTP {status}"}))
    with pytest.raises(expected) as raised:
        run(mock, SHAPES["one image"])
    assert type(raised.value) is expected and raised.value.message == f"HTTP {status}"


@pytest.mark.parametrize("path", ["/generate", "/videos"])
def test_a_422_generation_failed_is_the_vendors_failure_not_a_refusal_of_our_request(path):
    """ "422 Generation Failed" (on /generate and /videos): no validation error of ours, so not `VendorRejected` (which
    fails the job); a plain `VendorError`, so `auto` goes to the next vendor."""
    mock = vendor().on("POST", f"{API}{path}", answer(422, {"error": "Generation Failed"}))
    client = gateway(mock)._client
    start = client.generate if path == "/generate" else client.create_video
    with pytest.raises(errors.VendorError) as raised:
        start(doc.GENERATE_REQUEST if path == "/generate" else doc.VIDEO_REQUEST)
    assert type(raised.value) is errors.VendorError and not raised.value.retryable
    assert raised.value.message == "Generation Failed"


def test_the_image_is_downloaded_from_its_public_image_url_not_through_the_api():
    """`generation.image_url`: "Public URL of the generated image"."""
    mock = vendor()
    fetcher = PhotoFetcher()
    adcreator: AdCreatorGateway = mock.serve(build(BASE, {"api_key": KEY}, fetcher, timeout=5))
    update = adcreator.status(adcreator.submit(SHAPES["one image"]), JobKind.IMAGE)
    sent = len(mock.requests)
    with adcreator.open_output(update.outputs[0]):
        pass
    assert fetcher.opened[-1] == generation("completed", OUTPUT)["generation"]["image_url"]
    assert len(mock.requests) == sent
