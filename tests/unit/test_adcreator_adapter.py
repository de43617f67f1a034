import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from adforge.domain.models import JobKind, JobRequest, VendorState, VendorSubmission
from adforge.ports import vendors as errors
from adforge.ports.vendors import DiscardingGateway
from adforge.vendors.adcreator import CAPABILITIES
from adforge.vendors.adcreator.client import AdCreatorClient
from adforge.vendors.adcreator.gateway import AdCreatorGateway
from adforge.vendors.adcreator.transform import (
    check,
    check_credits,
    generate_payload,
    generation_id,
    generation_ids,
    pick_model,
    read_error,
    to_update,
    upload_file,
)
from tests.fakes import FakeFetcher

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
PRODUCT_URL = "https://assets.test/p.png?sig=1"

CATALOG = {
    "models": [
        {"id": "flux-schnell", "creditsCost": 1, "supportsImageInput": False},
        {"id": "seedream-4", "creditsCost": 3, "supportsImageInput": True},
        {"id": "nano-banana-2", "creditsCost": 2, "supportsImageInput": True},
    ],
    "aspectRatios": [{"id": "1:1", "label": "Square", "width": 1024, "height": 1024}],
}


def request(**fields) -> JobRequest:
    return JobRequest(**{"prompt": "red mug on marble", **fields})


def generation(status: str, gen_id: str = "g1", **fields) -> dict:
    return {"generation": {"id": gen_id, "status": status, "image_url": None, **fields}}


class ImageFetcher:
    """A `Fetcher` whose every URL serves `chunks`, counting how many were pulled."""

    content_type = "image/png"
    declared_length = None

    def __init__(self, *chunks: bytes) -> None:
        self._chunks = chunks
        self.opened: list[str] = []
        self.pulled = 0

    def chunks(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.pulled += 1
            yield chunk

    @contextmanager
    def open(self, url: str) -> Iterator["ImageFetcher"]:
        self.opened.append(url)
        yield self


def client_with(handler: Callable[[httpx.Request], httpx.Response]) -> AdCreatorClient:
    def checked(http_request: httpx.Request) -> httpx.Response:
        assert http_request.headers["Authorization"] == "Bearer key"
        return handler(http_request)

    http = httpx.Client(
        base_url="https://adcreator.test", transport=httpx.MockTransport(checked), headers={"Authorization": "Bearer key"}
    )
    return AdCreatorClient(http)


# transform: requests -------------------------------------------------------------------------
def test_generate_payload_maps_trimmed_prompt_model_ratio_preset_and_image():
    payload = generate_payload(request(prompt="  red mug  ", preset="studio-product"), "nano-banana-2", "user_1/p.png")
    assert payload == {
        "prompt": "red mug",
        "modelId": "nano-banana-2",
        "aspectRatio": "1:1",
        "batchCount": 1,
        "stylePreset": "studio-product",
        "inputImagePath": "user_1/p.png",
    }


def test_generate_payload_leaves_out_what_was_not_asked():
    payload = generate_payload(request(), "flux-schnell", None)
    assert payload == {"prompt": "red mug on marble", "modelId": "flux-schnell", "aspectRatio": "1:1", "batchCount": 1}


@pytest.mark.parametrize(
    "refused",
    [
        request(kind="video"),
        request(aspect_ratios=["9:16"]),
        JobRequest.model_construct(**{**request().model_dump(), "prompt": "  ab  "}),  # 2 once trimmed (the domain strips too)
        request(prompt="\U0001f642" * 501),  # 501 code points, 1002 UTF-16 units
    ],
)
def test_check_refuses_what_the_vendor_would(refused):
    with pytest.raises(errors.VendorRejected) as raised:
        check(refused)
    assert not raised.value.retryable and raised.value.message


@pytest.mark.parametrize(
    "accepted", [request(prompt="x" * 1000, count=4), request(prompt="\U0001f642" * 500), request(prompt="abc")]
)
def test_check_accepts_the_documented_limits(accepted):
    check(accepted)


def test_capabilities_route_only_square_images():
    assert CAPABILITIES.why_not(request(count=4)) is None
    assert CAPABILITIES.why_not(request(kind="video")) is not None
    assert CAPABILITIES.why_not(request(aspect_ratios=["16:9"])) is not None
    assert not CAPABILITIES.webhooks


@pytest.mark.parametrize(
    ("catalog", "with_image", "expected"),
    [
        (CATALOG, True, ("nano-banana-2", 2.0)),
        (CATALOG, False, ("nano-banana-2", 2.0)),
        (
            {"models": [CATALOG["models"][0], {**CATALOG["models"][2], "supportsImageInput": False}, CATALOG["models"][1]]},
            True,
            ("seedream-4", 3.0),
        ),
        ({"models": [CATALOG["models"][0]]}, False, ("flux-schnell", 1.0)),
    ],
)
def test_pick_model_prefers_the_documented_model_when_it_fits(catalog, with_image, expected):
    assert tuple(pick_model(catalog, with_image)) == expected


def test_pick_model_without_a_fitting_model_sends_the_job_elsewhere():
    with pytest.raises(errors.VendorError) as raised:
        pick_model({"models": [CATALOG["models"][0]]}, with_image=True)
    assert type(raised.value) is errors.VendorError and not raised.value.retryable
    with pytest.raises(errors.VendorProtocolError):
        pick_model({"items": []}, with_image=False)
    with pytest.raises(errors.VendorProtocolError):
        pick_model({"models": [{"id": "nano-banana-2"}]}, with_image=False)


def test_credits_must_cover_the_job_unless_unlimited():
    check_credits({"balance": 8, "unlimited": False}, 8.0)
    check_credits({"balance": 0, "unlimited": True}, 8.0)
    with pytest.raises(errors.VendorInsufficientCredits):
        check_credits({"balance": 7, "unlimited": False}, 8.0)
    with pytest.raises(errors.VendorProtocolError):
        check_credits({"unlimited": False}, 1.0)


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [(PNG, "product.png", "image/png"), (JPEG, "product.jpg", "image/jpeg"), (WEBP, "product.webp", "image/webp")],
)
def test_upload_file_names_the_allowed_types(data, name, kind):
    assert upload_file(data) == (name, kind)


TEN_MB = 10_000_000  # the doc's "10 MB", read strictly


@pytest.mark.parametrize("data", [GIF, b"not an image", PNG + b"\x00" * (TEN_MB - len(PNG) + 1)])
def test_upload_file_refuses_other_types_and_big_files(data):
    """Not a refusal of the request (another vendor may take the photo): `auto` moves on."""
    with pytest.raises(errors.VendorInputUnsupported):
        upload_file(data)


def test_upload_file_takes_exactly_ten_megabytes():
    assert upload_file(PNG + b"\x00" * (TEN_MB - len(PNG))) == ("product.png", "image/png")


# transform: statuses -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "state", "outputs"),
    [
        (generation("processing"), VendorState.PROCESSING, []),
        (generation("completed", image_url="https://cdn.test/g1.png"), VendorState.COMPLETED, ["https://cdn.test/g1.png"]),
        (generation("failed"), VendorState.FAILED, []),
    ],
)
def test_every_documented_status_maps(body, state, outputs):
    update = to_update("g1", [body])
    assert (update.vendor_job_id, update.state, update.outputs) == ("g1", state, outputs)
    assert (update.error is not None) is (state is VendorState.FAILED)


def test_failed_generation_reports_a_code_and_the_vendor_reason():
    update = to_update("g1", [generation("failed", error="provider timeout")])
    assert (update.error.code, update.error.message) == ("generation_failed", "provider timeout")
    assert to_update("g1", [generation("failed")]).error.message == "generation g1 failed"


def test_a_job_of_many_generations_completes_when_all_have():
    done = generation("completed", "g1", image_url="https://cdn.test/1.png")
    assert to_update("g1,g2", [done, generation("processing", "g2")]).state is VendorState.PROCESSING
    both = to_update("g1,g2", [done, generation("completed", "g2", image_url="https://cdn.test/2.png")])
    assert (both.state, both.outputs) == (VendorState.COMPLETED, ["https://cdn.test/1.png", "https://cdn.test/2.png"])
    failed = to_update("g1,g2", [done, generation("failed", "g2", error="nsfw")])
    assert (failed.state, failed.outputs, failed.error.message) == (VendorState.FAILED, [], "nsfw")


@pytest.mark.parametrize("body", [generation("queued"), generation("completed"), {"id": "g1", "status": "completed"}, []])
def test_unreadable_status_answers_are_protocol_errors(body):
    with pytest.raises(errors.VendorProtocolError):
        to_update("g1", [body])


def test_job_ids_join_generation_ids():
    assert generation_ids("g1,g2") == ["g1", "g2"]
    with pytest.raises(errors.VendorNotFound):
        generation_ids("g1,,g3")
    with pytest.raises(errors.VendorProtocolError):
        generation_id({"id": "a,b", "status": "processing"})
    with pytest.raises(errors.VendorProtocolError):
        generation_id({"status": "processing"})


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"error": "prompt too short"}, (None, "prompt too short", None)),
        ({"error": {"code": "insufficient_credits", "message": "top up"}}, ("insufficient_credits", "top up", None)),
        ({"code": "rate_limited", "message": "slow"}, ("rate_limited", "slow", None)),
        (["nope"], (None, None, None)),
    ],
)
def test_read_error_shapes(body, expected):
    assert read_error(body) == expected


# client ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "method", "path", "query"),
    [
        (lambda c: c.credits(), "GET", "/api/platform/credits", ""),
        (lambda c: c.models(), "GET", "/api/platform/models", ""),
        (lambda c: c.video_models(), "GET", "/api/platform/video-models", ""),
        (lambda c: c.styles(), "GET", "/api/platform/styles", ""),
        (lambda c: c.list_generations(), "GET", "/api/platform/generations", "limit=50&offset=0"),
        (lambda c: c.list_generations(limit=10, offset=20), "GET", "/api/platform/generations", "limit=10&offset=20"),
        (lambda c: c.get_generation("g/1"), "GET", "/api/platform/generations/g%2F1", ""),
        (lambda c: c.delete_generation("g1"), "DELETE", "/api/platform/generations/g1", ""),
        (lambda c: c.get_video("v1"), "GET", "/api/platform/videos/v1", ""),
    ],
)
def test_every_read_endpoint_has_its_documented_path(call, method, path, query):
    seen: list[httpx.Request] = []

    def handler(http_request: httpx.Request) -> httpx.Response:
        seen.append(http_request)
        return httpx.Response(200, json={"ok": True})

    assert call(client_with(handler)) == {"ok": True}
    assert (seen[0].method, seen[0].url.raw_path.decode()) == (method, path + (f"?{query}" if query else ""))


@pytest.mark.parametrize(("call", "path"), [("generate", "/api/platform/generate"), ("create_video", "/api/platform/videos")])
def test_start_endpoints_post_their_json(call, path):
    payload = {"prompt": "orbit the mug", "modelId": "m", "sourceGenerationId": "g1", "durationSeconds": 5}

    def handler(http_request: httpx.Request) -> httpx.Response:
        assert (http_request.method, http_request.url.path) == ("POST", path)
        assert json.loads(http_request.content) == payload
        return httpx.Response(202, json={"id": "x1", "status": "processing"})

    assert getattr(client_with(handler), call)(payload) == {"id": "x1", "status": "processing"}


def test_upload_is_multipart_with_the_file_field():
    def handler(http_request: httpx.Request) -> httpx.Response:
        assert (http_request.method, http_request.url.path) == ("POST", "/api/platform/upload")
        assert http_request.headers["content-type"].startswith("multipart/form-data; boundary=")
        body = http_request.content
        assert b'Content-Disposition: form-data; name="file"; filename="product.png"' in body
        assert b"Content-Type: image/png" in body and PNG in body
        return httpx.Response(201, json={"path": "user_1/p.png", "publicUrl": "https://cdn.test/p.png"})

    assert client_with(handler).upload(PNG, "product.png", "image/png")["path"] == "user_1/p.png"


@pytest.mark.parametrize(
    ("call", "status", "body", "expected"),
    [
        ("generate", 400, {"error": "prompt must be 3-1000 characters"}, errors.VendorRejected),
        ("upload", 400, {"error": "file too large"}, errors.VendorRejected),
        ("generate", 422, {"error": "Generation failed"}, errors.VendorError),  # the vendor's failure: `auto` fails over
        ("create_video", 422, {"error": "Generation failed"}, errors.VendorError),
        ("generate", 401, {"error": "Unauthorized"}, errors.VendorAuthFailed),
        ("get_generation", 404, {"error": "Generation g1 not found"}, errors.VendorNotFound),
        ("delete_generation", 404, {"error": "Generation g1 not found"}, errors.VendorNotFound),
        ("get_video", 404, {"error": "Video v1 not found"}, errors.VendorNotFound),
        ("generate", 402, {"error": "Not enough credits"}, errors.VendorInsufficientCredits),
        (
            "generate",
            400,
            {"error": {"code": "insufficient_credits", "message": "Not enough credits"}},
            errors.VendorInsufficientCredits,
        ),
        ("generate", 500, {"error": "boom"}, errors.VendorUnavailable),
        ("generate", 503, {"error": {"code": "service_unavailable", "message": "down"}}, errors.VendorUnavailable),
    ],
)
def test_errors_map_from_status_and_code(call, status, body, expected):
    client = client_with(lambda _: httpx.Response(status, json=body))
    args = {"generate": ({},), "create_video": ({},), "upload": (PNG, "product.png", "image/png")}.get(call, ("g1",))
    with pytest.raises(expected) as raised:
        getattr(client, call)(*args)
    assert type(raised.value) is expected
    assert raised.value.message == (body["error"] if isinstance(body["error"], str) else body["error"]["message"])
    assert raised.value.retryable is (expected is errors.VendorUnavailable)


@pytest.mark.parametrize(("headers", "retry_after"), [({"Retry-After": "17"}, 17.0), ({}, None)])
def test_rate_limit_keeps_retry_after(headers, retry_after):
    client = client_with(lambda _: httpx.Response(429, json={"error": "Too many requests"}, headers=headers))
    with pytest.raises(errors.VendorRateLimited) as raised:
        client.generate({})
    assert raised.value.retry_after == retry_after and raised.value.retryable


def test_network_failure_is_unavailable():
    def handler(http_request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=http_request)

    with pytest.raises(errors.VendorUnavailable):
        client_with(handler).get_generation("g1")


# gateway ---------------------------------------------------------------------------------------
class Vendor:
    """A scripted vendor behind MockTransport: records calls, answers per route."""

    def __init__(self, balance: float = 100, fail_generate_after: int | None = None, delete_status: int = 200) -> None:
        self.calls: list[tuple[str, str]] = []
        self.generated: list[dict] = []
        self.balance = balance
        self.fail_generate_after = fail_generate_after
        self.delete_status = delete_status

    def __call__(self, http_request: httpx.Request) -> httpx.Response:
        route = (http_request.method, http_request.url.path.removeprefix("/api/platform"))
        self.calls.append(route)
        if route == ("GET", "/models"):
            return httpx.Response(200, json=CATALOG)
        if route == ("GET", "/styles"):
            return httpx.Response(200, json=STYLES)
        if route == ("GET", "/credits"):
            return httpx.Response(
                200, json={"balance": self.balance, "lifetimePurchased": 0, "lifetimeUsed": 0, "unlimited": False}
            )
        if route == ("POST", "/upload"):
            return httpx.Response(201, json={"path": "user_1/p.png", "publicUrl": "https://cdn.test/p.png"})
        if route == ("POST", "/generate"):
            if self.fail_generate_after is not None and len(self.generated) >= self.fail_generate_after:
                return httpx.Response(429, json={"error": "Too many requests"}, headers={"Retry-After": "3"})
            self.generated.append(json.loads(http_request.content))
            return httpx.Response(202, json={"id": f"g{len(self.generated)}", "status": "processing"})
        if route[0] == "DELETE":
            return httpx.Response(self.delete_status, json={"deleted": True})
        gen_id = route[1].rsplit("/", 1)[-1]
        return httpx.Response(200, json=generation("completed", gen_id, image_url=f"https://cdn.test/{gen_id}.png"))


STYLES = {
    "styles": [
        {"id": "flat-lay", "displayName": "Flat Lay", "category": "product", "promptSuffix": ", top-down flat lay"},
        {"id": "cozy-home", "displayName": "Cozy Home", "category": "lifestyle", "promptSuffix": ", warm home interior"},
    ]
}


def gateway_for(vendor: Vendor, fetcher: object | None = None) -> AdCreatorGateway:
    return AdCreatorGateway(client_with(vendor), fetcher or ImageFetcher(PNG[:8], PNG[8:]))


def test_submit_uploads_the_photo_then_starts_one_generation_per_output():
    vendor, fetcher = Vendor(), ImageFetcher(PNG[:8], PNG[8:])
    job_id = gateway_for(vendor, fetcher).submit(
        VendorSubmission(request=request(count=3, preset="flat-lay"), product_image_url=PRODUCT_URL)
    )
    assert job_id == "g1,g2,g3"
    assert fetcher.opened == [PRODUCT_URL]
    assert (
        vendor.calls
        == [("GET", "/styles"), ("GET", "/models"), ("GET", "/credits"), ("POST", "/upload")] + [("POST", "/generate")] * 3
    )
    assert (
        vendor.generated
        == [
            {
                "prompt": "red mug on marble",
                "modelId": "nano-banana-2",
                "aspectRatio": "1:1",
                "batchCount": 1,
                "stylePreset": "flat-lay",
                "inputImagePath": "user_1/p.png",
            }
        ]
        * 3
    )


def test_submit_without_a_photo_uploads_nothing():
    vendor = Vendor()
    assert gateway_for(vendor).submit(VendorSubmission(request=request())) == "g1"
    assert ("POST", "/upload") not in vendor.calls
    assert "inputImagePath" not in vendor.generated[0]


def test_submit_refused_locally_calls_nobody():
    vendor = Vendor()
    with pytest.raises(errors.VendorRejected):
        gateway_for(vendor).submit(VendorSubmission(request=request(kind="video"), product_image_url=PRODUCT_URL))
    assert vendor.calls == []


def test_submit_without_credits_uploads_and_starts_nothing():
    vendor = Vendor(balance=5)  # 3 images x 2 credits
    with pytest.raises(errors.VendorInsufficientCredits):
        gateway_for(vendor).submit(VendorSubmission(request=request(count=3), product_image_url=PRODUCT_URL))
    assert vendor.calls == [("GET", "/models"), ("GET", "/credits")]


def test_an_oversized_photo_is_refused_without_reading_it_all_or_uploading():
    vendor, fetcher = Vendor(), ImageFetcher(*[PNG + b"\x00" * 4_000_000] * 5)
    with pytest.raises(errors.VendorInputUnsupported):
        gateway_for(vendor, fetcher).submit(VendorSubmission(request=request(), product_image_url=PRODUCT_URL))
    assert fetcher.pulled == 3
    assert ("POST", "/upload") not in vendor.calls


@pytest.mark.parametrize("delete_status", [200, 500])
def test_a_half_started_submission_deletes_what_it_started(delete_status):
    vendor = Vendor(fail_generate_after=2, delete_status=delete_status)
    with pytest.raises(errors.VendorRateLimited) as raised:
        gateway_for(vendor).submit(VendorSubmission(request=request(count=4)))
    assert raised.value.retry_after == 3.0
    assert vendor.calls[-2:] == [("DELETE", "/generations/g1"), ("DELETE", "/generations/g2")]


def test_status_reads_every_generation_and_outputs_open_through_the_fetcher():
    vendor, fetcher = Vendor(), FakeFetcher()
    gateway = AdCreatorGateway(client_with(vendor), fetcher)
    update = gateway.status("g1,g2", JobKind.IMAGE)
    assert vendor.calls == [("GET", "/generations/g1"), ("GET", "/generations/g2")]
    assert (update.vendor_job_id, update.state, update.outputs) == (
        "g1,g2",
        VendorState.COMPLETED,
        ["https://cdn.test/g1.png", "https://cdn.test/g2.png"],
    )
    with gateway.open_output(update.outputs[0]) as output:
        assert b"".join(output.chunks()) == b"https://cdn.test/g1.png"
    assert fetcher.opened == ["https://cdn.test/g1.png"]


def test_an_abandoned_job_is_deleted_generation_by_generation():
    vendor = Vendor()
    gateway = gateway_for(vendor)
    assert isinstance(gateway, DiscardingGateway)
    gateway.discard("g1,g2")
    assert vendor.calls == [("DELETE", "/generations/g1"), ("DELETE", "/generations/g2")]


# options ------------------------------------------------------------------------------------------
def test_negative_prompt_is_sent_as_negative_prompt_and_bounded_like_the_doc():
    payload = generate_payload(request(negative_prompt="  text, watermark  "), "nano-banana-2", None)
    assert payload["negativePrompt"] == "text, watermark"
    assert "negativePrompt" not in generate_payload(request(), "nano-banana-2", None)
    check(request(negative_prompt="x" * 500))
    with pytest.raises(errors.VendorRejected):
        check(request(negative_prompt="😀" * 251))  # 502 UTF-16 code units: over "max 500 chars"


def test_an_unknown_style_preset_is_refused_before_anything_is_paid():
    vendor = Vendor()
    with pytest.raises(errors.VendorRejected) as raised:
        gateway_for(vendor).submit(VendorSubmission(request=request(preset="Flat Lay"), product_image_url=PRODUCT_URL))
    assert raised.value.vendor_code == "unknown_preset" and "cozy-home, flat-lay" in raised.value.message
    assert vendor.calls == [("GET", "/styles")]  # no credits check, no upload, no generation


def test_a_listed_style_id_is_sent_as_style_preset():
    vendor = Vendor()
    gateway_for(vendor).submit(VendorSubmission(request=request(preset="cozy-home")))
    assert vendor.generated[0]["stylePreset"] == "cozy-home"
    without = Vendor()
    gateway_for(without).submit(VendorSubmission(request=request()))
    assert ("GET", "/styles") not in without.calls and "stylePreset" not in without.generated[0]


@pytest.mark.parametrize(
    ("fields", "refused"),
    [
        ({"preset": "flat-lay", "negative_prompt": "blur"}, False),
        ({"background": "transparent", "image": None}, True),  # adcreator documents no transparent background
    ],
)
def test_capabilities_declare_presets_and_negative_prompt_only(fields, refused):
    assert (CAPABILITIES.why_not(request(**fields)) is not None) is refused
