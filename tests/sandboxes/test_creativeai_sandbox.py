"""The CreativeAI sandbox over real HTTP: what creativeai-api.txt allows, and nothing it does not.

Documented sizes only, `image_url` only where documented (JPEG or PNG), one `output_url` per generation, batch video
(1-20), and webhooks signed only when a signing secret (distinct from the API key) is configured.
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

from adforge_local.sandboxes.clock import ManualClock
from adforge_local.sandboxes.creativeai import SIGNING_SECRET, CreativeAISandbox
from adforge_local.sandboxes.png import mp4_seconds, png

KEY = "sk_test_creativeai"
PACE = 0.4
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32 + b"\xff\xd9"


class Local:
    """A loopback host: GET /<name>.<png|jpg|webp> serves such an image, POST records webhook deliveries."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[dict[str, Any], dict[str, str], bytes]] = []
        local = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data = {"png": png(20, 10, self.path), "jpg": JPEG, "webp": WEBP}[self.path.rsplit(".", 1)[-1]]
                self.send_response(200)
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
    box = CreativeAISandbox(api_key=KEY, credits=1000, clock=clock)
    box.start()
    yield box
    box.stop()


@pytest.fixture
def sandbox(server: CreativeAISandbox, local: Local) -> CreativeAISandbox:
    server.reset()
    server.credits = 1000
    server.signing_secret = SIGNING_SECRET
    server.set_faults(processing_seconds=PACE, webhook_retry_delays=[0.0])
    local.deliveries.clear()
    return server


@pytest.fixture
def client(sandbox: CreativeAISandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=10) as http:
        yield http


def assert_invalid(reply: httpx.Response, param: str) -> None:
    """The documented error body, for a parameter."""
    assert reply.status_code == 400, reply.text
    error = reply.json()["error"]
    assert set(error) == {"code", "message", "type", "param"}
    assert (error["code"], error["type"], error["param"]) == ("invalid_request_error", "invalid_request_error", param)
    assert error["message"]


def edit(client: httpx.Client, image: bytes, **form: str) -> httpx.Response:
    return client.post("/v1/images/edits", data={"prompt": "on a marble counter", **form}, files={"image": ("p", image)})


# sizes -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", ["1024x1024", "1536x1024", "1024x1536"])
def test_the_three_documented_sizes_are_accepted_everywhere(client: httpx.Client, size: str) -> None:
    assert client.post("/v1/images/generations", json={"prompt": "a mug", "size": size}).status_code == 200
    assert client.post("/api/v1/model/generateImage", json={"prompt": "a mug", "size": size}).status_code == 202
    assert edit(client, png(8, 8, "p"), size=size).status_code == 200


@pytest.mark.parametrize("size", ["1792x1024", "1024x1792", "512x512", "1536x864", "864x1536", "1792x768", "1024x768", "auto"])
def test_any_other_size_is_the_documented_400(sandbox: CreativeAISandbox, client: httpx.Client, size: str) -> None:
    assert_invalid(client.post("/v1/images/generations", json={"prompt": "a mug", "size": size}), "size")
    assert_invalid(client.post("/api/v1/model/generateImage", json={"prompt": "a mug", "size": size}), "size")
    assert_invalid(edit(client, png(8, 8, "p"), size=size), "size")
    assert sandbox.credits == 1000 and sandbox.ledger.public()["generations"] == []


def test_image_outputs_keep_the_documented_ratio(client: httpx.Client, clock: ManualClock) -> None:
    answer = client.post("/v1/images/generations", json={"prompt": "a mug", "size": "1536x1024"}).json()
    image = httpx.get(answer["data"][0]["url"]).content
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert width * 1024 == height * 1536


# image_url ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/v1/images/generations", "/api/v1/model/generateImage"])
def test_image_endpoints_refuse_an_image_url(sandbox: CreativeAISandbox, client: httpx.Client, local: Local, path: str) -> None:
    assert_invalid(client.post(path, json={"prompt": "a mug", "image_url": f"{local.url}/p.png"}), "image_url")
    assert "/v1/images/edits" in client.post(path, json={"prompt": "a mug", "image_url": "x"}).json()["error"]["message"]
    assert sandbox.credits == 1000


@pytest.mark.parametrize(("name", "accepted"), [("p.png", True), ("p.jpg", True), ("p.webp", False)])
def test_video_image_url_is_jpeg_or_png_only(client: httpx.Client, local: Local, name: str, accepted: bool) -> None:
    single = client.post("/v1/video/generations", json={"prompt": "turntable", "image_url": f"{local.url}/{name}"})
    batch = client.post(
        "/v1/video/generations/batch", json={"prompts": [{"prompt": "a"}, {"prompt": "b", "image_url": f"{local.url}/{name}"}]}
    )
    if accepted:
        assert (single.status_code, batch.status_code) == (202, 202)
        assert single.json()["model_actual"].endswith("-i2v")
    else:
        assert_invalid(single, "image_url")
        assert_invalid(batch, "prompts[1].image_url")


def test_edits_take_png_jpeg_or_webp_and_a_png_mask(client: httpx.Client) -> None:
    for image in (png(8, 8, "p"), JPEG, WEBP):
        assert edit(client, image).status_code == 200
    assert_invalid(edit(client, b"GIF89a" + b"\x00" * 16), "image")
    mask = {"mask": ("m", JPEG)}
    assert_invalid(client.post("/v1/images/edits", data={"prompt": "x"}, files={"image": ("p", png(8, 8, "p")), **mask}), "mask")
    other_size = {"mask": ("m", png(4, 4, "m"))}
    refused = client.post("/v1/images/edits", data={"prompt": "x"}, files={"image": ("p", png(8, 8, "p")), **other_size})
    assert_invalid(refused, "mask")


# outputs -----------------------------------------------------------------------------------------
def test_a_native_generation_has_one_output_url_whatever_n(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock
) -> None:
    accepted = client.post("/api/v1/model/generateImage", json={"prompt": "three mugs", "n": 3}).json()
    assert sandbox.credits == 1000 - 3 * 2  # charged per image
    clock.advance(PACE)
    done = client.get(f"/api/v1/model/prediction/{accepted['id']}").json()
    assert done["status"] == "completed" and isinstance(done["output_url"], str)
    assert "output_urls" not in done and len(sandbox.files) == 1


def test_the_openai_compatible_endpoint_answers_one_item_per_n(client: httpx.Client) -> None:
    answer = client.post("/v1/images/generations", json={"prompt": "three mugs", "n": 3}).json()
    assert len(answer["data"]) == 3 and len({item["url"] for item in answer["data"]}) == 3


@pytest.mark.parametrize(("field", "value"), [("n", 0), ("n", 5), ("background", "white"), ("quality", "ultra")])
def test_image_parameters_are_the_documented_values(client: httpx.Client, field: str, value: Any) -> None:
    assert_invalid(client.post("/v1/images/generations", json={"prompt": "a mug", field: value}), field)


@pytest.mark.parametrize(
    ("field", "value"), [("duration", 2), ("duration", 16), ("aspect_ratio", "2:3"), ("resolution", "4k"), ("failover", "yes")]
)
def test_video_parameters_are_the_documented_values(client: httpx.Client, field: str, value: Any) -> None:
    assert_invalid(client.post("/v1/video/generations", json={"prompt": "a drone shot", field: value}), field)


def test_each_status_endpoint_serves_its_own_jobs(client: httpx.Client) -> None:
    image = client.post("/api/v1/model/generateImage", json={"prompt": "a mug"}).json()["id"]
    video = client.post("/v1/video/generations", json={"prompt": "a drone shot"}).json()["id"]
    assert client.get(f"/v1/video/generations/{image}").status_code == 404
    assert client.get(f"/api/v1/model/prediction/{video}").status_code == 404
    missing = client.get("/v1/video/generations/vgen_nope").json()["error"]
    assert (missing["type"], missing["param"]) == ("invalid_request_error", "id")


# webhook signatures --------------------------------------------------------------------------------
def image_delivery(client: httpx.Client, clock: ManualClock, local: Local) -> tuple[dict[str, str], bytes]:
    client.post("/api/v1/model/generateImage", json={"prompt": "a mug", "webhook_url": f"{local.url}/hook"})
    clock.advance(PACE)
    [(_, headers, raw)] = local.deliveries
    return headers, raw


def test_webhooks_are_signed_with_the_signing_secret_by_default(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock, local: Local
) -> None:
    assert sandbox.signing_secret == SIGNING_SECRET and SIGNING_SECRET != KEY
    headers, raw = image_delivery(client, clock, local)
    assert headers["x-creativeai-signature"] == "sha256=" + hmac.new(SIGNING_SECRET.encode(), raw, hashlib.sha256).hexdigest()


def test_a_configured_secret_signs_and_none_means_unsigned(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock, local: Local
) -> None:
    sandbox.signing_secret = "whsec_rotated"
    headers, raw = image_delivery(client, clock, local)
    assert headers["x-creativeai-signature"] == "sha256=" + hmac.new(b"whsec_rotated", raw, hashlib.sha256).hexdigest()
    local.deliveries.clear()
    sandbox.signing_secret = None
    headers, _ = image_delivery(client, clock, local)
    assert "x-creativeai-signature" not in headers  # "included when a signing secret is configured"
    assert {"x-creativeai-event", "x-creativeai-delivery-id"} <= set(headers)


def test_the_api_key_reading_can_be_rehearsed(client: httpx.Client, clock: ManualClock, local: Local) -> None:
    """The doc's tips also say "Use your API key as the HMAC secret": a sandbox built with signing_secret=api_key."""
    box = CreativeAISandbox(api_key="k1", signing_secret="k1", clock=clock).start()
    try:
        box.set_faults(processing_seconds=PACE, webhook_retry_delays=[0.0])
        headers = {"Authorization": "Bearer k1"}
        httpx.post(f"{box.url}/api/v1/model/generateImage", json={"prompt": "a mug", "webhook_url": local.url}, headers=headers)
        clock.advance(PACE)
        [(_, received, raw)] = local.deliveries
        assert received["x-creativeai-signature"] == "sha256=" + hmac.new(b"k1", raw, hashlib.sha256).hexdigest()
    finally:
        box.stop()


def test_bad_signature_does_not_verify(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock, local: Local
) -> None:
    sandbox.set_faults(bad_signature=True)
    headers, raw = image_delivery(client, clock, local)
    assert headers["x-creativeai-signature"] != "sha256=" + hmac.new(SIGNING_SECRET.encode(), raw, hashlib.sha256).hexdigest()


# batch -------------------------------------------------------------------------------------------
def test_a_batch_takes_1_to_20_prompts(sandbox: CreativeAISandbox, client: httpx.Client) -> None:
    twenty = client.post("/v1/video/generations/batch", json={"prompts": [{"prompt": f"clip {i}"} for i in range(20)]})
    assert twenty.status_code == 202 and twenty.json()["total_jobs"] == 20 and sandbox.credits == 1000 - 20 * 30
    entries = sandbox.ledger.public()["generations"]
    assert [entry["id"] for entry in entries] == [job["id"] for job in twenty.json()["jobs"]]
    assert entries[3]["prompt"] == "clip 3" and entries[3]["endpoint"] == "/v1/video/generations/batch"
    for prompts in ([], [{"prompt": "x"}] * 21, "x"):
        assert_invalid(client.post("/v1/video/generations/batch", json={"prompts": prompts}), "prompts")
    assert_invalid(client.post("/v1/video/generations/batch", json={"prompts": [{"prompt": " "}]}), "prompts[0].prompt")
    assert_invalid(client.post("/v1/video/generations/batch", json={"prompts": [{"prompt": "a"}], "duration": 20}), "duration")
    sandbox.credits = 59
    refused = client.post("/v1/video/generations/batch", json={"prompts": [{"prompt": "a"}, {"prompt": "b"}]})
    assert (refused.status_code, refused.json()["error"]["code"], sandbox.credits) == (402, "insufficient_credits", 59)


def test_batch_videos_are_read_through_their_batch(client: httpx.Client, clock: ManualClock) -> None:
    accepted = client.post("/v1/video/generations/batch", json={"prompts": [{"prompt": "a"}, {"prompt": "b"}]}).json()
    clock.advance(PACE)
    assert client.get(f"/v1/video/generations/{accepted['jobs'][0]['id']}").status_code == 404
    status = client.get(f"/v1/video/generations/batch/{accepted['batch_id']}").json()
    assert [job["status"] for job in status["jobs"]] == ["completed", "completed"]
    assert client.get("/v1/video/generations/batch/video_batch_nope").status_code == 404


def test_a_failed_batch_is_refunded_and_reported(
    sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock, local: Local
) -> None:
    sandbox.set_faults(fail_generation=True)
    body = {"prompts": [{"prompt": "a"}, {"prompt": "b"}], "webhook_url": f"{local.url}/batch"}
    batch_id = client.post("/v1/video/generations/batch", json=body).json()["batch_id"]
    clock.advance(PACE)
    status = client.get(f"/v1/video/generations/batch/{batch_id}").json()
    assert (status["failed"], status["completed"]) == (2, 0) and all(job["error_message"] for job in status["jobs"])
    [(payload, headers, _)] = local.deliveries
    assert (payload["status"], headers["x-creativeai-event"], payload["total_credits"]) == ("failed", "video.batch.failed", 0)
    assert sandbox.credits == 1000


def test_a_held_batch_stays_pending_until_released(sandbox: CreativeAISandbox, client: httpx.Client, clock: ManualClock) -> None:
    sandbox.set_faults(hold=True)
    batch_id = client.post("/v1/video/generations/batch", json={"prompts": [{"prompt": "a"}]}).json()["batch_id"]
    clock.advance(100 * PACE)
    assert client.get(f"/v1/video/generations/batch/{batch_id}").json()["pending"] == 1
    assert sandbox.release() == 1
    clock.advance(PACE)
    assert client.get(f"/v1/video/generations/batch/{batch_id}").json()["completed"] == 1


def test_batch_creation_counts_in_the_video_creation_window(sandbox: CreativeAISandbox, client: httpx.Client) -> None:
    sandbox.set_faults(documented_rate_limits=True)
    for _ in range(3):
        assert client.post("/v1/video/generations", json={"prompt": "a"}).status_code == 202
    for _ in range(2):
        assert client.post("/v1/video/generations/batch", json={"prompts": [{"prompt": "a"}]}).status_code == 202
    refused = client.post("/v1/video/generations/batch", json={"prompts": [{"prompt": "a"}]})
    assert (refused.status_code, refused.json()["error"]["code"]) == (429, "rate_limit_exceeded")


# request options: what each endpoint documents, and nothing else --------------------------------------
def color_type(image: bytes) -> int:
    """The PNG IHDR colour type: 6 is RGBA, 2 is RGB."""
    assert image.startswith(b"\x89PNG")
    return image[25]


def test_a_transparent_background_is_an_rgba_png(client: httpx.Client, clock: ManualClock) -> None:
    sync = client.post("/v1/images/generations", json={"prompt": "a mug", "background": "transparent"}).json()
    assert color_type(httpx.get(sync["data"][0]["url"]).content) == 6
    native = client.post("/api/v1/model/generateImage", json={"prompt": "a mug", "background": "transparent"}).json()
    opaque = client.post("/api/v1/model/generateImage", json={"prompt": "a mug", "background": "auto"}).json()
    clock.advance(PACE)
    done = [client.get(f"/api/v1/model/prediction/{job['id']}").json() for job in (native, opaque)]
    assert [color_type(httpx.get(job["output_url"]).content) for job in done] == [6, 2]


def test_edits_document_no_background(sandbox: CreativeAISandbox, client: httpx.Client) -> None:
    assert_invalid(edit(client, png(8, 8, "p"), background="transparent"), "background")
    assert edit(client, png(8, 8, "p"), outpaint_direction="all", style_reference_url="https://x.test/s.jpg").status_code == 200
    assert sandbox.credits == 1000 - 2  # the refused edit cost nothing


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/images/generations", "negative_prompt"),
        ("/v1/images/generations", "webhook_url"),  # the synchronous endpoint has no webhook
        ("/api/v1/model/generateImage", "style_preset"),
        ("/v1/video/generations", "negative_prompt"),
        ("/v1/video/generations", "background"),
    ],
)
def test_a_field_an_endpoint_does_not_document_is_refused(client: httpx.Client, path: str, field: str) -> None:
    assert_invalid(client.post(path, json={"prompt": "a mug", field: "x"}), field)


@pytest.mark.parametrize("duration", [3, 15])
def test_a_video_takes_3_to_15_seconds_at_a_documented_resolution(client: httpx.Client, duration: int) -> None:
    body = {"prompt": "a drone shot", "duration": duration, "resolution": "1080p", "failover": False}
    assert client.post("/v1/video/generations", json=body).status_code == 202
    assert_invalid(client.post("/v1/video/generations", json={"prompt": "a drone shot", "duration": 5.5}), "duration")


@pytest.mark.parametrize(("field", "value"), [("resolution", "1080p"), ("failover", True)])
def test_a_batch_documents_no_resolution_or_failover(
    sandbox: CreativeAISandbox, client: httpx.Client, field: str, value: Any
) -> None:
    batch = "/v1/video/generations/batch"
    assert_invalid(client.post(batch, json={"prompts": [{"prompt": "a"}], "duration": 10, field: value}), field)
    assert_invalid(client.post(batch, json={"prompts": [{"prompt": "a", "duration": 5}]}), "prompts[0].duration")
    assert sandbox.credits == 1000
    assert client.post(batch, json={"prompts": [{"prompt": "a"}], "duration": 10}).status_code == 202


def test_a_video_is_as_long_as_its_duration(client: httpx.Client, clock: ManualClock) -> None:
    one = client.post("/v1/video/generations", json={"prompt": "a drone shot", "duration": 12}).json()
    default = client.post("/v1/video/generations", json={"prompt": "a drone shot"}).json()
    batch = client.post("/v1/video/generations/batch", json={"prompts": [{"prompt": "a"}] * 2, "duration": 3}).json()
    clock.advance(PACE)
    urls = [client.get(f"/v1/video/generations/{job['id']}").json()["output_url"] for job in (one, default)]
    urls += [job["output_url"] for job in client.get(f"/v1/video/generations/batch/{batch['batch_id']}").json()["jobs"]]
    assert [mp4_seconds(httpx.get(url).content) for url in urls] == [12.0, 5.0, 3.0, 3.0]


def test_an_edit_composes_the_product_photo_into_the_scene(client: httpx.Client) -> None:
    import io
    from pathlib import Path

    from PIL import Image

    product = Image.new("RGB", (40, 40), (250, 250, 250))  # a white studio backdrop ...
    product.paste((10, 20, 200), (10, 10, 30, 30))  # ... around a blue product
    photo = io.BytesIO()
    product.save(photo, "PNG")
    answer = edit(client, photo.getvalue(), size="1024x1024")
    url = answer.json()["data"][0]["url"]
    out = Image.open(io.BytesIO(client.get(url).content)).convert("RGB")
    assert out.size == (256, 256)
    width, height = out.size
    assert out.getpixel((width // 2, height // 2 + height // 20)) == (10, 20, 200)  # the product, in the middle
    corner = out.getpixel((2, 2))
    assert corner != (250, 250, 250) and corner != (10, 20, 200)  # the scene, not the photo's backdrop
    inside_frame = out.getpixel((width // 2 - 70, height // 2 + height // 20))
    assert inside_frame != (250, 250, 250)  # the backdrop is keyed out where the photo was pasted
    sample = Path(__file__).resolve().parents[2] / "local" / "assets" / "sample-product.png"
    mug = Image.open(io.BytesIO(client.get(edit(client, sample.read_bytes()).json()["data"][0]["url"]).content)).convert("RGB")
    assert mug.getpixel((128, 140))[0] > 150 > mug.getpixel((128, 140))[1]  # the red mug
