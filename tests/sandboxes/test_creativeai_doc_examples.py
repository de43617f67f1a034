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
    BATCH_REQUEST,
    BATCH_STATUS,
    BATCH_WEBHOOK,
    COMMERCE_EDIT_FORM,
    COMMERCE_VIDEO_REQUEST,
    EDIT_FORM,
    ERROR_RESPONSE,
    FAQ_CHARACTER_REQUEST,
    I2V_ACCEPTED,
    I2V_COMPLETED,
    I2V_MINIMAL_REQUEST,
    I2V_REQUEST,
    IMAGE_EDIT_RESPONSE,
    IMAGE_RESPONSE,
    IMAGE_WEBHOOK,
    MULTI_SHOT_REQUEST,
    N8N_VIDEO_REQUEST,
    QUICK_START_IMAGE_REQUEST,
    T2V_ACCEPTED,
    T2V_COMPLETED,
    T2V_FAILED,
    T2V_REQUEST,
    TRANSPARENT_IMAGE_REQUEST,
    VIDEO_WEBHOOK_COMPLETED,
    VIDEO_WEBHOOK_FAILED,
)

from adforge_local.sandboxes.clock import ManualClock
from adforge_local.sandboxes.creativeai import CreativeAISandbox
from adforge_local.sandboxes.png import png

KEY = "YOUR_API_KEY"
PACE = 0.4

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
