"""Every JSON example in adcreative-product-photoshoot-api.txt, copied verbatim, against the AdCreative sandbox.

Requests are sent as the doc's examples send them (its ids, fields and values; the product asset id is the one
Recommendations returned, as the documented flow says); each response must carry exactly the keys of the doc's
example (values may differ where they are ids, trace ids or texts derived from the upload), error messages are the
doc's, word for word, and outputs come at the doc's two sizes: 1674x628 by default, 1200x628 with DisableSafeMargin.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.doc_examples.adcreative import CREDITS_400, PRESET, RECOMMENDATIONS_200, RECOMMENDATIONS_400
from tests.doc_examples.adcreative import PHOTOSHOOT_401 as UNAUTHORIZED_401
from tests.doc_examples.adcreative import PHOTOSHOOT_DOWNLOAD_400 as DOWNLOAD_VALIDATION_400
from tests.doc_examples.adcreative import PHOTOSHOOT_DOWNLOAD_404 as DOWNLOAD_404
from tests.doc_examples.adcreative import PHOTOSHOOT_START_FORM as ADCREATIVE_FIELDS

from adforge_local.sandboxes.adcreative import AdCreativeSandbox
from adforge_local.sandboxes.clock import ManualClock
from adforge_local.sandboxes.png import png

KEY = "f8a3d2c6e9b1a7d4c5f0e6b3a9d7c2f1"
SECRET = "b7e4c1d9a5f2e8c6d3a9b0f1c7e2d5a3f6b8c9a1d4e7f0b3c2a5d9f6e1b7c4a8"
AUTH = "/api/v1/Authorization/GenerateJwtToken"
PS = "/api/v1/Image/ProductGeneration"
PACE = 0.6
TRACE = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-00")

APPLICATION = ADCREATIVE_FIELDS["applicationId"]

PROGRESS_KEYS = {  # the progress object (the stock doc's; the photoshoot doc shows none of its own)
    "messageType",
    "requestRenderState",
    "applicationId",
    "userId",
    "imageRenderProcessId",
    "totalTaskCount",
    "completedTaskCount",
    "progress",
    "tasks",
    "renderType",
    "isSuccessful",
    "errorMessage",
}


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def server(clock: ManualClock) -> Iterator[AdCreativeSandbox]:
    box = AdCreativeSandbox(api_key=KEY, api_secret=SECRET, clock=clock)
    box.start()
    yield box
    box.stop()


@pytest.fixture
def sandbox(server: AdCreativeSandbox) -> AdCreativeSandbox:
    server.reset()
    server.set_faults(processing_seconds=PACE)
    return server


def connect(sandbox: AdCreativeSandbox, application: str) -> httpx.Client:
    """The cURL example's headers (X-API-SECRET as it spells it) and the token of the documented flow's first step."""
    http = httpx.Client(
        base_url=sandbox.url, headers={"Accept": "application/json", "x-api-key": KEY, "X-API-SECRET": SECRET}, timeout=10
    )
    reply = http.post(AUTH, json={"applicationId": application, "jwtPrivateKey": "private-key"})
    http.headers["Authorization"] = f"Bearer {reply.json()['accessToken']}"
    return http


@pytest.fixture
def client(sandbox: AdCreativeSandbox) -> Iterator[httpx.Client]:
    http = connect(sandbox, APPLICATION)
    yield http
    http.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def assert_error(reply: httpx.Response, example: dict[str, Any]) -> None:
    """Status, keys and messages as the doc's example; only the trace id differs."""
    assert reply.status_code == example["status"], reply.text
    body = reply.json()
    assert set(body) == set(example)
    assert TRACE.fullmatch(body["traceId"] if "traceId" in example else body["extensions"]["traceId"])
    if "extensions" in example:
        assert set(body["extensions"]) == set(example["extensions"])
    strip = {key: value for key, value in body.items() if key not in ("traceId", "extensions")}
    assert strip == {key: value for key, value in example.items() if key not in ("traceId", "extensions")}


def recommend(http: httpx.Client) -> dict[str, Any]:
    reply = http.post(f"{PS}/Recommendations", files={"productImage": ("headphones.png", png(40, 30, "hp"), "image/png")})
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def start(http: httpx.Client, omit: tuple[str, ...] = (), **changes: str) -> dict[str, Any]:
    asset = recommend(http)["backgroundRemovedImageAssetId"]  # the documented flow: Recommendations gives the id
    fields = {**ADCREATIVE_FIELDS, "productImageAssetId": asset, **changes}
    fields = {name: value for name, value in fields.items() if name not in omit}
    reply = http.post(f"{PS}/AdCreative", files={name: (None, value) for name, value in fields.items()})
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def download(http: httpx.Client, process: str, task: str, **options: str) -> httpx.Response:
    params = {"applicationId": APPLICATION, "taskId": task, "imageProductGeneratorProcessId": process, **options}
    return http.get(f"{PS}/Download", params=params)


# Recommendations and PresetKeys --------------------------------------------------------------------
def test_recommendations_answers_the_documented_keys(client: httpx.Client) -> None:
    body = recommend(client)
    assert set(body) == set(RECOMMENDATIONS_200)
    assert set(body["productInfo"]) == set(RECOMMENDATIONS_200["productInfo"])
    assert body["productInfo"]["productName"] == "headphones"  # from the file name
    assert isinstance(body["recommendedPrompts"], list) and all(isinstance(p, str) for p in body["recommendedPrompts"])
    assert len(body["recommendedPresetIds"]) == len(RECOMMENDATIONS_200["recommendedPresetIds"])
    presets = {preset["id"] for preset in client.get(f"{PS}/PresetKeys").json()}
    assert set(body["recommendedPresetIds"]) <= presets  # "Best-matching presetIds from /ProductGeneration/PresetKeys"


def test_recommendations_without_a_file_is_the_documented_400(client: httpx.Client) -> None:
    assert_error(client.post(f"{PS}/Recommendations", files={"other": (None, "x")}), RECOMMENDATIONS_400)


def test_preset_keys_are_the_documented_preset_objects(client: httpx.Client) -> None:
    presets = client.get(f"{PS}/PresetKeys").json()
    for preset in presets:
        assert set(preset) == set(PRESET) and [set(c) for c in preset["categories"]] == [{"name"}]
    assert PRESET in presets  # the doc's example, value for value
    ids = {preset["id"] for preset in presets}
    assert set(RECOMMENDATIONS_200["recommendedPresetIds"]) | {"mid_century_modern_office"} <= ids


def test_the_documented_401(sandbox: AdCreativeSandbox) -> None:
    headers = {"x-api-key": KEY, "X-API-SECRET": SECRET, "Authorization": "Bearer not-a-token"}
    with httpx.Client(base_url=sandbox.url, headers=headers, timeout=10) as http:
        assert_error(http.get(f"{PS}/PresetKeys"), UNAUTHORIZED_401)
        assert_error(
            http.post(f"{PS}/Recommendations", files={"productImage": ("a.png", png(4, 4, "a"), "image/png")}), UNAUTHORIZED_401
        )


# AdCreative, progress and the documented sizes -----------------------------------------------------
@pytest.mark.parametrize(("margin", "size"), [("true", (1200, 628)), ("false", (1674, 628)), (None, (1674, 628))])
def test_the_documented_request_renders_6_tasks_at_the_documented_size(
    client: httpx.Client, clock: ManualClock, margin: str | None, size: tuple[int, int]
) -> None:
    """DisableSafeMargin = true: exact 1200x628; false or omitted: 1674x628. Completion: progress 100, all 6 tasks 5."""
    started = start(client, DisableSafeMargin=margin) if margin is not None else start(client, omit=("DisableSafeMargin",))
    assert set(started) == PROGRESS_KEYS and started["totalTaskCount"] == 6 and started["progress"] == 0
    process = started["imageRenderProcessId"]
    clock.advance(PACE)
    items = client.get(
        f"{PS}/CheckUserProgress", params={"userId": ADCREATIVE_FIELDS["userId"], "imageProductGeneratorProcessId": process}
    ).json()
    assert len(items) == 1 and set(items[0]) == PROGRESS_KEYS
    done = items[0]
    assert (done["progress"], list(done["tasks"].values()), done["isSuccessful"]) == (100, [5] * 6, True)
    for task in done["tasks"]:
        for options in ({}, {"format": "0"}):
            reply = download(client, process, task, **options)
            assert reply.headers["content-type"] == "image/png" and png_size(reply.content) == size


def test_the_prompt_objects_string_of_the_example_is_accepted_as_sent(client: httpx.Client) -> None:
    assert json.loads(ADCREATIVE_FIELDS["PromptObjectsString"]) == [{"preset": "mid_century_modern_office", "tag": "preset"}] * 6
    assert start(client)["totalTaskCount"] == 6


# Download errors -----------------------------------------------------------------------------------
def test_download_documented_errors(sandbox: AdCreativeSandbox, client: httpx.Client, clock: ManualClock) -> None:
    started = start(client)
    process, task = started["imageRenderProcessId"], next(iter(started["tasks"]))
    assert_error(download(client, process, task), DOWNLOAD_404)  # not rendered yet
    bad = download(client, "60a743a6-c761-4168-9288-40a729dd407e1", task)
    assert_error(bad, DOWNLOAD_VALIDATION_400)
    clock.advance(PACE)
    assert download(client, process, task).status_code == 200


def test_no_credits_is_the_documented_credits_400_verbatim(sandbox: AdCreativeSandbox, clock: ManualClock) -> None:
    application = "e790c565-d56a-4e32-b00a-66be90cfcd43"  # the doc's example names this application
    http = connect(sandbox, application)
    try:
        started = start(http, applicationId=application)
        clock.advance(PACE)
        process, task = started["imageRenderProcessId"], next(iter(started["tasks"]))
        params = {"applicationId": application, "taskId": task, "imageProductGeneratorProcessId": process}
        sandbox.set_faults(no_credits=True)
        assert_error(http.get(f"{PS}/Download", params=params), CREDITS_400)
        sandbox.set_faults(no_credits=False)
        assert http.get(f"{PS}/Download", params=params).status_code == 200
    finally:
        http.close()
