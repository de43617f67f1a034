"""Every JSON example in adsumo-image-api.txt, copied verbatim, against the Adsumo sandbox.

Requests are sent exactly as the doc's cURL examples send them; responses must carry exactly the keys of the
doc's example (values may differ where they are ids, timestamps or URLs). The doc describes a failed generation
in words only (`status will be "failed" and an error field`): that body is checked against its words.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.doc_examples.adsumo import (
    ACCEPTED_RESPONSE,
    COMPLETED_RESPONSE,
    EDIT_REQUEST,
    PRODUCT_SHOTS_REQUEST,
    TEXT_TO_IMAGE_REQUEST,
)

from adforge_local.sandboxes.adsumo import AdsumoSandbox
from adforge_local.sandboxes.clock import ManualClock

KEY = "adsumo_sk_doc"
PACE = 0.5

EXAMPLES = [
    ("text-to-image", TEXT_TO_IMAGE_REQUEST, 2 * 2),  # pro 2k: 2 credits x quantity 2
    ("product-shots", PRODUCT_SHOTS_REQUEST, 2 * 4),  # "4 images with the Pro model at 2k"
    ("edit", EDIT_REQUEST, 1),
]


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
    server.reset()
    server.credits = 100
    server.set_faults(processing_seconds=PACE)
    return server


@pytest.fixture
def client(sandbox: AdsumoSandbox) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    with httpx.Client(base_url=f"{sandbox.url}/api/v1", headers=headers, timeout=5) as http:
        yield http


def submit(client: httpx.Client, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    reply = client.post(f"/images/{endpoint}", json=body)
    assert reply.status_code == 202, reply.text  # "All three endpoints return ... on success (HTTP 202)"
    accepted: dict[str, Any] = reply.json()
    return accepted


@pytest.mark.parametrize(("endpoint", "body", "cost"), EXAMPLES)
def test_each_documented_request_is_accepted_with_the_documented_202_body(
    sandbox: AdsumoSandbox, client: httpx.Client, endpoint: str, body: dict[str, Any], cost: int
) -> None:
    accepted = submit(client, endpoint, body)
    assert set(accepted) == set(ACCEPTED_RESPONSE)
    assert (accepted["type"], accepted["status"]) == (endpoint, "processing")  # "type reflects the endpoint called"
    assert sandbox.credits == 100 - cost


@pytest.mark.parametrize(("endpoint", "body", "cost"), EXAMPLES)
def test_a_processing_poll_answers_the_documented_processing_body(
    sandbox: AdsumoSandbox, client: httpx.Client, endpoint: str, body: dict[str, Any], cost: int
) -> None:
    accepted = submit(client, endpoint, body)
    polled = client.get(f"/generations/{accepted['generation_id']}").json()
    assert set(polled) == set(ACCEPTED_RESPONSE) and polled == accepted


@pytest.mark.parametrize(("endpoint", "body", "cost"), EXAMPLES)
def test_a_completed_poll_has_exactly_the_documented_keys_and_one_result_url(
    sandbox: AdsumoSandbox, client: httpx.Client, clock: ManualClock, endpoint: str, body: dict[str, Any], cost: int
) -> None:
    accepted = submit(client, endpoint, body)
    clock.advance(PACE)
    done = client.get(f"/generations/{accepted['generation_id']}").json()
    assert set(done) == set(COMPLETED_RESPONSE)
    assert (done["generation_id"], done["type"], done["status"]) == (accepted["generation_id"], endpoint, "completed")
    for stamp in ("created_at", "completed_at"):  # the doc's format: 2026-03-17T12:00:00Z
        assert len(done[stamp]) == len(COMPLETED_RESPONSE[stamp]) and done[stamp].endswith("Z")
    image = httpx.get(done["result_url"])
    assert (image.status_code, image.headers["content-type"]) == (200, "image/png")


def test_a_failed_poll_is_status_failed_with_an_error_field(
    sandbox: AdsumoSandbox, client: httpx.Client, clock: ManualClock
) -> None:
    sandbox.set_faults(fail_generation=True)
    accepted = submit(client, "text-to-image", TEXT_TO_IMAGE_REQUEST)
    clock.advance(PACE)
    failed = client.get(f"/generations/{accepted['generation_id']}").json()
    assert failed["status"] == "failed" and isinstance(failed["error"], str) and failed["error"]
    assert set(failed) == set(ACCEPTED_RESPONSE) | {"error"}  # no result_url, no field the doc does not name
