"""Every JSON example in creativeai-api.txt that this sandbox serves, copied verbatim, against the CreativeAI sandbox.

Requests are the doc's bodies; only their URLs are swapped (`image_url`s for a loopback server's, `webhook_url`s for
its receiver), as the doc's example hosts cannot be reached here. Each response and webhook payload must carry exactly
the keys of the doc's example (values may differ where they are ids, timestamps or URLs). Not served by the sandbox:
voice, compose, chart-to-video, chat, /v1/models; their examples are not checked here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
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

from adforge_local.sandboxes.clock import ManualClock
from adforge_local.sandboxes.creativeai import CreativeAISandbox
from adforge_local.sandboxes.png import png

KEY = "YOUR_API_KEY"
PACE = 0.4

# the doc's requests, verbatim (URLs swapped in `local()`) ---------------------------------------------
N8N_VIDEO_REQUEST = {
    "model": "auto",
    "prompt": "Turn this product image into a short vertical promo clip",
    "image_url": "{{$json.product_image_url}}",
    "duration": 5,
    "aspect_ratio": "9:16",
    "webhook_url": "https://your-n8n-host/webhook/creativeai-video",
}
QUICK_START_IMAGE_REQUEST = {
    "model": "dall-e-3",
    "prompt": "A serene Japanese garden at sunset",
    "size": "1024x1024",
    "n": 1,
    "character_references": ["https://example.com/char1.png", "https://example.com/char2.png"],
    "camera_angle": "isometric",
    "style_reference_url": "https://example.com/style.jpg",
}
TRANSPARENT_IMAGE_REQUEST = {
    "model": "dall-e-3",
    "prompt": "Pixel art warrior character, 64x64 sprite, clean edges",
    "size": "1024x1024",
    "background": "transparent",
    "n": 1,
}
EDIT_FORM = {  # -F fields; image=@product-shot.png and mask=@hand-mask.png are files
    "model": "seedream-v4.5-edit",
    "prompt": "A natural human hand with five fingers holding the product in an expanded cinematic scene",
    "outpaint_direction": "all",
    "style_reference_url": "https://example.com/style.jpg",
    "size": "1024x1024",
}
COMMERCE_EDIT_FORM = {  # image=@product.jpg
    "model": "seedream-v4.5-edit",
    "prompt": "Clean up this product photo, sharpen details, improve lighting, and place the item on a clean white studio background with a soft natural shadow",  # noqa: E501
    "size": "1024x1024",
}
T2V_REQUEST = {
    "model": "auto",
    "prompt": "A drone shot over a coastal city at golden hour, cinematic",
    "duration": 5,
    "aspect_ratio": "16:9",
    "character_reference_url": "https://example.com/character.png",
    "character_references": ["https://example.com/char1.png", "https://example.com/char2.png"],
    "camera_angle": "isometric",
    "style_reference_url": "https://example.com/style.jpg",
    "webhook_url": "https://your-app.com/webhooks/creativeai/video",
}
I2V_REQUEST = {
    "model": "auto",
    "prompt": "Camera slowly zooms in, the character turns and smiles",
    "image_url": "https://example.com/portrait.png",
    "duration": 5,
    "aspect_ratio": "9:16",
}
I2V_MINIMAL_REQUEST = {
    "model": "auto",
    "image_url": "https://example.com/source-image.png",
    "prompt": "Subtle camera push in, natural motion, cinematic lighting",
    "duration": 5,
    "aspect_ratio": "16:9",
}
MULTI_SHOT_REQUEST = {
    "model": "kling-v3",
    "prompt": "Camera pans right over a dense neon-lit cyberpunk city. Flying cars zip past.",
    "multi_shot_prompts": [
        "Cut to a close-up of a cyborg detective lighting a cigarette.",
        "The camera pulls back quickly to reveal the detective is standing on the edge of a skyscraper.",
    ],
    "ai_director_mode": True,
    "aspect_ratio": "16:9",
    "character_reference_url": "https://example.com/character.png",
    "character_references": ["https://example.com/char1.png", "https://example.com/char2.png"],
    "camera_angle": "isometric",
    "style_reference_url": "https://example.com/style.jpg",
    "duration": 10,
    "webhook_url": "https://your-server.com/webhooks/video",
}
COMMERCE_VIDEO_REQUEST = {
    "model": "auto",
    "image_url": "https://cdn.creativeai.run/output/clean-product-shot.png",
    "prompt": "Slow premium turntable shot of this product, subtle camera drift, soft studio reflections, ecommerce ad style",
    "duration": 5,
    "webhook_url": "https://your-app.com/webhooks/creativeai/video",
}
BATCH_REQUEST = {
    "prompts": [
        {"prompt": "Product showcase video, rotating 360 degrees", "image_url": "https://example.com/product1.png"},
        {"prompt": "Social media clip, dynamic transitions"},
        {"prompt": "Aerial drone shot over mountains at sunset"},
    ],
    "model": "auto",
    "aspect_ratio": "16:9",
    "duration": 5,
    "webhook_url": "https://your-app.com/webhooks/creativeai/batch",
}
FAQ_CHARACTER_REQUEST = {
    "model": "dall-e-3",
    "prompt": "Three fantasy heroes standing on a cliff at sunrise, epic wide shot",
    "size": "1792x1024",
    "n": 1,
    "character_references": [
        "https://your-cdn.com/assets/hero_warrior.png",
        "https://your-cdn.com/assets/hero_mage.png",
        "https://your-cdn.com/assets/hero_rogue.png",
    ],
    "camera_angle": "low-angle",
    "style_reference_url": "https://your-cdn.com/assets/fantasy_style.jpg",
}

# the doc's responses and payloads, verbatim -----------------------------------------------------------
I2V_ACCEPTED = {
    "id": "vgen_i2v_abc123",
    "object": "video.generation",
    "model": "auto",
    "model_actual": "kling-o3-pro-i2v",
    "status": "processing",
    "prompt": "Subtle camera push in, natural motion, cinematic lighting",
    "image_url": "https://example.com/source-image.png",
    "credits": 30,
    "output_url": None,
    "created_at": "2026-04-10T00:15:00Z",
}
T2V_COMPLETED = {
    "id": "vgen_abc123",
    "object": "video.generation",
    "model": "auto",
    "model_actual": "kling-o3-pro-t2v",
    "status": "completed",
    "prompt": "A drone shot over a coastal city at golden hour, cinematic",
    "credits": 60,
    "output_url": "https://cdn.creativeai.run/output/video-abc123.mp4",
    "error": None,
    "failover_used": False,
    "debug": {
        "provider_requested": "kling-o3-pro-t2v",
        "provider_actual": "kling-o3-pro-t2v",
        "submission_failover_used": False,
        "submission_failover_reason": None,
        "routing_safe_fallback_applied": True,
        "routing_fallback_reason": "insufficient_margin_over_legacy",
        "routing_preferred_provider": "seedance-t2v",
        "routing_legacy_provider": "kling-o3-pro-t2v",
        "routing_confidence_margin": 5.0,
        "async_capacity_failover_attempted": False,
        "async_capacity_failover_reason": None,
        "prediction_id_original": None,
        "prediction_id_current": "pred_auto_1",
    },
    "created_at": "2026-03-09T16:10:00Z",
    "completed_at": "2026-03-09T16:12:43Z",
}
VIDEO_WEBHOOK_COMPLETED = {
    "id": "vgen_abc123",
    "object": "video.generation",
    "status": "completed",
    "model": "auto",
    "model_actual": "seedance-t2v",
    "prompt": "A drone shot over a coastal city at golden hour, cinematic",
    "output_url": "https://cdn.creativeai.run/output/video-abc123.mp4",
    "error_message": None,
    "credits": 30,
    "failover_used": True,
    "completed_at": "2026-03-09T16:12:43Z",
}
IMAGE_RESPONSE = {
    "created": 1709550000,
    "data": [{"url": "https://cdn.creativeai.run/output/abc123.png", "revised_prompt": "A serene Japanese garden at sunset..."}],
}
WEBHOOK_HEADERS = ("x-creativeai-event", "x-creativeai-delivery-id", "x-creativeai-signature")  # as received, lower-cased


class Local:
    """A loopback host: GET serves a PNG (any path), POST records webhook deliveries (headers lower-cased)."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[dict[str, Any], dict[str, str], bytes]] = []
        local = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data = png(24, 16, self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                local.deliveries.append((json.loads(raw), {k.lower(): v for k, v in self.headers.items()}, raw))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def swap(self, body: dict[str, Any]) -> dict[str, Any]:
        """The doc's body with its image and webhook URLs pointing here."""
        swapped = dict(body)
        if "image_url" in swapped:
            swapped["image_url"] = f"{self.url}/images/source.png"
        if "webhook_url" in swapped:
            swapped["webhook_url"] = f"{self.url}/webhooks"
        if "prompts" in swapped:
            swapped["prompts"] = [self.swap(item) for item in swapped["prompts"]]
        return swapped


@pytest.fixture(scope="module")
def local() -> Iterator[Local]:
    host = Local()
    yield host
    host.server.shutdown()
    host.server.server_close()


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def server(clock: ManualClock) -> Iterator[CreativeAISandbox]:
    box = CreativeAISandbox(api_key=KEY, clock=clock)
    box.start()
    yield box
    box.stop()


@pytest.fixture
def sandbox(server: CreativeAISandbox, local: Local) -> CreativeAISandbox:
    server.reset()
    server.video_debug = True
    server.set_faults(processing_seconds=PACE, webhook_retry_delays=[0.0])
    local.deliveries.clear()
    return server


@pytest.fixture
def client(sandbox: CreativeAISandbox) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    with httpx.Client(base_url=sandbox.url, headers=headers, timeout=10) as http:
        yield http


def keys(body: Any, example: Any) -> None:
    """Exactly the example's keys, all the way down (lists item by item, against the example's first item if longer)."""
    if isinstance(example, dict):
        assert isinstance(body, dict), body
        assert set(body) == set(example), f"keys {sorted(body)} != documented {sorted(example)}"
        for key, value in example.items():
            if isinstance(value, dict | list) and body[key] is not None:
                keys(body[key], value)
    elif isinstance(example, list):
        assert isinstance(body, list), body
        for index, item in enumerate(body):
            keys(item, example[min(index, len(example) - 1)])


def post(client: httpx.Client, path: str, body: dict[str, Any], status: int) -> dict[str, Any]:
    reply = client.post(path, json=body)
    assert reply.status_code == status, reply.text
    answer: dict[str, Any] = reply.json()
    return answer


# images ------------------------------------------------------------------------------------------
def test_quick_start_image_request_answers_the_documented_response_format(
    sandbox: CreativeAISandbox, client: httpx.Client
) -> None:
    answer = post(client, "/v1/images/generations", QUICK_START_IMAGE_REQUEST, 200)
    keys(answer, IMAGE_RESPONSE)
    assert len(answer["data"]) == QUICK_START_IMAGE_REQUEST["n"]
    assert httpx.get(answer["data"][0]["url"]).headers["content-type"] == "image/png"


def test_transparent_image_request_answers_a_png_with_an_alpha_channel(client: httpx.Client) -> None:
    answer = post(client, "/v1/images/generations", TRANSPARENT_IMAGE_REQUEST, 200)
    keys(answer, IMAGE_RESPONSE)
    image = httpx.get(answer["data"][0]["url"]).content
    assert image.startswith(b"\x89PNG\r\n\x1a\n") and image[25] == 6  # colour type 6: RGBA


@pytest.mark.parametrize(
    ("form", "files"),
    [
        (
            EDIT_FORM,
            {
                "image": ("product-shot.png", png(32, 32, "shot"), "image/png"),
                "mask": ("hand-mask.png", png(32, 32, "mask"), "image/png"),
            },
        ),
        (COMMERCE_EDIT_FORM, {"image": ("product.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9", "image/jpeg")}),
    ],
)
def test_the_documented_edits_answer_the_image_edit_response(
    sandbox: CreativeAISandbox, form: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> None:
    reply = httpx.post(
        f"{sandbox.url}/v1/images/edits",
        headers={"Authorization": f"Bearer {KEY}"},
        data=form,
        files=files,
    )
    assert reply.status_code == 200, reply.text
    keys(reply.json(), IMAGE_EDIT_RESPONSE)
    assert len(reply.json()["data"]) == 1


def test_the_faq_size_1792x1024_contradicts_the_size_list_and_is_refused(client: httpx.Client) -> None:
    refused = client.post("/v1/images/generations", json=FAQ_CHARACTER_REQUEST)
    assert refused.status_code == 400
    keys(refused.json(), ERROR_RESPONSE)
    assert refused.json()["error"]["param"] == "size" and refused.json()["error"]["type"] == "invalid_request_error"


def test_native_image_webhook_is_the_documented_image_payload(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock, local: Local
) -> None:
    body = local.swap({"model": "seedream-3.0", "prompt": IMAGE_WEBHOOK["prompt"], "webhook_url": "hook"})
    accepted = post(client, "/api/v1/model/generateImage", body, 202)
    keys(accepted, IMAGE_WEBHOOK)  # the only documented native image body
    assert (accepted["status"], accepted["output_url"], accepted["completed_at"]) == ("processing", None, None)
    clock.advance(PACE)
    [(payload, headers, raw)] = local.deliveries
    keys(payload, IMAGE_WEBHOOK)
    assert (payload["status"], payload["width"], payload["height"], payload["model"]) == ("completed", 1024, 1024, "seedream-3.0")
    assert (headers["x-creativeai-event"], headers["x-creativeai-delivery-id"]) == ("image.generation.completed", accepted["id"])
    secret = sandbox.signing_secret
    assert secret is not None
    assert headers["x-creativeai-signature"] == "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    polled = client.get(f"/api/v1/model/prediction/{accepted['id']}").json()
    keys(polled, IMAGE_WEBHOOK)
    assert polled["output_url"] == payload["output_url"]


# videos ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("request_body", [T2V_REQUEST, MULTI_SHOT_REQUEST], ids=["t2v", "multi-shot"])
def test_text_to_video_answers_the_documented_202_completed_and_webhook(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock, local: Local, request_body: dict[str, Any]
) -> None:
    accepted = post(client, "/v1/video/generations", local.swap(request_body), 202)
    keys(accepted, T2V_ACCEPTED)
    assert accepted["webhook_url"] == f"{local.url}/webhooks" and accepted["model"] == request_body["model"]
    clock.advance(PACE)
    done = client.get(f"/v1/video/generations/{accepted['id']}").json()
    keys(done, T2V_COMPLETED)
    assert done["status"] == "completed" and httpx.get(done["output_url"]).headers["content-type"] == "video/mp4"
    [(payload, headers, _)] = local.deliveries
    keys(payload, VIDEO_WEBHOOK_COMPLETED)
    assert {name for name in headers if name.startswith("x-creativeai")} == set(WEBHOOK_HEADERS)
    assert (headers["x-creativeai-event"], headers["x-creativeai-delivery-id"]) == ("video.generation.completed", accepted["id"])


def test_the_debug_block_is_absent_when_not_enabled(sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock) -> None:
    sandbox.video_debug = False
    accepted = post(client, "/v1/video/generations", {k: v for k, v in T2V_REQUEST.items() if k != "webhook_url"}, 202)
    keys(accepted, {k: v for k, v in T2V_ACCEPTED.items() if k != "webhook_url"})  # no webhook_url sent, none shown
    clock.advance(PACE)
    keys(client.get(f"/v1/video/generations/{accepted['id']}").json(), {k: v for k, v in T2V_COMPLETED.items() if k != "debug"})


def test_a_failed_video_answers_the_documented_failed_get_and_webhook(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock, local: Local
) -> None:
    sandbox.set_faults(fail_generation=True)
    before = sandbox.credits
    accepted = post(client, "/v1/video/generations", local.swap(T2V_REQUEST), 202)
    clock.advance(PACE)
    failed = client.get(f"/v1/video/generations/{accepted['id']}").json()
    keys(failed, T2V_FAILED)
    assert failed["status"] == "failed" and failed["error"]["message"] and failed["output_url"] is None
    [(payload, headers, _)] = local.deliveries
    keys(payload, VIDEO_WEBHOOK_FAILED)
    assert (payload["credits"], payload["credits_refunded"], payload["error_message"]) == (0, 30, failed["error"]["message"])
    assert headers["x-creativeai-event"] == "video.generation.failed"
    assert sandbox.credits == before  # refunded


@pytest.mark.parametrize("request_body", [I2V_REQUEST, I2V_MINIMAL_REQUEST, N8N_VIDEO_REQUEST, COMMERCE_VIDEO_REQUEST])
def test_image_to_video_answers_the_documented_i2v_bodies(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock, local: Local, request_body: dict[str, Any]
) -> None:
    accepted = post(client, "/v1/video/generations", local.swap(request_body), 202)
    with_webhook = "webhook_url" in request_body
    keys(accepted, {**I2V_ACCEPTED, **({"webhook_url": None} if with_webhook else {})})
    assert accepted["model_actual"] == "kling-o3-pro-i2v" and accepted["image_url"] == f"{local.url}/images/source.png"
    clock.advance(PACE)
    keys(client.get(f"/v1/video/generations/{accepted['id']}").json(), I2V_COMPLETED)
    if with_webhook:
        [(payload, _, _)] = local.deliveries
        keys(payload, VIDEO_WEBHOOK_COMPLETED)


def test_the_video_alias_answers_like_video_generations(client: httpx.Client, local: Local) -> None:
    keys(post(client, "/v1/video/generate", local.swap(I2V_MINIMAL_REQUEST), 202), I2V_ACCEPTED)


# batch -------------------------------------------------------------------------------------------
def test_batch_answers_the_documented_202_status_and_webhook(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock, local: Local
) -> None:
    before = sandbox.credits
    accepted = post(client, "/v1/video/generations/batch", local.swap(BATCH_REQUEST), 202)
    keys(accepted, BATCH_ACCEPTED)
    assert (accepted["total_jobs"], accepted["credits_charged"], before - sandbox.credits) == (3, 90, 90)
    assert [job["status"] for job in accepted["jobs"]] == ["pending"] * 3
    batch_id = accepted["batch_id"]
    clock.advance(PACE * 2 / 3)  # two of three ended, the third processing: the doc's example moment
    status = client.get(f"/v1/video/generations/batch/{batch_id}").json()
    keys(status, BATCH_STATUS)
    counts = {state: status[state] for state in ("completed", "failed", "pending", "processing")}
    assert counts == {state: BATCH_STATUS[state] for state in ("completed", "failed", "pending", "processing")}
    assert [job["status"] for job in status["jobs"]] == [job["status"] for job in BATCH_STATUS["jobs"]]
    assert status["jobs"][0]["image_url"] == f"{local.url}/images/source.png" and status["jobs"][1]["image_url"] is None
    assert local.deliveries == []
    clock.advance(PACE / 3)
    [(payload, headers, _)] = local.deliveries
    keys(payload, BATCH_WEBHOOK)
    assert (payload["status"], payload["completed"], payload["total_credits"]) == ("completed", 3, 90)
    assert (headers["x-creativeai-event"], headers["x-creativeai-delivery-id"]) == ("video.batch.completed", batch_id)
    for job in payload["jobs"]:
        assert httpx.get(job["output_url"]).headers["content-type"] == "video/mp4"


# errors ------------------------------------------------------------------------------------------
def test_the_documented_error_body(client: httpx.Client) -> None:
    refused = client.post("/v1/images/generations", json={**QUICK_START_IMAGE_REQUEST, "prompt": "a forbidden scene"})
    assert refused.status_code == 400
    assert refused.json() == ERROR_RESPONSE
