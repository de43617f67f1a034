import hashlib
import hmac
import json
import threading
import time
from datetime import datetime

import httpx
import pytest

from adforge.domain.models import JobKind, JobRequest, VendorState, VendorSubmission
from adforge.domain.signatures import SignatureInvalid
from adforge.ports import vendors as errors
from adforge.vendors.creativeai import CAPABILITIES
from adforge.vendors.creativeai.client import CreativeAIClient
from adforge.vendors.creativeai.gateway import CreativeAIGateway
from adforge.vendors.creativeai.transform import (
    batch_id,
    batch_payload,
    batch_update,
    combined,
    edit_fields,
    image_payload,
    to_update,
    video_payload,
)
from adforge.vendors.creativeai.webhook import REPLAY_WINDOW_SECONDS, CreativeAIWebhooks, build_reader
from tests.doc_examples.creativeai import (
    BATCH_ACCEPTED,
    BATCH_STATUS,
    BATCH_WEBHOOK,
    ERROR_RESPONSE,
    I2V_COMPLETED,
    IMAGE_EDIT_RESPONSE,
    IMAGE_WEBHOOK,
    T2V_ACCEPTED,
    T2V_FAILED,
    VIDEO_WEBHOOK_FAILED,
)

SECRET = "sk_test_123"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def submission(photo: bool = True, **request) -> VendorSubmission:
    return VendorSubmission(
        request=JobRequest(prompt="red mug", **request),
        product_image_url="https://assets/p.png" if photo else None,
        callback_url="https://api/v1/webhooks/creativeai?job=j1",
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 24
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 16


class Opened:
    def __init__(self, data: bytes) -> None:
        self.data, self.content_type, self.declared_length = data, "application/octet-stream", len(data)

    def __enter__(self) -> "Opened":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def chunks(self):
        yield self.data[:10]
        yield self.data[10:]


class PhotoFetcher:
    """Serves `data` for every URL (the product photo)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.opened = data, []

    def check(self, url: str) -> None:
        return None

    def open(self, url: str) -> Opened:
        self.opened.append(url)
        return Opened(self.data)


def test_capabilities_are_the_documented_ones():
    # every AdForge ratio: rendered at the nearest of the documented 1024x1024, 1536x1024, 1024x1536, cropped by Collect
    assert CAPABILITIES.aspect_ratios == {"1:1", "4:5", "3:4", "4:3", "16:9", "9:16", "21:9"}
    assert CAPABILITIES.video_aspect_ratios == {"21:9", "16:9", "4:3", "1:1", "3:4", "9:16"}
    assert CAPABILITIES.why_not(JobRequest(prompt="red mug", aspect_ratios=["16:9"])) is None
    assert CAPABILITIES.why_not(JobRequest(prompt="red mug", kind="video", aspect_ratios=["16:9"])) is None
    # 2 credits an image, 30 a video: priced apart
    assert (CAPABILITIES.cost_per_output(JobKind.IMAGE), CAPABILITIES.cost_per_output(JobKind.VIDEO)) == (0.04, 0.60)


@pytest.mark.parametrize(
    ("request_fields", "completes", "adopts"),
    [
        ({"image": None}, True, True),  # one native image: its delivery is the job
        ({"image": None, "count": 2}, False, False),  # two generations, two deliveries: polled
        ({}, False, False),  # an edit: answered with its output
        ({"kind": "video", "count": 3}, True, True),  # one batch, one delivery
        ({"kind": "video"}, True, True),
    ],
)
def test_which_requests_wait_for_and_adopt_by_webhook(request_fields, completes, adopts):
    request = JobRequest(prompt="red mug", **{"image": {"key": "tenants/t/uploads/p.png"}, **request_fields})
    assert (CAPABILITIES.webhook_completes(request), CAPABILITIES.adopts_by_webhook(request)) == (completes, adopts)


def test_native_image_payload_is_one_image_with_the_callback():
    payload = image_payload(submission(photo=False))
    assert payload == {
        "model": "seedream-3.0",
        "prompt": "red mug",
        "size": "1024x1024",
        "webhook_url": "https://api/v1/webhooks/creativeai?job=j1",
    }
    assert "webhook_url" not in image_payload(submission(photo=False, count=3))  # one delivery could not name the job


@pytest.mark.parametrize(
    ("ratio", "documented"),
    [("1:1", "1024x1024"), ("4:3", "1536x1024"), ("16:9", "1536x1024"), ("21:9", "1536x1024"),
     ("4:5", "1024x1536"), ("3:4", "1024x1536"), ("9:16", "1024x1536")],
)  # fmt: skip
def test_images_are_asked_at_the_documented_size_nearest_the_ratio(ratio, documented):
    assert image_payload(submission(photo=False, aspect_ratios=[ratio]))["size"] == documented
    assert edit_fields(JobRequest(prompt="red mug", aspect_ratios=[ratio]))["size"] == documented


def test_video_payload_is_image_to_video():
    payload = video_payload(submission(kind="video", aspect_ratios=["16:9"]))
    assert payload["image_url"] == "https://assets/p.png"
    assert (payload["aspect_ratio"], payload["duration"]) == ("16:9", 5)
    assert payload["webhook_url"] == "https://api/v1/webhooks/creativeai?job=j1"


def test_batch_payload_has_one_prompt_config_per_video():
    payload = batch_payload(submission(kind="video", count=3, aspect_ratios=["9:16"]))
    assert payload["prompts"] == [{"prompt": "red mug", "image_url": "https://assets/p.png"}] * 3
    assert (payload["model"], payload["aspect_ratio"], payload["duration"]) == ("auto", "9:16", 5)
    assert payload["webhook_url"] == "https://api/v1/webhooks/creativeai?job=j1"


@pytest.mark.parametrize(("status", "state"), [("processing", "processing"), ("PENDING", "pending"), ("completed", "completed")])
def test_status_mapping(status, state):
    update = to_update({"id": "g1", "status": status, "output_url": "https://cdn/x.png"})
    assert update.state == VendorState(state)


def test_the_documented_video_bodies_mean_what_the_doc_says():
    assert (to_update(T2V_ACCEPTED).vendor_job_id, to_update(T2V_ACCEPTED).state) == ("vgen_abc123", "processing")
    assert to_update(I2V_COMPLETED).outputs == ["https://cdn.creativeai.run/output/i2v-abc123.mp4"]
    failed = to_update(T2V_FAILED)
    assert (failed.state, failed.error.code, failed.error.message) == (
        "failed", "generation_failed", "Video generation timed out after 10 minutes"
    )  # fmt: skip


def test_the_documented_batch_bodies():
    assert batch_id(BATCH_ACCEPTED) == "batch:video_batch_abc123"
    running = batch_update(BATCH_STATUS)
    assert (running.vendor_job_id, running.state, running.outputs, running.progress) == (
        "batch:video_batch_abc123", "processing", [], 66
    )  # fmt: skip
    done = batch_update(BATCH_WEBHOOK)
    assert done.state is VendorState.COMPLETED
    assert done.outputs == [f"https://cdn.creativeai.run/output/video-{n}.mp4" for n in (1, 2, 3)]
    one_failed = json.loads(json.dumps(BATCH_STATUS))
    one_failed["jobs"][2].update(status="failed", error_message="Video generation timed out after 10 minutes")
    failed = batch_update(one_failed)
    assert (failed.state, failed.error.message) == ("failed", "Video generation timed out after 10 minutes")


def test_n_generations_combine_failed_if_any_completed_when_all():
    done = to_update(IMAGE_WEBHOOK)
    assert done.outputs == ["https://cdn.creativeai.run/output/image-abc123.png"]
    running = to_update({"id": "img_2", "status": "processing"})
    failed = to_update({"id": "img_3", "status": "failed", "error_message": "nope"})
    assert combined("img_abc123,img_2", [done, running]).state is VendorState.PROCESSING
    assert combined("img_abc123,img_2", [done, done]).outputs == [done.outputs[0]] * 2
    both = combined("img_abc123,img_3", [done, failed])
    assert (both.vendor_job_id, both.state, both.error.message) == ("img_abc123,img_3", "failed", "nope")


def test_completed_without_output_is_a_protocol_error():
    with pytest.raises(errors.VendorProtocolError):
        to_update({"id": "g1", "status": "completed"})
    with pytest.raises(errors.VendorProtocolError):  # output_urls is no documented field
        to_update({"id": "g1", "status": "completed", "output_urls": ["u0", "u1"]})


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


def recording_client(answers: dict[tuple[str, str], object], seen: list[httpx.Request]) -> CreativeAIClient:
    """Answers each (method, path) with its doc example; keeps every request."""
    ids = iter(range(1, 100))

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = answers[(request.method, request.url.path)]
        if body == "fresh-id":
            body = {"id": f"img_{next(ids)}", "object": "image.generation", "status": "processing"}
        return httpx.Response(202 if request.method == "POST" else 200, json=body)

    return CreativeAIClient(httpx.Client(base_url="https://api.test", transport=httpx.MockTransport(handler)))


def test_one_video_goes_to_the_generations_endpoint_with_the_photo_checked_first():
    seen: list[httpx.Request] = []
    answers = {("POST", "/v1/video/generations"): T2V_ACCEPTED, ("GET", "/v1/video/generations/vgen_abc123"): T2V_FAILED}
    fetcher = PhotoFetcher(JPEG)
    gateway = CreativeAIGateway(recording_client(answers, seen), fetcher)
    vendor_job_id = gateway.submit(submission(kind="video", aspect_ratios=["16:9"]))
    assert vendor_job_id == "vgen_abc123" and fetcher.opened == ["https://assets/p.png"]
    assert gateway.status(vendor_job_id, JobKind.VIDEO).state is VendorState.FAILED
    assert json.loads(seen[0].content)["image_url"] == "https://assets/p.png"


@pytest.mark.parametrize("photo", [WEBP, b"GIF89a" + b"\x00" * 20])
def test_image_to_video_refuses_a_photo_that_is_not_jpeg_or_png(photo):
    seen: list[httpx.Request] = []
    gateway = CreativeAIGateway(recording_client({}, seen), PhotoFetcher(photo))
    with pytest.raises(errors.VendorRejected, match="JPEG or PNG"):
        gateway.submit(submission(kind="video"))
    assert seen == []  # nothing sent, nothing paid


def test_n_videos_are_one_batch():
    seen: list[httpx.Request] = []
    answers = {
        ("POST", "/v1/video/generations/batch"): BATCH_ACCEPTED,
        ("GET", "/v1/video/generations/batch/video_batch_abc123"): BATCH_STATUS,
    }
    gateway = CreativeAIGateway(recording_client(answers, seen), PhotoFetcher(PNG))
    vendor_job_id = gateway.submit(submission(kind="video", count=3))
    assert vendor_job_id == "batch:video_batch_abc123"
    assert len(json.loads(seen[0].content)["prompts"]) == 3
    assert gateway.status(vendor_job_id, JobKind.VIDEO).state is VendorState.PROCESSING
    assert [r.url.path for r in seen] == ["/v1/video/generations/batch", "/v1/video/generations/batch/video_batch_abc123"]


def test_n_text_to_images_are_n_native_generations_polled_together():
    seen: list[httpx.Request] = []
    answers = {
        ("POST", "/api/v1/model/generateImage"): "fresh-id",
        ("GET", "/api/v1/model/prediction/img_1"): {**IMAGE_WEBHOOK, "id": "img_1"},
        ("GET", "/api/v1/model/prediction/img_2"): {**IMAGE_WEBHOOK, "id": "img_2"},
    }
    fetcher = PhotoFetcher(PNG)
    gateway = CreativeAIGateway(recording_client(answers, seen), fetcher)
    vendor_job_id = gateway.submit(submission(photo=False, count=2))
    assert vendor_job_id == "img_1,img_2" and fetcher.opened == []
    update = gateway.status(vendor_job_id, JobKind.IMAGE)
    assert (update.vendor_job_id, update.state, len(update.outputs)) == ("img_1,img_2", "completed", 2)
    assert all("image_url" not in json.loads(r.content) for r in seen if r.method == "POST")


def test_a_product_photo_is_edited_into_the_scene_once_per_output():
    seen: list[httpx.Request] = []
    fetcher = PhotoFetcher(WEBP)  # the doc names no formats for /v1/images/edits: sent as it is
    gateway = CreativeAIGateway(recording_client({("POST", "/v1/images/edits"): IMAGE_EDIT_RESPONSE}, seen), fetcher)
    vendor_job_id = gateway.submit(submission(count=2))
    assert len(seen) == 2
    for request in seen:
        assert request.headers["content-type"].startswith("multipart/form-data")
        content = request.content
        assert b'name="image"; filename="product.webp"' in content and b"Content-Type: image/webp" in content
        assert WEBP in content
        for field, value in (("model", b"seedream-v4.5-edit"), ("prompt", b"red mug"), ("size", b"1024x1024")):
            assert f'name="{field}"'.encode() + b"\r\n\r\n" + value in content
    update = gateway.status(vendor_job_id, JobKind.IMAGE)  # answered already: no call
    assert len(seen) == 2
    assert (update.state, update.outputs) == ("completed", ["https://cdn.creativeai.run/output/edited-abc123.png"] * 2)


def test_the_documented_error_is_a_content_policy_rejection():
    client = client_answering(400, ERROR_RESPONSE)
    with pytest.raises(errors.VendorContentPolicy) as raised:
        client.generate_image({"prompt": "x"})
    assert raised.value.message.startswith("Your request was rejected")


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


@pytest.mark.parametrize(
    ("payload", "vendor_job_id", "state"),
    [
        (BATCH_WEBHOOK, "batch:video_batch_abc123", "completed"),
        (VIDEO_WEBHOOK_FAILED, "vgen_xyz789", "failed"),
        (IMAGE_WEBHOOK, "img_abc123", "completed"),
    ],
)
def test_the_documented_deliveries_are_read(payload, vendor_job_id, state):
    body = json.dumps(payload).encode()
    at = datetime.fromisoformat(payload["completed_at"].replace("Z", "+00:00")).timestamp()
    headers = {"X-CreativeAI-Signature": sign(body), "X-CreativeAI-Delivery-Id": payload.get("id") or payload["batch_id"]}
    _, update = reader(at + 5).read(body, headers)
    assert (update.vendor_job_id, update.state) == (vendor_job_id, state)
    if state == "failed":
        assert update.error.code == "generation_timeout"


def test_the_signing_secret_is_the_configured_one_else_the_api_key():
    body = delivery()
    signed = {"X-CreativeAI-Signature": sign(body, "whsec_configured")}
    assert build_reader({"api_key": "sk", "webhook_secret": "whsec_configured"}, time.time).read(body, signed)
    with pytest.raises(SignatureInvalid):
        build_reader({"api_key": "sk", "webhook_secret": "whsec_configured"}, time.time).read(
            body, {"X-CreativeAI-Signature": sign(body, "sk")}
        )
    assert build_reader({"api_key": "sk"}, time.time).read(body, {"X-CreativeAI-Signature": sign(body, "sk")})


# options ------------------------------------------------------------------------------------------
def test_a_transparent_background_is_the_documented_background_field():
    payload = image_payload(submission(photo=False, background="transparent", image=None))
    assert payload["background"] == "transparent"
    assert "background" not in image_payload(submission(photo=False, image=None))  # "auto" is the default: not sent


def test_a_transparent_background_is_refused_with_a_product_photo():
    """/v1/images/edits documents no background field: refused at intake, and by the mapping if it gets there."""
    with_photo = JobRequest(prompt="red mug", background="transparent", image={"key": "tenants/t/uploads/p.png"})
    assert "without a product image" in (CAPABILITIES.why_not(with_photo) or "")
    assert CAPABILITIES.why_not(JobRequest(prompt="red mug", background="transparent")) is None
    seen: list[httpx.Request] = []
    gateway = CreativeAIGateway(recording_client({("POST", "/v1/images/edits"): IMAGE_EDIT_RESPONSE}, seen), PhotoFetcher(PNG))
    with pytest.raises(errors.VendorRejected):
        gateway.submit(submission(background="transparent"))
    assert seen == []


@pytest.mark.parametrize(("video", "duration"), [(None, 5), ({"duration_seconds": 3}, 3), ({"duration_seconds": 15}, 15)])
def test_a_video_length_is_the_documented_duration(video, duration):
    one = video_payload(submission(kind="video", video=video))
    batch = batch_payload(submission(kind="video", count=2, video=video))
    assert (one["duration"], batch["duration"]) == (duration, duration)
    assert "resolution" not in one and "resolution" not in batch


def test_a_video_resolution_goes_on_the_single_endpoint_only():
    assert video_payload(submission(kind="video", video={"resolution": "1080p"}))["resolution"] == "1080p"
    batch = JobRequest(prompt="red mug", kind="video", count=2, video={"resolution": "1080p"})
    assert "up to 1 video" in (CAPABILITIES.why_not(batch) or "")
    with pytest.raises(errors.VendorRejected):
        batch_payload(VendorSubmission(request=batch))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"kind": "video", "video": {"duration_seconds": 2}}, "takes 3-15 seconds, not 2"),  # adcreator's 2 is not CreativeAI's
        ({"preset": "studio"}, "no style presets"),
        ({"negative_prompt": "blur"}, "no negative prompt"),
        ({"kind": "video", "video": {"duration_seconds": 15, "resolution": "480p"}}, None),
    ],
)
def test_options_outside_the_doc_are_refused(fields, reason):
    found = CAPABILITIES.why_not(JobRequest(prompt="red mug", **fields))
    assert found is None if reason is None else reason in (found or "")


def edits_answering(answers: list[object], seen: list[httpx.Request], together: int = 1) -> CreativeAIClient:
    """`/v1/images/edits` answering `answers` in arrival order: a body (the doc's), an HTTP status, or an httpx
    error to raise; with `together`, no request is answered before that many have arrived (a barrier)."""
    barrier = threading.Barrier(together, timeout=5)
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            seen.append(request)
            answer = answers[len(seen) - 1]
        barrier.wait()
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, int):
            return httpx.Response(answer, json=ERROR_RESPONSE)
        return httpx.Response(200, json=answer)

    return CreativeAIClient(httpx.Client(base_url="https://api.test", transport=httpx.MockTransport(handler)))


def test_a_jobs_edits_are_sent_at_once_and_wait_a_render_long():
    """Each edit is answered once rendered: N in a row would take N renders of Submit's time, and a short read
    timeout would give up on edits that were made and billed."""
    seen: list[httpx.Request] = []
    gateway = CreativeAIGateway(edits_answering([IMAGE_EDIT_RESPONSE] * 3, seen, together=3), PhotoFetcher(PNG), 75.0)
    vendor_job_id = gateway.submit(submission(count=3))  # a barrier of 3: sent one after another, none is answered
    assert len(gateway.status(vendor_job_id, JobKind.IMAGE).outputs) == 3
    assert {request.extensions["timeout"]["read"] for request in seen} == {75.0}


def test_an_unanswered_edit_ends_the_job_unknown_with_the_answered_ones_kept():
    seen: list[httpx.Request] = []
    answers = [IMAGE_EDIT_RESPONSE, httpx.ReadTimeout("late"), IMAGE_EDIT_RESPONSE]
    gateway = CreativeAIGateway(edits_answering(answers, seen), PhotoFetcher(PNG))
    with pytest.raises(errors.VendorOutcomeUnknown) as raised:
        gateway.submit(submission(count=3))
    assert raised.value.accepted is not None and "1 of 3" in raised.value.message
    kept = gateway.status(raised.value.accepted, JobKind.IMAGE)
    assert kept.outputs == [IMAGE_EDIT_RESPONSE["data"][0]["url"]] * 2


def test_refused_edits_cost_nothing_and_the_answered_ones_are_the_job():
    seen: list[httpx.Request] = []
    gateway = CreativeAIGateway(edits_answering([400, IMAGE_EDIT_RESPONSE], seen), PhotoFetcher(PNG))
    assert gateway.status(gateway.submit(submission(count=2)), JobKind.IMAGE).outputs == [IMAGE_EDIT_RESPONSE["data"][0]["url"]]
    everyone_refused = CreativeAIGateway(edits_answering([400, 400], []), PhotoFetcher(PNG))
    with pytest.raises(errors.VendorContentPolicy):
        everyone_refused.submit(submission(count=2))
