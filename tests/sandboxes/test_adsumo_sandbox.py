"""The Adsumo image API sandbox, exercised over real HTTP against adsumo-image-api.txt.

The sandbox runs on a `ManualClock`: jobs finish only when a test advances it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from adforge_local.sandboxes.adsumo import AdsumoSandbox
from adforge_local.sandboxes.clock import ManualClock

KEY = "adsumo_sk_test"
PACE = 0.15  # processing_seconds
PRODUCT = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
STYLE = "lifestyle-outdoor"
TEXT = {"prompt": "white sneakers on marble", "model": "pro", "aspect_ratio": "1:1"}
SHOT = {"product_id": PRODUCT, "style_id": STYLE, "model": "fast", "aspect_ratio": "16:9"}
EDIT = {
    "prompt": "clean white surface",
    "model": "fast",
    "aspect_ratio": "9:16",
    "reference_image_urls": ["https://example.com/p.png"],
}


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def server(clock: ManualClock) -> Iterator[AdsumoSandbox]:
    box = AdsumoSandbox(api_key=KEY, clock=clock)
    box.start()
    yield box
    box.stop()


@pytest.fixture
def sandbox(server: AdsumoSandbox) -> AdsumoSandbox:
    """The shared server, reset to a fresh account of 100 credits and PACE jobs."""
    server.reset()
    server.credits = 100
    server.set_faults(processing_seconds=PACE)
    return server


@pytest.fixture
def client(sandbox: AdsumoSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{sandbox.url}/api/v1", headers={"Authorization": f"Bearer {KEY}"}, timeout=5) as http:
        yield http


def wait_for_end(client: httpx.Client, clock: ManualClock, generation_id: str) -> dict[str, Any]:
    """Run the clock through the job's pace, then GET the generation: it must have ended."""
    clock.advance(PACE)
    body: dict[str, Any] = client.get(f"/generations/{generation_id}").json()
    assert body["status"] != "processing", f"generation {generation_id} still processing after its {PACE} s pace"
    return body


def stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# auth ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer adsumo_sk_wrong"}, {"Authorization": KEY}])
def test_missing_or_invalid_key_is_401(sandbox: AdsumoSandbox, headers: dict[str, str]) -> None:
    reply = httpx.post(f"{sandbox.url}/api/v1/images/text-to-image", json=TEXT, headers=headers)
    assert reply.status_code == 401
    assert reply.json() == {"error": "Missing or invalid API key."}
    assert sandbox.credits == 100


# validation ------------------------------------------------------------------------------------
INVALID = [
    ("text-to-image", {**TEXT, "prompt": ""}, "prompt"),
    ("text-to-image", {k: v for k, v in TEXT.items() if k != "prompt"}, "prompt"),
    ("text-to-image", {**TEXT, "model": "ultra"}, "model"),
    ("text-to-image", {k: v for k, v in TEXT.items() if k != "model"}, "model"),
    ("text-to-image", {**TEXT, "aspect_ratio": "7:3"}, "aspect_ratio"),
    ("text-to-image", {k: v for k, v in TEXT.items() if k != "aspect_ratio"}, "aspect_ratio"),
    ("text-to-image", {**TEXT, "quantity": 0}, "quantity"),
    ("text-to-image", {**TEXT, "quantity": 9}, "quantity"),
    ("text-to-image", {**TEXT, "quantity": 2.5}, "quantity"),
    ("text-to-image", {**TEXT, "resolution": "8k"}, "resolution"),
    ("text-to-image", {**TEXT, "resolution": "1K"}, "resolution"),
    ("product-shots", {k: v for k, v in SHOT.items() if k != "product_id"}, "product_id"),
    ("product-shots", {k: v for k, v in SHOT.items() if k != "style_id"}, "style_id"),
    ("product-shots", {**SHOT, "additional_prompt": 7}, "additional_prompt"),
    ("product-shots", {**SHOT, "quantity": 9}, "quantity"),
    ("edit", {**EDIT, "reference_image_urls": []}, "reference_image_urls"),
    ("edit", {**EDIT, "reference_image_urls": "https://example.com/p.png"}, "reference_image_urls"),
    ("edit", {**EDIT, "reference_image_urls": ["/tmp/p.png"]}, "reference_image_urls"),
    ("edit", {**EDIT, "prompt": "   "}, "prompt"),
    ("edit", {**EDIT, "model": "Fast"}, "model"),
]


@pytest.mark.parametrize(("endpoint", "body", "field"), INVALID)
def test_invalid_requests_are_400_naming_the_field(
    sandbox: AdsumoSandbox, client: httpx.Client, endpoint: str, body: dict[str, Any], field: str
) -> None:
    reply = client.post(f"/images/{endpoint}", json=body)
    assert reply.status_code == 400
    assert field in reply.json()["error"]
    assert sandbox.credits == 100
    assert sandbox.jobs == {}


def test_malformed_json_is_400(client: httpx.Client) -> None:
    reply = client.post("/images/text-to-image", content=b"{not json", headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert reply.json() == {"error": "Request body must be valid JSON."}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("product_id", "00000000-0000-0000-0000-000000000000", "Product not found."), ("style_id", "neon-noir", "Style not found.")],
)
def test_unknown_product_or_style_is_404(
    sandbox: AdsumoSandbox, client: httpx.Client, field: str, value: str, message: str
) -> None:
    reply = client.post("/images/product-shots", json={**SHOT, field: value})
    assert (reply.status_code, reply.json()) == (404, {"error": message})
    assert sandbox.credits == 100


def test_unknown_generation_is_404(sandbox: AdsumoSandbox, client: httpx.Client) -> None:
    reply = client.get("/generations/f47ac10b-58cc-4372-a567-0e02b2c3d479")
    assert (reply.status_code, reply.json()) == (404, {"error": "Generation not found."})
    assert sandbox.polls["f47ac10b-58cc-4372-a567-0e02b2c3d479"] == 1


# generations -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("endpoint", "body", "nominal"),
    [
        ("text-to-image", {**TEXT, "quantity": 2, "resolution": "2k"}, (2048, 2048)),
        ("product-shots", {**SHOT, "additional_prompt": "Golden hour lighting"}, (1024, 576)),
        ("edit", {**EDIT, "resolution": "4k"}, (2304, 4096)),
    ],
)
def test_generation_goes_from_processing_to_completed_with_pngs(
    sandbox: AdsumoSandbox,
    client: httpx.Client,
    clock: ManualClock,
    endpoint: str,
    body: dict[str, Any],
    nominal: tuple[int, int],
) -> None:
    created = stamp(clock.now())
    submitted = client.post(f"/images/{endpoint}", json=body)
    assert submitted.status_code == 202
    accepted = submitted.json()
    assert accepted == {"generation_id": accepted["generation_id"], "type": endpoint, "status": "processing"}
    first = client.get(f"/generations/{accepted['generation_id']}").json()
    assert first == accepted  # the documented processing body, nothing more

    done = wait_for_end(client, clock, accepted["generation_id"])
    assert (done["status"], done["type"], done["generation_id"]) == ("completed", endpoint, accepted["generation_id"])
    assert (done["created_at"], done["completed_at"]) == (created, stamp(clock.now()))  # the sandbox's clock
    assert set(done) == {"generation_id", "type", "status", "result_url", "created_at", "completed_at"}
    assert sandbox.polls[accepted["generation_id"]] >= 2
    url = done["result_url"]
    assert url.startswith(f"{sandbox.url}/output/")
    image = httpx.get(url)
    assert (image.status_code, image.headers["content-type"]) == (200, "image/png")
    assert png_size(image.content) == (nominal[0] // 16, nominal[1] // 16)
    assert len(sandbox.files) == 1  # one result, whatever the quantity: the doc shows one result_url


def test_a_quantity_above_one_is_charged_per_image_and_answers_one_result_url(
    sandbox: AdsumoSandbox, client: httpx.Client, clock: ManualClock
) -> None:
    accepted = client.post("/images/text-to-image", json={**TEXT, "quantity": 4}).json()
    assert sandbox.credits == 100 - 4 * 2  # pro 1k, times quantity
    done = wait_for_end(client, clock, accepted["generation_id"])
    assert done["status"] == "completed" and isinstance(done["result_url"], str)
    assert "result_urls" not in done and len(sandbox.files) == 1


# credits ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "resolution", "quantity", "cost"),
    [
        ("fast", "1k", 1, 1),
        ("fast", "2k", 3, 6),
        ("fast", "4k", 2, 4),
        ("pro", "1k", 5, 10),
        ("pro", "2k", 1, 2),
        ("pro", "4k", 4, 16),
    ],
)
def test_credits_follow_the_documented_table(
    sandbox: AdsumoSandbox, client: httpx.Client, model: str, resolution: str, quantity: int, cost: int
) -> None:
    sandbox.set_faults(never_finish=True)
    body = {"model": model, "resolution": resolution, "quantity": quantity, "aspect_ratio": "1:1"}
    for endpoint, extra in (("text-to-image", {"prompt": "p"}), ("product-shots", {"product_id": PRODUCT, "style_id": STYLE})):
        before = sandbox.credits
        assert client.post(f"/images/{endpoint}", json={**body, **extra}).status_code == 202
        assert before - sandbox.credits == cost


def test_default_quantity_and_resolution_cost_one_fast_1k_image(sandbox: AdsumoSandbox, client: httpx.Client) -> None:
    sandbox.set_faults(never_finish=True)
    assert client.post("/images/edit", json=EDIT).status_code == 202
    assert sandbox.credits == 99


def test_insufficient_credits_is_402_and_charges_nothing(sandbox: AdsumoSandbox, client: httpx.Client) -> None:
    sandbox.set_faults(never_finish=True)
    sandbox.credits = 17
    assert client.post("/images/text-to-image", json={**TEXT, "resolution": "4k", "quantity": 4}).status_code == 202
    assert sandbox.credits == 1
    refused = client.post("/images/text-to-image", json={**TEXT, "quantity": 1})
    assert refused.status_code == 402
    assert "costs 2" in refused.json()["error"]
    assert sandbox.credits == 1 and len(sandbox.jobs) == 1
    assert client.post("/images/text-to-image", json={**TEXT, "model": "fast"}).status_code == 202
    assert sandbox.credits == 0


# faults ----------------------------------------------------------------------------------------
def test_injected_server_error(sandbox: AdsumoSandbox, client: httpx.Client) -> None:
    sandbox.set_faults(error_status=500, error_count=1)
    failed = client.post("/images/text-to-image", json=TEXT)
    assert (failed.status_code, failed.json()) == (500, {"error": "Internal server error."})
    assert sandbox.credits == 100
    assert client.post("/images/text-to-image", json=TEXT).status_code == 202


def test_injected_rate_limit_carries_retry_after(sandbox: AdsumoSandbox, client: httpx.Client) -> None:
    sandbox.set_faults(rate_limit=True, rate_limit_count=2, retry_after=7)
    for _ in range(2):
        limited = client.get("/generations/anything")
        assert (limited.status_code, limited.headers["Retry-After"], limited.json()) == (
            429,
            "7",
            {"error": "Rate limit exceeded."},
        )
    assert client.get("/generations/anything").status_code == 404


def test_never_finish_keeps_processing(sandbox: AdsumoSandbox, client: httpx.Client, clock: ManualClock) -> None:
    sandbox.set_faults(never_finish=True)
    generation_id = client.post("/images/text-to-image", json=TEXT).json()["generation_id"]
    clock.advance(100 * PACE)
    body = client.get(f"/generations/{generation_id}").json()
    assert body == {"generation_id": generation_id, "type": "text-to-image", "status": "processing"}


def test_fail_generation_reports_failed_with_error(sandbox: AdsumoSandbox, client: httpx.Client, clock: ManualClock) -> None:
    sandbox.set_faults(fail_generation=True)
    generation_id = client.post("/images/product-shots", json=SHOT).json()["generation_id"]
    done = wait_for_end(client, clock, generation_id)
    assert (done["status"], done["type"]) == ("failed", "product-shots")
    assert isinstance(done["error"], str) and done["error"]
    assert set(done) == {"generation_id", "type", "status", "error"}
    assert sandbox.files == {}
