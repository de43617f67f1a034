import hashlib
import hmac
import json
import time

import httpx
import pytest

from adforge.domain.models import JobKind, JobRequest, VendorState, VendorSubmission
from adforge.vendors import errors
from adforge.vendors.creativeai.client import CreativeAIClient
from adforge.vendors.creativeai.gateway import CreativeAIGateway
from adforge.vendors.creativeai.transform import image_payload, to_update, video_payload
from adforge.vendors.creativeai.webhook import REPLAY_WINDOW_SECONDS, CreativeAIWebhooks
from adforge.vendors.signatures import SignatureInvalid
from tests.fakes import FakeFetcher

SECRET = "sk_test_123"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def submission(**request) -> VendorSubmission:
    return VendorSubmission(
        request=JobRequest(prompt="red mug", **request),
        product_image_url="https://assets/p.png",
        callback_url="https://api/v1/webhooks/creativeai?job=j1",
    )


def test_image_payload_maps_ratio_count_and_callback():
    payload = image_payload(submission(aspect_ratios=["9:16"], count=3, preset="lifestyle"))
    assert payload == {
        "model": "dall-e-3",
        "prompt": "red mug (style: lifestyle)",
        "size": "1024x1536",
        "n": 3,
        "image_url": "https://assets/p.png",
        "webhook_url": "https://api/v1/webhooks/creativeai?job=j1",
    }


def test_video_payload_is_image_to_video():
    payload = video_payload(submission(kind="video", aspect_ratios=["16:9"]))
    assert payload["image_url"] == "https://assets/p.png"
    assert (payload["aspect_ratio"], payload["duration"]) == ("16:9", 5)


@pytest.mark.parametrize(("status", "state"), [("processing", "processing"), ("PENDING", "pending"), ("completed", "completed")])
def test_status_mapping(status, state):
    update = to_update({"id": "g1", "status": status, "output_url": "https://cdn/x.png"})
    assert update.state == VendorState(state)


def test_completed_with_many_outputs_and_failed_with_reason():
    done = to_update({"id": "g1", "status": "completed", "output_url": "u0", "output_urls": ["u0", "u1"]})
    assert done.outputs == ["u0", "u1"]
    failed = to_update({"id": "g1", "status": "failed", "error": {"code": "generation_timeout", "message": "slow"}})
    assert (failed.error.code, failed.error.message) == ("generation_timeout", "slow")


def test_completed_without_output_is_a_protocol_error():
    with pytest.raises(errors.VendorProtocolError):
        to_update({"id": "g1", "status": "completed"})


def client_answering(status: int, body: object, headers: dict[str, str] | None = None) -> CreativeAIClient:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer key"
        return httpx.Response(status, json=body, headers=headers)

    return CreativeAIClient(
        httpx.Client(base_url="https://api.test", transport=httpx.MockTransport(handler), headers={"Authorization": "Bearer key"})
    )


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (401, "authentication_error", errors.VendorAuthFailed),
        (402, "insufficient_credits", errors.VendorInsufficientCredits),
        (400, "content_policy_violation", errors.VendorContentPolicy),
        (400, "invalid_request_error", errors.VendorRejected),
        (503, "provider_unavailable", errors.VendorUnavailable),
        (500, None, errors.VendorUnavailable),
        (404, "not_found", errors.VendorNotFound),
    ],
)
def test_errors_map_from_status_and_code(status, code, expected):
    client = client_answering(status, {"error": {"code": code, "message": "vendor said so"}})
    with pytest.raises(expected) as raised:
        client.generate_image({"prompt": "x"})
    assert type(raised.value) is expected
    assert raised.value.message == "vendor said so"
    assert raised.value.retryable is (expected is errors.VendorUnavailable)


def test_rate_limit_keeps_retry_after():
    client = client_answering(429, {"error": {"code": "rate_limit_exceeded", "message": "slow down"}}, {"Retry-After": "17"})
    with pytest.raises(errors.VendorRateLimited) as raised:
        client.generate_video({"prompt": "x"})
    assert raised.value.retry_after == 17.0
    assert raised.value.retryable


def test_network_failure_is_unavailable():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = CreativeAIClient(httpx.Client(base_url="https://api.test", transport=httpx.MockTransport(handler)))
    with pytest.raises(errors.VendorUnavailable):
        client.get_prediction("g1")


def test_gateway_routes_kinds_to_their_endpoints():
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        if request.method == "POST":
            return httpx.Response(202, json={"id": "gen_9", "status": "processing"})
        return httpx.Response(200, json={"id": "gen_9", "status": "processing"})

    client = CreativeAIClient(httpx.Client(base_url="https://api.test", transport=httpx.MockTransport(handler)))
    gateway = CreativeAIGateway(client, FakeFetcher())
    assert gateway.submit(submission(kind="video")) == "gen_9"
    assert gateway.status("gen_9", JobKind.IMAGE).state is VendorState.PROCESSING
    assert seen == [("POST", "/v1/video/generations"), ("GET", "/api/v1/model/prediction/gen_9")]
    with gateway.open_output("https://cdn.test/o.png") as output:
        assert b"".join(output.chunks()) == b"https://cdn.test/o.png"


def test_edit_image_is_multipart_with_the_image_bytes():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["content-type"].startswith("multipart/form-data")
        assert b"\x89PNG" in request.content and b"swap background" in request.content
        return httpx.Response(200, json={"created": 1, "data": [{"url": "https://cdn/e.png"}]})

    client = CreativeAIClient(httpx.Client(base_url="https://api.test", transport=httpx.MockTransport(handler)))
    assert client.edit_image(b"\x89PNG....", {"prompt": "swap background"})["data"][0]["url"] == "https://cdn/e.png"


# webhooks -------------------------------------------------------------------------------------
def delivery(status: str = "completed", completed_at: str | None = None) -> bytes:
    body = {"id": "img_1", "object": "image.generation", "status": status, "output_url": "https://cdn/o.png"}
    if completed_at:
        body["completed_at"] = completed_at
    return json.dumps(body).encode()


def reader(now: float = 1_800_000_000.0) -> CreativeAIWebhooks:
    return CreativeAIWebhooks(SECRET, lambda: now)


def test_a_signed_delivery_is_read():
    body = delivery()
    delivery_id, update = reader().read(body, {"x-creativeai-signature": sign(body), "X-CreativeAI-Delivery-Id": "img_1"})
    assert (delivery_id, update.vendor_job_id, update.state, update.outputs) == (
        "img_1",
        "img_1",
        "completed",
        ["https://cdn/o.png"],
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-CreativeAI-Signature": "md5=abc"},
        {"X-CreativeAI-Signature": sign(b"another body")},
        {"X-CreativeAI-Signature": sign(delivery(), "wrong-secret")},
    ],
)
def test_bad_signatures_are_refused(headers):
    with pytest.raises(SignatureInvalid):
        reader().read(delivery(), headers)


def test_one_changed_byte_breaks_the_signature():
    body = delivery()
    tampered = body.replace(b"completed", b"completeD")
    with pytest.raises(SignatureInvalid):
        reader().read(tampered, {"X-CreativeAI-Signature": sign(body)})


def test_replay_window_on_completed_at():
    now = time.time()
    stale = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - REPLAY_WINDOW_SECONDS - 60))
    fresh = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 30))
    for stamp, ok in ((stale, False), (fresh, True)):
        body = delivery(completed_at=stamp)
        if ok:
            assert reader(now).read(body, {"X-CreativeAI-Signature": sign(body)})[1].state is VendorState.COMPLETED
        else:
            with pytest.raises(SignatureInvalid):
                reader(now).read(body, {"X-CreativeAI-Signature": sign(body)})
