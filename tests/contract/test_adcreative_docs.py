"""AdCreative.ai's doc examples (adcreative-product-photoshoot-api.txt, adcreative-stock-image-api.txt) through both
adapters, and every request they send held to the docs.

Answers and errors are served verbatim by a MockTransport and must mean what the docs say; expected values are read
from the example itself. The progress object (the stock doc's; the photoshoot doc shows none of its own and its
package notes read it the same way) is also delivered as a notification (its `messageType` names it). The docs'
request examples (`--form` fields, query strings) are held to the spec table below, and so is every request of each
gateway's submit, status, download and (stock) in-flight listing.

GenerateJwtToken and NotificationChannel are named by the docs without their fields: their specs hold requests to the
fields the package notes assume (marked `note`), and the mock answers the token as those notes describe.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from adforge.domain.models import JobKind, JobRequest, VendorState, VendorSubmission
from adforge.ports import vendors as errors
from adforge.vendors.adcreative import CAPABILITIES_PHOTOSHOOT, CAPABILITIES_STOCK, NAME_STOCK, PHOTOSHOOT_TASKS, progress
from adforge.vendors.adcreative.auth import Account
from adforge.vendors.adcreative.gateway import PhotoshootGateway, StockGateway, build_photoshoot, build_stock
from adforge.vendors.adcreative.problems import read_error
from adforge.vendors.adcreative.webhook import build_reader
from adforge.vendors.http import send
from tests.contract.docs import (
    PNG,
    PhotoFetcher,
    Spec,
    Vendor,
    answer,
    check,
    check_fields,
    meaning_tests,
    multipart,
    one_of,
    spec_for,
)
from tests.doc_examples import adcreative as doc

BASE = "https://api.adcreative.test"
PHOTO = "https://assets.adforge.test/product.png"
CALLBACK = "https://api.adforge.test/v1/webhooks/adcreative?job=job_doc"
SECRET = {
    "api_key": "f8a3d2c6e9b1a7d4c5f0e6b3a9d7c2f1",  # the photoshoot doc's example credentials
    "api_secret": "b7e4c1d9a5f2e8c6d3a9b0f1c7e2d5a3f6b8c9a1d4e7f0b3c2a5d9f6e1b7c4a8",
    "application_id": doc.PHOTOSHOOT_START_FORM["applicationId"],
    "user_id": doc.PHOTOSHOOT_START_FORM["userId"],
    "webhook_token": "doc-webhook-token",
}
TOKEN = {"accessToken": "jwt-doc", "accessTokenExpiration": "2999-01-01T00:00:00Z"}  # the package notes' shape

# the spec table, from the docs --------------------------------------------------------------------------------
TOKEN_PATH = "/api/v1/Authorization/GenerateJwtToken"
PS, ST, CHANNELS = "/api/v1/Image/ProductGeneration", "/api/v1/Image/StockGeneration", "/api/v1/NotificationChannel"
KEYS = {"x-api-key": r"\S+", "x-api-secret": r"\S+", "Accept": r"application/json"}
BEARER = {**KEYS, "Authorization": r"Bearer \S+"}
MULTIPART = {**BEARER, "Content-Type": r"multipart/form-data; boundary=\S+"}
BOOLEAN = one_of("true", "false")
GUIDS = ("applicationId", "userId")
PROMPT_OBJECT_KEYS = {"preset", "tag"}  # the doc's PromptObjectsString shows preset objects only
CUSTOM_PROMPT_KEYS = {"tag", "prompt", "nativeLanguagePrompt"}  # undocumented: the adapter's custom prompt object


def prompt_objects(value: Any) -> bool:
    """A JSON array of 1-6 prompt objects (the photoshoot has 6 tasks)."""
    objects = json.loads(value)
    return (
        isinstance(objects, list)
        and 1 <= len(objects) <= PHOTOSHOOT_TASKS
        and all(set(item) <= (PROMPT_OBJECT_KEYS if item.get("tag") == "preset" else CUSTOM_PROMPT_KEYS) for item in objects)
    )


def at_most(length: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and len(value) <= length


CHANNEL = frozenset({"applicationId", "notificationChannelType", "url", "includeImageData", "isActive"})
CHANNEL_NOTE = "the docs name /NotificationChannel only: the fields are the package notes' assumption"
SPECS = [
    Spec(
        "POST",
        TOKEN_PATH,
        KEYS,
        "json",
        frozenset({"applicationId", "jwtPrivateKey"}),
        frozenset({"applicationId"}),
        note="named by the photoshoot doc without fields: the package notes' body",
    ),
    Spec("GET", CHANNELS, BEARER, note=CHANNEL_NOTE),
    Spec("POST", CHANNELS, BEARER, "json", CHANNEL, CHANNEL, note=CHANNEL_NOTE),
    Spec("PUT", f"{CHANNELS}/[^/]+", BEARER, "json", CHANNEL, CHANNEL, note=CHANNEL_NOTE),
    # Product Photoshoot
    Spec(
        "POST",
        f"{PS}/Recommendations",
        MULTIPART,
        "multipart",
        frozenset({"productImage", *GUIDS}),
        frozenset({"productImage"}),
        note="productImage from its documented 400; applicationId / userId as on the documented start",
    ),
    Spec("GET", f"{PS}/PresetKeys", BEARER),
    Spec(
        "POST",
        f"{PS}/AdCreative",
        MULTIPART,
        "multipart",
        frozenset(doc.PHOTOSHOOT_START_FORM),
        frozenset({*GUIDS, "renderKind", "productImageAssetId", "PromptObjectsString"}),
        values={
            "PromptObjectsString": prompt_objects,
            "DisableSafeMargin": one_of("true", "false", ""),
            "UseSameStyleReferenceImage": one_of("true", "false", ""),
        },
        note="custom prompt objects ({tag, prompt, nativeLanguagePrompt}) are not shown by the doc",
    ),
    Spec(
        "GET",
        f"{PS}/CheckUserProgress",
        BEARER,
        fields=frozenset({"userId", "imageProductGeneratorProcessId"}),
        required=frozenset({"userId"}),
        note="undocumented query: the stock CheckUserProgress's, with the photoshoot Download's process parameter",
    ),
    Spec(
        "GET",
        f"{PS}/Download",
        BEARER,
        fields=frozenset({"applicationId", "taskId", "imageProductGeneratorProcessId", "lowResolution", "format"}),
        required=frozenset({"applicationId", "taskId", "imageProductGeneratorProcessId"}),
        values={"lowResolution": BOOLEAN, "format": one_of("0", "1", "2")},
    ),
    # Stock Image Generation
    Spec(
        "POST",
        f"{ST}/AdCreative",
        MULTIPART,
        "multipart",
        frozenset({*GUIDS, "renderKind", "imageStyle", "userPrompt", "customStyleText", "customStyleImage", "loraParams"}),
        frozenset({*GUIDS, "renderKind", "imageStyle", "userPrompt"}),
        values={"userPrompt": at_most(1000), "customStyleText": at_most(1000)},
    ),
    Spec(
        "GET",
        f"{ST}/CheckUserProgress",
        BEARER,
        fields=frozenset({"userId", "imageStockGeneratorProcessId"}),
        required=frozenset({"userId"}),
    ),
    Spec(
        "GET",
        f"{ST}/CheckApplicationAllProgresses",
        BEARER,
        fields=frozenset({"applicationId"}),
        required=frozenset({"applicationId"}),
    ),
    Spec(
        "GET",
        f"{ST}/Download",
        BEARER,
        fields=frozenset({"applicationId", "taskId", "imageStockGeneratorProcessId", "lowResolution"}),
        required=frozenset({"applicationId", "taskId", "imageStockGeneratorProcessId"}),
        values={"lowResolution": BOOLEAN},
    ),
]


# the vendor, answering the docs' examples ---------------------------------------------------------------------
def vendor() -> Vendor:
    """Both APIs, each endpoint answering its doc's example (the photoshoot start and progress: the stock progress
    object, as the package notes read them)."""
    png = httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
    return (
        Vendor()
        .on("POST", TOKEN_PATH, answer(200, TOKEN))
        .on("GET", CHANNELS, answer(200, []))
        .on("POST", CHANNELS, answer(200, {"id": "channel-1"}))
        .on("GET", f"{PS}/PresetKeys", answer(200, [doc.PRESET]))
        .on("POST", f"{PS}/Recommendations", answer(200, doc.RECOMMENDATIONS_200))
        .on("POST", f"{PS}/AdCreative", answer(200, doc.START_200))
        .on("GET", f"{PS}/CheckUserProgress", answer(200, doc.CHECK_USER_PROGRESS_200))
        .on("GET", f"{PS}/Download", png)
        .on("POST", f"{ST}/AdCreative", answer(200, doc.START_200))
        .on("GET", f"{ST}/CheckUserProgress", answer(200, doc.CHECK_USER_PROGRESS_200))
        .on("GET", f"{ST}/CheckApplicationAllProgresses", answer(200, doc.ALL_PROGRESSES_200))
        .on("GET", f"{ST}/Download", png)
    )


def photoshoot(mock: Vendor) -> PhotoshootGateway:
    gateway: PhotoshootGateway = mock.serve(build_photoshoot(BASE, SECRET, PhotoFetcher(), timeout=5))
    return gateway


def stock(mock: Vendor) -> StockGateway:
    gateway: StockGateway = mock.serve(build_stock(BASE, SECRET, PhotoFetcher(), timeout=5))
    return gateway


SHOOT_RATIO: Any = sorted(CAPABILITIES_PHOTOSHOOT.aspect_ratios or {"16:9"})[0]  # none declared yet: the nearest-size one


def shoot(preset: str | None = None) -> VendorSubmission:
    request = JobRequest(prompt="on a marble kitchen counter", aspect_ratios=[SHOOT_RATIO], preset=preset)
    return VendorSubmission(request=request, product_image_url=PHOTO, callback_url=CALLBACK)


def stock_job(ratio: Any = "1:1", **fields: Any) -> VendorSubmission:
    request = JobRequest(prompt="Darth Vader", aspect_ratios=[ratio], **fields)
    return VendorSubmission(request=request, callback_url=CALLBACK)


SINCE = datetime(2026, 1, 1, tzinfo=UTC)


def job_of(job_id: str) -> VendorSubmission:
    """A stock job's submission carrying our job id, as Submit sends it (the userId derives from it)."""
    return VendorSubmission(request=stock_job().request, callback_url=CALLBACK, reference=job_id)


def start_form(mock: Vendor, path: str) -> dict[str, str]:
    return multipart(mock.calls("POST", path)[-1])[0]


def run(gateway: PhotoshootGateway | StockGateway, sub: VendorSubmission) -> None:
    update = gateway.status(gateway.submit(sub), JobKind.IMAGE)
    for ref in update.outputs:
        with gateway.open_output(ref) as download:
            assert b"".join(download.chunks()) == PNG


def stock_at(ratio: str) -> Callable[[Vendor], None]:
    return lambda mock: run(stock(mock), stock_job(ratio))


SHAPES: dict[str, Callable[[Vendor], object]] = {
    "photoshoot, our prompt": lambda mock: run(photoshoot(mock), shoot()),
    "photoshoot, a named preset": lambda mock: run(photoshoot(mock), shoot(preset=doc.PRESET["previewName"])),
    "photoshoot, recommended presets": lambda mock: run(photoshoot(mock), shoot(preset="recommended")),
    **{f"stock {ratio}": stock_at(ratio) for ratio in sorted(CAPABILITIES_STOCK.aspect_ratios)},
    "stock, lora parameters": lambda mock: run(
        stock(mock), stock_job(metadata={"lora_params": doc.STOCK_START_FORM_CURL["loraParams"]})
    ),
    "stock, a lost start looked up": lambda mock: stock(mock).reconcile(job_of("job_1"), SINCE, lambda _: False),
    "photoshoot, a lost start looked up": lambda mock: photoshoot(mock).reconcile(job_of("job_1"), SINCE, lambda _: False),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_request_is_a_documented_endpoint_with_documented_fields(shape):
    mock = vendor()
    SHAPES[shape](mock)
    assert mock.requests
    for request in mock.requests:
        check(request, SPECS)
        assert (request.headers["x-api-key"], request.headers["x-api-secret"]) == (SECRET["api_key"], SECRET["api_secret"])
        if request.url.path != TOKEN_PATH:
            assert request.headers["Authorization"] == f"Bearer {TOKEN['accessToken']}"


def test_a_channel_at_our_endpoint_with_another_url_is_updated_with_a_documented_request():
    existing = [{"id": "channel-0", "url": "https://api.adforge.test/v1/webhooks/adcreative?token=old", "isActive": True}]
    mock = vendor().on("GET", CHANNELS, answer(200, existing)).on("PUT", f"{CHANNELS}/channel-0", answer(200, existing[0]))
    stock(mock).submit(stock_job())
    (update,) = mock.calls("PUT", f"{CHANNELS}/.+")
    assert json.loads(update.content)["url"].endswith(f"token={SECRET['webhook_token']}")
    for request in mock.requests:
        check(request, SPECS)


# the docs' requests --------------------------------------------------------------------------------------------
def doc_form(forms: dict[str, tuple[dict[str, str], dict[str, str]]], name: str, path: str) -> Callable[[], None]:
    def accepted() -> None:
        fields, files = forms[name]
        check_fields(name, spec_for(SPECS, "POST", path), {**fields, **files})

    return accepted


def doc_query(name: str, path: str) -> Callable[[], None]:
    return lambda: check_fields(name, spec_for(SPECS, "GET", path), doc.STOCK_QUERIES[name])


# the docs' answers ---------------------------------------------------------------------------------------------
def raised_by(call: Callable[[], Any], expected: type[errors.VendorError]) -> errors.VendorError:
    with pytest.raises(expected) as raised:
        call()
    assert type(raised.value) is expected
    return raised.value


def messages(example: dict[str, Any]) -> list[str]:
    return [text for texts in example["errors"].values() if isinstance(texts, list) for text in texts]


def trace(example: dict[str, Any]) -> str:
    return str(example.get("traceId") or example["extensions"]["traceId"])


def refusal(
    example: dict[str, Any],
    expected: type[errors.VendorError],
    method: str,
    path: str,
    call: Callable[[Vendor], Any],
) -> Callable[[], None]:
    """The example as the answer of `method path`: the typed error, with every message of the body and its trace id."""

    def means_its_error() -> None:
        mock = vendor().on(method, path, answer(example["status"], example))
        error = raised_by(lambda: call(mock), expected)
        assert all(text in error.message for text in messages(example)) and error.trace_id == trace(example)
        assert "$id" not in error.message and not error.retryable

    return means_its_error


def download(gateway: Callable[[Vendor], PhotoshootGateway | StockGateway]) -> Callable[[Vendor], None]:
    def call(mock: Vendor) -> None:
        process = doc.START_200["imageRenderProcessId"]
        with gateway(mock).open_output(f"{process}/{next(iter(doc.START_200['tasks']))}") as opened:
            b"".join(opened.chunks())

    return call


def recommendations_200() -> None:
    """The background-removed asset, the product's name and description go into the start; `recommended` uses its presets."""
    example, mock = doc.RECOMMENDATIONS_200, vendor()
    photoshoot(mock).submit(shoot(preset="recommended"))
    form = start_form(mock, f"{PS}/AdCreative")
    assert form["productImageAssetId"] == example["backgroundRemovedImageAssetId"]
    info = example["productInfo"]
    assert (form["productName"], form["productDescription"]) == (info["productName"], info["productDescription"])
    presets = [item["preset"] for item in json.loads(form["PromptObjectsString"])]
    assert presets == example["recommendedPresetIds"][:PHOTOSHOOT_TASKS]


def preset() -> None:
    """A preset named by its id, preview name or category is sent by its id, in all 6 prompt objects."""
    for named in (doc.PRESET["id"], doc.PRESET["previewName"], doc.PRESET["categories"][0]["name"]):
        mock = vendor()
        photoshoot(mock).submit(shoot(preset=named))
        objects = json.loads(start_form(mock, f"{PS}/AdCreative")["PromptObjectsString"])
        assert objects == [{"preset": doc.PRESET["id"], "tag": "preset"}] * PHOTOSHOOT_TASKS


def start_200() -> None:
    """The start answer names the process (our vendor job id) and, read as its notification, is still pending."""
    example = doc.START_200
    ours = progress.job_id(example["imageRenderProcessId"], SECRET["user_id"])  # a submission of no job: the secret's user
    assert stock(vendor()).submit(stock_job()) == ours
    assert photoshoot(vendor()).submit(shoot()) == ours
    delivery_id, update = build_reader(SECRET, lambda: 0.0).read(
        json.dumps(example).encode(), {}, {"token": SECRET["webhook_token"]}
    )
    assert (update.vendor_job_id, update.state, update.progress) == (
        progress.job_id(example["imageRenderProcessId"], example["userId"]),
        VendorState.PENDING,
        example["progress"],
    )
    assert delivery_id.startswith(example["imageRenderProcessId"])


def check_user_progress_200() -> None:
    """Progress 100 with every task at renderState 5 and isSuccessful: completed, one output per task."""
    (example,) = doc.CHECK_USER_PROGRESS_200
    process = example["imageRenderProcessId"]
    outputs = [f"{process}/{task}" for task, state in example["tasks"].items() if state == 5]
    ours = progress.job_id(process, example["userId"])
    for gateway in (stock(vendor()), photoshoot(vendor())):
        update = gateway.status(ours, JobKind.IMAGE)
        assert (update.vendor_job_id, update.state, update.outputs, update.error) == (ours, "completed", outputs, None)
    notified = build_reader(SECRET, lambda: 0.0).read(json.dumps(example).encode(), {}, {"token": SECRET["webhook_token"]})[1]
    assert (notified.state, notified.outputs) == (VendorState.COMPLETED, outputs)


def all_progresses_200() -> None:
    """The application's running processes: each a progress object, pending. (The adapter does not call this
    endpoint: a job's processes are listed by CheckUserProgress with the job's own userId, see the package notes;
    the objects are read by the same parser.)"""
    updates = [progress.to_update(item, NAME_STOCK) for item in doc.ALL_PROGRESSES_200]
    assert [(u.vendor_job_id, u.state) for u in updates] == [
        (progress.job_id(item["imageRenderProcessId"], item["userId"]), VendorState.PENDING) for item in doc.ALL_PROGRESSES_200
    ]


def answered(example: dict[str, Any]) -> Callable[[], None]:
    """The example as an answer read by the adapter's error reading (`send` with the problem+json reader)."""
    request = httpx.Request("GET", f"{BASE}{ST}/CheckApplicationAllProgresses")
    return lambda: send(NAME_STOCK, lambda: httpx.Response(example["status"], json=example, request=request), read_error)


def all_progresses_error(example: dict[str, Any], expected: type[errors.VendorError]) -> Callable[[], None]:
    def means_its_error() -> None:
        error = raised_by(answered(example), expected)
        assert all(text in error.message for text in messages(example)) and error.trace_id == trace(example)

    return means_its_error


def test_a_lost_start_is_looked_up_by_the_jobs_user():
    """A lost start is looked up by the job's userId alone: the doc's "no running or incomplete process ... for the
    User" 404 means none, and the one listed process is ours."""
    user = Account.from_secret(SECRET).user_for("job_1")
    missing = vendor().on("GET", f"{ST}/CheckUserProgress", answer(404, doc.ALL_PROGRESSES_404))
    assert stock(missing).reconcile(job_of("job_1"), SINCE, lambda _: False) is None
    (listed,) = doc.CHECK_USER_PROGRESS_200
    mine = vendor().on("GET", f"{ST}/CheckUserProgress", answer(200, [{**listed, "userId": user}]))
    assert stock(mine).reconcile(job_of("job_1"), SINCE, lambda _: False) == progress.job_id(listed["imageRenderProcessId"], user)


def credits_400() -> None:
    """ "API Key Credits for Application does not exist": no credits (so `auto` fails over at submission), on Download
    where the doc shows it and on a start."""
    example = doc.CREDITS_400
    calls: list[Callable[[Vendor], object]] = [download(photoshoot), lambda mock: photoshoot(mock).submit(shoot())]
    for call in calls:
        mock = vendor().on("GET", f"{PS}/Download", answer(400, example)).on("POST", f"{PS}/AdCreative", answer(400, example))
        with pytest.raises(errors.VendorInsufficientCredits) as raised:
            call(mock)
        error = raised.value
        assert all(text in error.message for text in messages(example)) and error.trace_id == trace(example)


MEANINGS: dict[str, Callable[[], None]] = {
    # requests
    "PHOTOSHOOT_START_FORM": doc_form(doc.PHOTOSHOOT_FORMS, "PHOTOSHOOT_START_FORM", f"{PS}/AdCreative"),
    "STOCK_START_FORM": doc_form(doc.STOCK_FORMS, "STOCK_START_FORM", f"{ST}/AdCreative"),
    "STOCK_START_FORM_CURL": doc_form(doc.STOCK_FORMS, "STOCK_START_FORM_CURL", f"{ST}/AdCreative"),
    "CHECK_USER_PROGRESS_QUERY": doc_query("CHECK_USER_PROGRESS_QUERY", f"{ST}/CheckUserProgress"),
    "ALL_PROGRESSES_QUERY": doc_query("ALL_PROGRESSES_QUERY", f"{ST}/CheckApplicationAllProgresses"),
    "DOWNLOAD_QUERY": doc_query("DOWNLOAD_QUERY", f"{ST}/Download"),
    # Product Photoshoot answers
    "RECOMMENDATIONS_200": recommendations_200,
    "PRESET": preset,
    "PHOTOSHOOT_401": refusal(
        doc.PHOTOSHOOT_401, errors.VendorAuthFailed, "POST", f"{PS}/Recommendations", lambda m: photoshoot(m).submit(shoot())
    ),
    "RECOMMENDATIONS_400": refusal(
        doc.RECOMMENDATIONS_400, errors.VendorRejected, "POST", f"{PS}/Recommendations", lambda m: photoshoot(m).submit(shoot())
    ),
    "PHOTOSHOOT_DOWNLOAD_404": refusal(
        doc.PHOTOSHOOT_DOWNLOAD_404, errors.VendorNotFound, "GET", f"{PS}/Download", download(photoshoot)
    ),
    "PHOTOSHOOT_DOWNLOAD_400": refusal(
        doc.PHOTOSHOOT_DOWNLOAD_400, errors.VendorRejected, "GET", f"{PS}/Download", download(photoshoot)
    ),
    "CREDITS_400": credits_400,
    # Stock answers
    "START_200": start_200,
    "START_400_EXAMPLE_1": refusal(
        doc.START_400_EXAMPLE_1, errors.VendorRejected, "POST", f"{ST}/AdCreative", lambda m: stock(m).submit(stock_job())
    ),
    "START_400_EXAMPLE_2": refusal(
        doc.START_400_EXAMPLE_2, errors.VendorRejected, "POST", f"{ST}/AdCreative", lambda m: stock(m).submit(stock_job())
    ),
    "STOCK_401": refusal(
        doc.STOCK_401, errors.VendorAuthFailed, "POST", f"{ST}/AdCreative", lambda m: stock(m).submit(stock_job())
    ),
    "CHECK_USER_PROGRESS_200": check_user_progress_200,
    "CHECK_USER_PROGRESS_400": refusal(
        doc.CHECK_USER_PROGRESS_400,
        errors.VendorRejected,
        "GET",
        f"{ST}/CheckUserProgress",
        lambda m: stock(m).status(progress.job_id(doc.START_200["imageRenderProcessId"], SECRET["user_id"]), JobKind.IMAGE),
    ),
    "CHECK_USER_PROGRESS_401": refusal(
        doc.CHECK_USER_PROGRESS_401,
        errors.VendorAuthFailed,
        "GET",
        f"{ST}/CheckUserProgress",
        lambda m: stock(m).status(progress.job_id(doc.START_200["imageRenderProcessId"], SECRET["user_id"]), JobKind.IMAGE),
    ),
    "ALL_PROGRESSES_200": all_progresses_200,
    "ALL_PROGRESSES_400": all_progresses_error(doc.ALL_PROGRESSES_400, errors.VendorRejected),
    "ALL_PROGRESSES_404": all_progresses_error(doc.ALL_PROGRESSES_404, errors.VendorNotFound),
    "STOCK_DOWNLOAD_400": refusal(doc.STOCK_DOWNLOAD_400, errors.VendorRejected, "GET", f"{ST}/Download", download(stock)),
    "STOCK_DOWNLOAD_404": refusal(doc.STOCK_DOWNLOAD_404, errors.VendorNotFound, "GET", f"{ST}/Download", download(stock)),
}


test_every_example_of_the_doc_has_a_meaning_here, test_the_doc_example_means_what_the_doc_says = meaning_tests(
    MEANINGS, {*doc.PHOTOSHOOT_EXAMPLES, *doc.STOCK_EXAMPLES, *doc.PHOTOSHOOT_FORMS, *doc.STOCK_FORMS, *doc.STOCK_QUERIES}
)
