"""Adsumo's doc examples (adsumo-image-api.txt) through the adapter, and every request it sends held to the doc.

The doc's 202 and completed answers are served verbatim by a MockTransport; its error table (statuses without
bodies) and its failed-generation prose ("status will be "failed" and an error field will describe the issue") are
checked with the smallest bodies those sentences describe. Its three request examples are held to the spec table
below, and so is every request of a text-only job, a photo job and each declared aspect ratio.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from adforge.domain.models import JobKind, JobRequest, VendorState, VendorSubmission, VendorUpdate
from adforge.ports import vendors as errors
from adforge.vendors.adsumo import CAPABILITIES
from adforge.vendors.adsumo.gateway import AdsumoGateway, build
from tests.contract.docs import PhotoFetcher, Spec, Vendor, answer, between, check, check_fields, meaning_tests, one_of, spec_for
from tests.doc_examples import adsumo as doc

BASE = "https://www.adsumo.test"  # the doc's base is https://www.adsumo.ai/api/v1
KEY = "adsumo_sk_doc"
PHOTO = "https://assets.adforge.test/product.png"

# the spec table, from the doc ---------------------------------------------------------------------------------
HEADERS = {"Authorization": r"Bearer \S+", "Content-Type": r"application/json"}
COMMON = frozenset({"model", "aspect_ratio", "quantity", "resolution"})
VALUES = {
    "model": one_of("fast", "pro"),
    "quantity": between(1, 8),
    "resolution": one_of("1k", "2k", "4k"),
    "aspect_ratio": lambda ratio: isinstance(ratio, str) and ratio.count(":") == 1,
}


def post(path: str, fields: set[str], required: set[str]) -> Spec:
    return Spec("POST", path, HEADERS, "json", COMMON | fields, frozenset(required), values=VALUES)


SPECS = [
    post("/api/v1/images/text-to-image", {"prompt"}, {"prompt", "model", "aspect_ratio"}),
    post(
        "/api/v1/images/product-shots",
        {"product_id", "style_id", "additional_prompt"},
        {"product_id", "style_id", "model", "aspect_ratio"},
    ),
    post("/api/v1/images/edit", {"prompt", "reference_image_urls"}, {"prompt", "model", "aspect_ratio", "reference_image_urls"}),
    Spec("GET", "/api/v1/generations/[^/]+", {"Authorization": r"Bearer \S+"}),
]


def vendor(completed: dict[str, Any] = doc.COMPLETED_RESPONSE) -> Vendor:
    return (
        Vendor()
        .on("POST", "/api/v1/images/(text-to-image|product-shots|edit)", answer(202, doc.ACCEPTED_RESPONSE))
        .on("GET", "/api/v1/generations/.+", answer(200, completed))
    )


def gateway(mock: Vendor) -> AdsumoGateway:
    built: AdsumoGateway = mock.serve(build(BASE, {"api_key": KEY}, PhotoFetcher(), 5))
    return built


def submission(photo: bool = False, **fields: Any) -> VendorSubmission:
    return VendorSubmission(
        request=JobRequest(prompt="white sneakers on a marble surface", **fields), product_image_url=PHOTO if photo else None
    )


def run(mock: Vendor, sub: VendorSubmission) -> VendorUpdate:
    adsumo = gateway(mock)
    return adsumo.status(adsumo.submit(sub), JobKind.IMAGE)


SHAPES = {
    "text-to-image": submission(),
    "two text-to-image": submission(count=2),
    "edit of the photo": submission(photo=True),
    **{f"ratio {ratio}": submission(aspect_ratios=[ratio]) for ratio in sorted(CAPABILITIES.aspect_ratios)},
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_request_is_a_documented_endpoint_with_documented_fields(shape):
    mock = vendor()
    run(mock, SHAPES[shape])
    assert mock.requests
    for request in mock.requests:
        check(request, SPECS)
        assert request.headers["Authorization"] == f"Bearer {KEY}"


def test_the_ratios_declared_are_the_docs_examples():
    """The doc names "1:1", "16:9", "9:16" as examples only: nothing else is declared (the package notes)."""
    assert CAPABILITIES.aspect_ratios <= {"1:1", "16:9", "9:16"}


def doc_request(name: str, path: str) -> Callable[[], None]:
    return lambda: check_fields(name, spec_for(SPECS, "POST", path), getattr(doc, name))


def accepted_response() -> None:
    """The 202's generation_id is the job's id; N outputs are N generations (one result_url each), ids joined."""
    generation = doc.ACCEPTED_RESPONSE["generation_id"]
    assert gateway(vendor()).submit(SHAPES["text-to-image"]) == generation
    mock = vendor()
    assert gateway(mock).submit(SHAPES["two text-to-image"]).split(",") == [generation] * 2
    assert [request.url.path for request in mock.requests] == ["/api/v1/images/text-to-image"] * 2


def completed_response() -> None:
    update = run(vendor(), SHAPES["two text-to-image"])
    assert (update.state, update.outputs) == (VendorState.COMPLETED, [doc.COMPLETED_RESPONSE["result_url"]] * 2)


MEANINGS: dict[str, Callable[[], None]] = {
    "TEXT_TO_IMAGE_REQUEST": doc_request("TEXT_TO_IMAGE_REQUEST", "/api/v1/images/text-to-image"),
    "PRODUCT_SHOTS_REQUEST": doc_request("PRODUCT_SHOTS_REQUEST", "/api/v1/images/product-shots"),
    "EDIT_REQUEST": doc_request("EDIT_REQUEST", "/api/v1/images/edit"),
    "ACCEPTED_RESPONSE": accepted_response,
    "COMPLETED_RESPONSE": completed_response,
}


test_every_example_of_the_doc_has_a_meaning_here, test_the_doc_example_means_what_the_doc_says = meaning_tests(
    MEANINGS, set(doc.EXAMPLES) | set(doc.FORMS)
)


def test_a_failed_generation_is_failed_with_its_error():
    """ "If the generation fails, status will be "failed" and an error field will describe the issue"."""
    failed = {key: value for key, value in doc.COMPLETED_RESPONSE.items() if key not in ("result_url", "completed_at")}
    failed |= {"status": "failed", "error": "Generation failed: content could not be rendered"}
    update = run(vendor(completed=failed), SHAPES["text-to-image"])
    assert (update.state, update.outputs) == (VendorState.FAILED, [])
    assert update.error is not None and update.error.message == failed["error"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, errors.VendorRejected),  # "Invalid request body or parameters."
        (401, errors.VendorAuthFailed),  # "Missing or invalid API key."
        (402, errors.VendorInsufficientCredits),  # "Insufficient credits for the requested generation."
        (404, errors.VendorNotFound),  # "Product or style not found."
        (429, errors.VendorRateLimited),  # "Rate limit exceeded."
        (500, errors.VendorUnavailable),  # "Internal server error."
    ],
)
def test_the_documented_error_statuses(status, expected):
    mock = vendor().on("POST", "/api/v1/images/text-to-image", httpx.Response(status, headers={"Retry-After": "9"}))
    with pytest.raises(expected) as raised:
        gateway(mock).submit(SHAPES["text-to-image"])
    assert type(raised.value) is expected
    if status == 429:
        assert raised.value.retry_after == 9


def test_the_result_is_downloaded_from_its_result_url_not_through_the_api():
    mock = vendor()
    fetcher = PhotoFetcher()
    adsumo: AdsumoGateway = mock.serve(build(BASE, {"api_key": KEY}, fetcher, 5))
    update = adsumo.status(adsumo.submit(SHAPES["text-to-image"]), JobKind.IMAGE)
    sent = len(mock.requests)
    with adsumo.open_output(update.outputs[0]):
        pass
    assert fetcher.opened[-1] == doc.COMPLETED_RESPONSE["result_url"] and len(mock.requests) == sent
