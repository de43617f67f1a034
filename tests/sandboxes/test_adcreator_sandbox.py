"""The adcreator.ai platform API sandbox, exercised over real HTTP against adcreator-platform-api.txt.

The sandbox runs on a `ManualClock`: jobs finish only when a test advances it.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from adforge_local.sandboxes.adcreator import AdCreatorSandbox
from adforge_local.sandboxes.clock import ManualClock

KEY = "sk_live_test_adcreator"
PACE = 0.15  # processing_seconds
CREDITS = 500
API = "/api/platform"
IMAGE = {
    "prompt": "Luxury perfume bottle on marble",
    "modelId": "nano-banana-2",
    "aspectRatio": "1:1",
    "stylePreset": "studio-product",
}
VIDEO = {"prompt": "Slow push in", "modelId": "kling-v3-pro", "durationSeconds": 5}
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP_BYTES = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def server(clock: ManualClock) -> Iterator[AdCreatorSandbox]:
    box = AdCreatorSandbox(api_key=KEY, credits=CREDITS, clock=clock)
    box.start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def web() -> Iterator[httpx.Client]:
    """A plain client for downloads, admin calls and unauthenticated requests (one per module: clients are slow to build)."""
    with httpx.Client(timeout=5) as http:
        yield http


@pytest.fixture(scope="module")
def api(server: AdCreatorSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.url}{API}", headers={"Authorization": f"Bearer {KEY}"}, timeout=5) as http:
        yield http


@pytest.fixture
def sandbox(server: AdCreatorSandbox) -> AdCreatorSandbox:
    """The shared server, reset to a fresh account with PACE jobs."""
    server.reset()
    server.set_faults(processing_seconds=PACE)
    return server


@pytest.fixture
def client(sandbox: AdCreatorSandbox, api: httpx.Client) -> httpx.Client:
    return api


def wait_for_end(client: httpx.Client, clock: ManualClock, path: str) -> dict[str, Any]:
    """Run the clock through the job's pace, then GET `path` (/generations/{id} or /videos/{id}): it must have ended."""
    clock.advance(PACE)
    reply = client.get(path)
    assert reply.status_code == 200
    job: dict[str, Any] = next(iter(reply.json().values()))
    assert job["status"] != "processing", f"{path} still processing after its {PACE} s pace"
    return job


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def catalog(client: httpx.Client) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(image models, aspect ratios, video models), each keyed by id, as the API lists them."""
    models = client.get("/models").json()
    videos = client.get("/video-models").json()
    return (
        {m["id"]: m for m in models["models"]},
        {r["id"]: r for r in models["aspectRatios"]},
        {m["id"]: m for m in videos["models"]},
    )


def finished_image(client: httpx.Client, clock: ManualClock, **changes: Any) -> dict[str, Any]:
    reply = client.post("/generate", json={**IMAGE, **changes})
    assert reply.status_code == 202, reply.text
    return wait_for_end(client, clock, f"/generations/{reply.json()['id']}")


# auth ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk_live_wrong"}, {"Authorization": KEY}])
def test_missing_or_invalid_key_is_401(sandbox: AdCreatorSandbox, web: httpx.Client, headers: dict[str, str]) -> None:
    reply = web.post(f"{sandbox.url}{API}/generate", json=IMAGE, headers=headers)
    assert reply.status_code == 401
    assert isinstance(reply.json()["error"], str)
    assert sandbox.generations == {}
    assert web.get(f"{sandbox.url}{API}/credits", headers={"authorization": f"Bearer {KEY}"}).status_code == 200


# catalogues and credits ------------------------------------------------------------------------
def test_catalogues_have_the_documented_fields(client: httpx.Client) -> None:
    models, ratios, videos = catalog(client)
    image_fields = {"id", "displayName", "creditsCost", "estimatedSeconds", "supportsImageInput", "maxWidth", "maxHeight"}
    assert all(set(model) == image_fields for model in models.values())
    assert all(set(ratio) == {"id", "label", "width", "height"} for ratio in ratios.values())
    for model in videos.values():
        assert sorted(model["credits"], key=int) == [str(d) for d in model["durations"]]
        assert all(2 <= d <= 15 for d in model["durations"])
    styles = client.get("/styles").json()["styles"]
    assert IMAGE["stylePreset"] in {s["id"] for s in styles}
    assert all(set(style) == {"id", "displayName", "category", "promptSuffix"} for style in styles)


def test_credits_start_at_the_constructor_balance(client: httpx.Client) -> None:
    expected = {"balance": CREDITS, "lifetimePurchased": CREDITS, "lifetimeUsed": 0, "unlimited": False}
    assert client.get("/credits").json() == expected


def test_credits_are_charged_per_image_and_run_out_with_402(client: httpx.Client, sandbox: AdCreatorSandbox) -> None:
    sandbox.balance = 5
    models, _, _ = catalog(client)
    spent = 2 * models["nano-banana-2"]["creditsCost"]
    assert client.post("/generate", json={**IMAGE, "batchCount": 2}).status_code == 202
    assert client.get("/credits").json()["balance"] == 5 - spent
    refused = client.post("/generate", json={**IMAGE, "batchCount": 2})
    assert refused.status_code == 402
    assert isinstance(refused.json()["error"], str)
    assert client.post("/generate", json={**IMAGE, "modelId": "flux-schnell"}).status_code == 202
    credits = client.get("/credits").json()
    assert credits["balance"] == 5 - spent - models["flux-schnell"]["creditsCost"]
    assert credits["lifetimeUsed"] == spent + models["flux-schnell"]["creditsCost"]
    assert len(client.get("/generations").json()) == 2


def test_moderated_prompt_is_422_and_free(client: httpx.Client) -> None:
    before = client.get("/credits").json()["balance"]
    reply = client.post("/generate", json={**IMAGE, "prompt": "a forbidden product"})
    assert reply.status_code == 422
    assert "failed" in reply.json()["error"].lower()
    assert client.get("/credits").json()["balance"] == before


# upload ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "extension"), [(PNG_BYTES, "png"), (JPEG_BYTES, "jpg"), (WEBP_BYTES, "webp")], ids=["png", "jpeg", "webp"]
)
def test_multipart_upload_is_typed_by_magic_bytes(client: httpx.Client, web: httpx.Client, data: bytes, extension: str) -> None:
    reply = client.post("/upload", files={"file": ("product.bin", data, "application/octet-stream")})
    assert reply.status_code == 201
    body = reply.json()
    assert body["path"].endswith(f".{extension}")
    assert web.get(body["publicUrl"]).content == data


def test_raw_upload_with_mime_type(client: httpx.Client, web: httpx.Client) -> None:
    reply = client.post("/upload", content=JPEG_BYTES, headers={"Content-Type": "image/jpeg"})
    assert reply.status_code == 201
    assert web.get(reply.json()["publicUrl"]).content == JPEG_BYTES
    mismatch = client.post("/upload", content=PNG_BYTES, headers={"Content-Type": "image/jpeg"})
    assert mismatch.status_code == 400


@pytest.mark.parametrize(
    ("files", "status"),
    [
        ({"file": ("big.png", PNG_BYTES.ljust(10 * 1024 * 1024, b"\x00"))}, 201),
        ({"file": ("big.png", PNG_BYTES.ljust(10 * 1024 * 1024 + 1, b"\x00"))}, 400),
        ({"file": ("anim.gif", b"GIF89a" + b"\x00" * 64)}, 400),
        ({"file": ("notes.txt", b"hello world")}, 400),
        ({"image": ("product.png", PNG_BYTES)}, 400),
    ],
    ids=["10MB", "10MB+1", "gif", "text", "no-file-field"],
)
def test_upload_limits(client: httpx.Client, sandbox: AdCreatorSandbox, files: dict[str, Any], status: int) -> None:
    reply = client.post("/upload", files=files)
    assert reply.status_code == status, reply.text
    assert len(sandbox.uploads) == (1 if status == 201 else 0)
    if status == 400:
        assert isinstance(reply.json()["error"], str)


# generate: validation --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"prompt": "ab"}, 400, "prompt"),
        ({"prompt": "abc"}, 202, None),
        ({"prompt": "x" * 1000}, 202, None),
        ({"prompt": "x" * 1001}, 400, "prompt"),
        ({"prompt": None}, 400, "prompt"),
        ({"modelId": None}, 400, "modelId"),
        ({"modelId": "dall-e-9"}, 400, "modelId"),
        ({"aspectRatio": "2:1"}, 400, "aspectRatio"),
        ({"stylePreset": "neon-noir"}, 400, "stylePreset"),
        ({"negativePrompt": "n" * 500}, 202, None),
        ({"negativePrompt": "n" * 501}, 400, "negativePrompt"),
        ({"batchCount": 0}, 400, "batchCount"),
        ({"batchCount": 4}, 202, None),
        ({"batchCount": 5}, 400, "batchCount"),
        ({"batchCount": "2"}, 400, "batchCount"),
        ({"inputImagePath": "user_sandbox/never-uploaded.png"}, 400, "inputImagePath"),
        ({"background": "transparent"}, 400, "background"),  # not a documented field of /generate
        ({"negative_prompt": "blur"}, 400, "negative_prompt"),  # the field is negativePrompt
        ({"durationSeconds": 5}, 400, "durationSeconds"),  # a /videos field
    ],
)
def test_generate_validation(
    client: httpx.Client, sandbox: AdCreatorSandbox, changes: dict[str, Any], status: int, field: str | None
) -> None:
    reply = client.post("/generate", json={**IMAGE, **changes})
    assert reply.status_code == status, reply.text
    assert len(sandbox.generations) == (1 if status == 202 else 0)
    if field is not None:
        assert field in reply.json()["error"]


def test_generate_rejects_bad_json_and_image_input_on_text_only_model(client: httpx.Client) -> None:
    assert client.post("/generate", content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 400
    path = client.post("/upload", files={"file": ("p.png", PNG_BYTES)}).json()["path"]
    models, _, _ = catalog(client)
    assert models["flux-schnell"]["supportsImageInput"] is False
    refused = client.post("/generate", json={**IMAGE, "modelId": "flux-schnell", "inputImagePath": path})
    assert refused.status_code == 400
    assert "flux-schnell" in refused.json()["error"]
    assert client.post("/generate", json={**IMAGE, "inputImagePath": path}).status_code == 202


# generate: lifecycle ---------------------------------------------------------------------------
def test_generation_goes_from_processing_to_completed_png(
    client: httpx.Client, web: httpx.Client, sandbox: AdCreatorSandbox, clock: ManualClock
) -> None:
    path = client.post("/upload", files={"file": ("p.png", PNG_BYTES)}).json()["path"]
    accepted = client.post("/generate", json={**IMAGE, "aspectRatio": "9:16", "batchCount": 2, "inputImagePath": path})
    assert accepted.status_code == 202
    generation_id = accepted.json()["id"]
    assert accepted.json() == {"id": generation_id, "status": "processing"}
    first = client.get(f"/generations/{generation_id}").json()["generation"]
    assert (first["status"], first["image_url"], first["prompt"], first["model_id"]) == (
        "processing",
        None,
        IMAGE["prompt"],
        IMAGE["modelId"],
    )
    done = wait_for_end(client, clock, f"/generations/{generation_id}")
    assert done["status"] == "completed"
    assert done["image_url"].startswith(f"{sandbox.url}/output/")
    assert set(done) == {"id", "status", "prompt", "image_url", "model_id", "created_at"}  # the doc's fields, no more
    _, ratios, _ = catalog(client)
    image = web.get(done["image_url"])
    assert image.headers["content-type"] == "image/png"
    assert png_size(image.content) == (ratios["9:16"]["width"], ratios["9:16"]["height"])
    assert sandbox.polls[generation_id] >= 2


def test_unknown_generation_is_404(client: httpx.Client) -> None:
    missing = str(uuid.uuid4())
    reply = client.get(f"/generations/{missing}")
    assert reply.status_code == 404
    assert missing in reply.json()["error"]


def test_list_is_newest_first_and_paginated(client: httpx.Client) -> None:
    prompts = [f"product shot number {i}" for i in range(4)]
    ids = [client.post("/generate", json={**IMAGE, "prompt": p}).json()["id"] for p in prompts]
    listed = client.get("/generations").json()
    assert [g["id"] for g in listed] == ids[::-1]
    assert {"id", "status", "prompt", "model_id", "image_url", "created_at"} == set(listed[0])
    page = client.get("/generations", params={"limit": 2, "offset": 1}).json()
    assert [g["prompt"] for g in page] == prompts[::-1][1:3]
    assert client.get("/generations", params={"limit": -1}).status_code == 400


def test_list_returns_50_by_default(client: httpx.Client) -> None:
    ids = [
        client.post("/generate", json={**IMAGE, "modelId": "flux-schnell", "stylePreset": None}).json()["id"] for _ in range(51)
    ]
    listed = client.get("/generations").json()
    assert [g["id"] for g in listed] == ids[::-1][:50]
    assert [g["id"] for g in client.get("/generations", params={"offset": 50}).json()] == ids[:1]


def test_delete_removes_generation_and_image(client: httpx.Client, web: httpx.Client, clock: ManualClock) -> None:
    done = finished_image(client, clock)
    assert web.get(done["image_url"]).status_code == 200
    reply = client.delete(f"/generations/{done['id']}")
    assert (reply.status_code, reply.json()) == (200, {"deleted": True})
    assert client.get(f"/generations/{done['id']}").status_code == 404
    assert client.delete(f"/generations/{done['id']}").status_code == 404
    assert web.get(done["image_url"]).status_code == 404
    assert done["id"] not in {g["id"] for g in client.get("/generations").json()}


# videos ----------------------------------------------------------------------------------------
def test_video_from_finished_image(
    client: httpx.Client, web: httpx.Client, sandbox: AdCreatorSandbox, clock: ManualClock
) -> None:
    models, _, videos = catalog(client)
    source = finished_image(client, clock)
    assert sandbox.generations[source["id"]]["_credits_used"] == models[IMAGE["modelId"]]["creditsCost"]
    balance = client.get("/credits").json()["balance"]
    accepted = client.post("/videos", json={**VIDEO, "sourceGenerationId": source["id"], "durationSeconds": 10})
    assert accepted.status_code == 202
    video_id = accepted.json()["id"]
    assert accepted.json()["status"] == "processing"
    assert client.get(f"/videos/{video_id}").json()["video"]["video_url"] is None
    video = wait_for_end(client, clock, f"/videos/{video_id}")
    assert (video["status"], video["model_id"], video["duration_seconds"]) == ("completed", VIDEO["modelId"], 10)
    download = web.get(video["video_url"])
    assert download.headers["content-type"] == "video/mp4"
    assert download.content[4:8] == b"ftyp"
    assert client.get("/credits").json()["balance"] == balance - videos[VIDEO["modelId"]]["credits"]["10"]
    assert sandbox.polls[video_id] >= 2


def test_video_needs_a_completed_source(client: httpx.Client) -> None:
    processing = client.post("/generate", json=IMAGE).json()["id"]
    early = client.post("/videos", json={**VIDEO, "sourceGenerationId": processing})
    assert early.status_code == 400
    assert "processing" in early.json()["error"]
    unknown = client.post("/videos", json={**VIDEO, "sourceGenerationId": str(uuid.uuid4())})
    assert unknown.status_code == 400
    assert client.get(f"/videos/{uuid.uuid4()}").status_code == 404


@pytest.fixture(scope="module")
def finished_source(server: AdCreatorSandbox, api: httpx.Client, clock: ManualClock) -> str:
    """One completed image generation on the shared server, for the video validation cases."""
    server.reset()
    server.set_faults(processing_seconds=PACE)
    return str(finished_image(api, clock)["id"])


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({}, 202, None),
        ({"prompt": "ab"}, 400, "prompt"),
        ({"prompt": "p" * 1001}, 400, "prompt"),
        ({"sourceGenerationId": "not-a-uuid"}, 400, "sourceGenerationId"),
        ({"modelId": "sora-9"}, 400, "modelId"),
        ({"durationSeconds": 1}, 400, "durationSeconds"),
        ({"durationSeconds": 16}, 400, "durationSeconds"),
        ({"durationSeconds": 6}, 400, "durationSeconds"),
        ({"modelId": "seedance-1-pro", "durationSeconds": 2}, 202, None),
        ({"modelId": "seedance-1-pro", "durationSeconds": 15}, 202, None),
        ({"generateAudio": True}, 400, "generateAudio"),
        ({"modelId": "veo-3-fast", "durationSeconds": 4, "generateAudio": True}, 202, None),
        ({"negativePrompt": "n" * 2500}, 202, None),
        ({"negativePrompt": "n" * 2501}, 400, "negativePrompt"),
        ({"cfgScale": 1.5}, 400, "cfgScale"),
        ({"cfgScale": 0.5}, 202, None),
        ({"movementAmplitude": "huge"}, 400, "movementAmplitude"),
        ({"resolution": "4k"}, 400, "resolution"),
        ({"resolution": "1080p", "movementAmplitude": "large", "bgm": True}, 202, None),
        ({"bgm": "yes"}, 400, "bgm"),
        ({"resolution": "480p"}, 400, "resolution"),  # 480p is CreativeAI's, not adcreator's
        ({"duration": 5}, 400, "duration"),  # the field is durationSeconds
        ({"stylePreset": "studio-product"}, 400, "stylePreset"),  # a /generate field
    ],
)
def test_video_validation(
    server: AdCreatorSandbox, api: httpx.Client, finished_source: str, changes: dict[str, Any], status: int, field: str | None
) -> None:
    videos_before = len(server.videos)
    reply = api.post("/videos", json={**VIDEO, "sourceGenerationId": finished_source, **changes})
    assert reply.status_code == status, reply.text
    assert len(server.videos) == videos_before + (1 if status == 202 else 0)
    if field is not None:
        assert field in reply.json()["error"]


# faults ----------------------------------------------------------------------------------------
def test_injected_5xx_then_recovery(client: httpx.Client, web: httpx.Client, sandbox: AdCreatorSandbox) -> None:
    web.post(f"{sandbox.url}/_sandbox/faults", json={"error_status": 503, "error_count": 2})
    replies = [client.get("/credits") for _ in range(3)]
    assert [r.status_code for r in replies] == [503, 503, 200]
    assert isinstance(replies[0].json()["error"], str)


def test_injected_429_carries_retry_after(client: httpx.Client, sandbox: AdCreatorSandbox) -> None:
    sandbox.set_faults(rate_limit=True, rate_limit_count=1, retry_after=7)
    limited = client.post("/generate", json=IMAGE)
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
    assert isinstance(limited.json()["error"], str)
    assert sandbox.generations == {}
    assert client.post("/generate", json=IMAGE).status_code == 202


def test_never_finish_keeps_processing(client: httpx.Client, sandbox: AdCreatorSandbox, clock: ManualClock) -> None:
    sandbox.set_faults(never_finish=True, processing_seconds=0.05)
    generation_id = client.post("/generate", json=IMAGE).json()["id"]
    clock.advance(100 * PACE)
    polls = [client.get(f"/generations/{generation_id}").json()["generation"] for _ in range(3)]
    assert {(p["status"], p["image_url"]) for p in polls} == {("processing", None)}
    assert sandbox.polls[generation_id] == 3


@pytest.mark.parametrize("kind", ["generation", "video"])
def test_fail_generation_ends_failed_without_output(
    client: httpx.Client, sandbox: AdCreatorSandbox, clock: ManualClock, kind: str
) -> None:
    source = finished_image(client, clock)["id"] if kind == "video" else None
    sandbox.set_faults(fail_generation=True, processing_seconds=PACE)
    accepted = (
        client.post("/generate", json=IMAGE)
        if source is None
        else client.post("/videos", json={**VIDEO, "sourceGenerationId": source})
    )
    job_id = accepted.json()["id"]
    job = wait_for_end(client, clock, f"/{kind}s/{job_id}")
    assert (job["id"], job["status"]) == (job_id, "failed")
    assert job["image_url" if kind == "generation" else "video_url"] is None
