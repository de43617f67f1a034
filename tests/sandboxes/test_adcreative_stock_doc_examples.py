"""Every JSON example in adcreative-stock-image-api.txt, copied verbatim, against the AdCreative sandbox.

Requests are sent as the doc's examples send them (its ids, fields and values); each response must carry exactly the
keys of the doc's example (values may differ where they are ids, trace ids or timestamps), and error messages are
the doc's, word for word. The credits 400 is the photoshoot doc's example (the stock doc shows none); its stock
Download version is the sandbox's documented assumption.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.doc_examples.adcreative import (
    ALL_PROGRESSES_200,
    ALL_PROGRESSES_400,
    ALL_PROGRESSES_404,
    ALL_PROGRESSES_QUERY,
    CHECK_USER_PROGRESS_200,
    CHECK_USER_PROGRESS_400,
    CHECK_USER_PROGRESS_QUERY,
    CREDITS_400,
    DOWNLOAD_QUERY,
    START_200,
    START_400_EXAMPLE_1,
    START_400_EXAMPLE_2,
)
from tests.doc_examples.adcreative import STOCK_401 as UNAUTHORIZED_401
from tests.doc_examples.adcreative import STOCK_DOWNLOAD_400 as DOWNLOAD_400
from tests.doc_examples.adcreative import STOCK_DOWNLOAD_404 as DOWNLOAD_404
from tests.doc_examples.adcreative import STOCK_START_FORM as START_FIELDS
from tests.doc_examples.adcreative import STOCK_START_FORM_CURL as START_FIELDS_CURL

from adforge_local.sandboxes.adcreative import AdCreativeSandbox
from adforge_local.sandboxes.clock import ManualClock
from adforge_local.sandboxes.png import png

KEY, SECRET = "your-api-key", "your-api-secret"
AUTH = "/api/v1/Authorization/GenerateJwtToken"
ST = "/api/v1/Image/StockGeneration"
PACE = 0.5
TRACE = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-00")


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


@pytest.fixture
def clients(sandbox: AdCreativeSandbox) -> Iterator[dict[str, httpx.Client]]:
    """A client per application the doc's examples name, each with its token, as the examples send them."""
    opened: dict[str, httpx.Client] = {}
    for application in (
        "4f7d8a9c-b5e6-4d3e-b7a9-d5c3e1b7a4f6",
        "d5eabbb8-c0f6-4640-94fd-3566edad499f",
        "2581c740-8e9d-4d63-96bc-5665bb9a646b",
    ):
        http = httpx.Client(
            base_url=sandbox.url, headers={"Accept": "application/json", "x-api-key": KEY, "x-api-secret": SECRET}, timeout=10
        )
        reply = http.post(AUTH, json={"applicationId": application, "jwtPrivateKey": "private-key"})
        http.headers["Authorization"] = f"Bearer {reply.json()['accessToken']}"
        opened[application] = http
    yield opened
    for http in opened.values():
        http.close()


def multipart(fields: dict[str, str], **files: tuple[str, bytes, str]) -> dict[str, tuple[str | None, Any, ...]]:
    parts: dict[str, tuple[str | None, Any, ...]] = {name: (None, value) for name, value in fields.items()}
    parts.update(files)
    return parts


def assert_shape(body: Any, example: Any) -> None:
    """The same keys as the doc's example, all the way down (dict values keyed by ids are compared by shape)."""
    if isinstance(example, dict):
        assert isinstance(body, dict), body
        if example and all(_is_guid(key) for key in example):  # `tasks`: {taskId: RenderState}, keyed by ids
            assert len(body) == len(example) and all(_is_guid(key) for key in body), body
            assert all(isinstance(state, int) for state in body.values()), body
            return
        assert set(body) == set(example), f"keys {sorted(body)} != documented {sorted(example)}"
        for key, value in example.items():
            assert_shape(body[key], value)
    elif isinstance(example, list):
        assert isinstance(body, list) and len(body) == len(example), body
        for item, documented in zip(body, example, strict=True):
            assert_shape(item, documented)
    else:
        assert type(body) is type(example) or example is None, (body, example)


def _is_guid(text: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text) is not None


def assert_error(reply: httpx.Response, example: dict[str, Any]) -> None:
    """Status, keys and messages as the doc's example; only the trace id differs."""
    assert reply.status_code == example["status"], reply.text
    body = reply.json()
    assert_shape(body, example)
    trace = body["traceId"] if "traceId" in example else body["extensions"]["traceId"]
    assert TRACE.fullmatch(trace)
    strip = {key: value for key, value in body.items() if key not in ("traceId", "extensions")}
    assert strip == {key: value for key, value in example.items() if key not in ("traceId", "extensions")}


def start(http: httpx.Client, fields: dict[str, str] = START_FIELDS, **files: tuple[str, bytes, str]) -> httpx.Response:
    return http.post(f"{ST}/AdCreative", files=multipart(fields, **files))


# start ---------------------------------------------------------------------------------------------
def test_the_documented_start_requests_answer_the_documented_200(clients: dict[str, httpx.Client]) -> None:
    http = clients[START_FIELDS["applicationId"]]
    for reply in (
        start(http),
        start(http, START_FIELDS_CURL, customStyleImage=("image.jpg", png(16, 16, "style"), "image/jpeg")),
    ):
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert_shape(body, START_200)
        assert {key: body[key] for key in ("messageType", "requestRenderState", "totalTaskCount", "renderType")} == {
            key: START_200[key] for key in ("messageType", "requestRenderState", "totalTaskCount", "renderType")
        }
        assert (body["progress"], body["completedTaskCount"], body["isSuccessful"], body["errorMessage"]) == (0, 0, False, "")
        assert list(body["tasks"].values()) == [1]


@pytest.mark.parametrize(
    ("style", "example"), [("CustomWithImage", START_400_EXAMPLE_1), ("CustomWithText", START_400_EXAMPLE_2)]
)
def test_the_documented_image_style_400s(clients: dict[str, httpx.Client], style: str, example: dict[str, Any]) -> None:
    assert_error(start(clients[START_FIELDS["applicationId"]], {**START_FIELDS, "imageStyle": style}), example)


def test_the_documented_401_on_every_endpoint(sandbox: AdCreativeSandbox) -> None:
    headers = {"Accept": "application/json", "x-api-key": KEY, "x-api-secret": SECRET, "Authorization": "Bearer <TOKEN>"}
    with httpx.Client(base_url=sandbox.url, headers=headers, timeout=10) as http:
        assert_error(start(http), UNAUTHORIZED_401)
        assert_error(http.get(f"{ST}/CheckUserProgress", params=CHECK_USER_PROGRESS_QUERY), UNAUTHORIZED_401)
        assert_error(http.get(f"{ST}/CheckApplicationAllProgresses", params=ALL_PROGRESSES_QUERY), UNAUTHORIZED_401)
        assert_error(http.get(f"{ST}/Download", params=DOWNLOAD_QUERY), UNAUTHORIZED_401)


# progress ------------------------------------------------------------------------------------------
def test_check_user_progress_answers_the_documented_items(clients: dict[str, httpx.Client], clock: ManualClock) -> None:
    http = clients[START_FIELDS["applicationId"]]
    process = start(http).json()["imageRenderProcessId"]
    query = {**CHECK_USER_PROGRESS_QUERY, "imageStockGeneratorProcessId": process}
    running = http.get(f"{ST}/CheckUserProgress", params=query).json()
    assert_shape(running, [START_200])
    clock.advance(PACE)
    done = http.get(f"{ST}/CheckUserProgress", params=query)
    assert done.status_code == 200
    assert_shape(done.json(), CHECK_USER_PROGRESS_200)
    item, documented = done.json()[0], CHECK_USER_PROGRESS_200[0]
    for key in ("messageType", "requestRenderState", "totalTaskCount", "completedTaskCount", "progress", "renderType"):
        assert item[key] == documented[key], key
    assert (item["isSuccessful"], item["errorMessage"], list(item["tasks"].values())) == (True, "", [5])


def test_check_user_progress_documented_400(clients: dict[str, httpx.Client]) -> None:
    http = clients[START_FIELDS["applicationId"]]
    assert_error(
        http.get(f"{ST}/CheckUserProgress", params={"imageStockGeneratorProcessId": "26eca5df"}), CHECK_USER_PROGRESS_400
    )


def test_check_application_all_progresses_answers_the_documented_items(
    sandbox: AdCreativeSandbox, clients: dict[str, httpx.Client]
) -> None:
    sandbox.set_faults(never_finish=True)
    http = clients[ALL_PROGRESSES_QUERY["applicationId"]]
    for _ in range(2):
        assert start(http, {**START_FIELDS, "applicationId": ALL_PROGRESSES_QUERY["applicationId"]}).status_code == 200
    listed = http.get(f"{ST}/CheckApplicationAllProgresses", params=ALL_PROGRESSES_QUERY)
    assert listed.status_code == 200
    assert_shape(listed.json(), ALL_PROGRESSES_200)
    for item in listed.json():
        assert {k: v for k, v in item.items() if k not in ("imageRenderProcessId", "tasks")} == {
            k: v for k, v in ALL_PROGRESSES_200[0].items() if k not in ("imageRenderProcessId", "tasks")
        }


def test_check_application_all_progresses_documented_400_and_404(clients: dict[str, httpx.Client]) -> None:
    http = clients["2581c740-8e9d-4d63-96bc-5665bb9a646b"]
    bad = http.get(f"{ST}/CheckApplicationAllProgresses", params={"applicationId": "2581c740-8e9d-4d63-96bc-5665bb9a6"})
    assert_error(bad, ALL_PROGRESSES_400)
    none = http.get(f"{ST}/CheckApplicationAllProgresses", params={"applicationId": "2581c740-8e9d-4d63-96bc-5665bb9a646b"})
    assert_error(none, ALL_PROGRESSES_404)


def test_a_failed_process_shows_only_the_documented_failure_fields(
    sandbox: AdCreativeSandbox, clients: dict[str, httpx.Client], clock: ManualClock
) -> None:
    """`fail_generation`: isSuccessful false, a non-empty errorMessage, no RenderState the doc does not show, and the
    progress where the failure happened (0 for a one-task process): seen failed at the first poll after it."""
    sandbox.set_faults(fail_generation=True)
    http = clients[START_FIELDS["applicationId"]]
    process = start(http).json()["imageRenderProcessId"]
    clock.advance(PACE)
    query = {**CHECK_USER_PROGRESS_QUERY, "imageStockGeneratorProcessId": process}
    failed = http.get(f"{ST}/CheckUserProgress", params=query).json()
    assert_shape(failed, CHECK_USER_PROGRESS_200)
    item = failed[0]
    assert item["isSuccessful"] is False and item["errorMessage"] == "1 of 1 tasks failed to render."
    assert (item["requestRenderState"], item["progress"], item["completedTaskCount"]) == (1, 0, 0)
    assert set(item["tasks"].values()) <= {1, 5}
    task = next(iter(item["tasks"]))
    assert_error(
        http.get(f"{ST}/Download", params={**DOWNLOAD_QUERY, "taskId": task, "imageStockGeneratorProcessId": process}),
        DOWNLOAD_404,
    )


# download ------------------------------------------------------------------------------------------
def test_download_documented_400_and_404(clients: dict[str, httpx.Client]) -> None:
    http = clients[DOWNLOAD_QUERY["applicationId"]]
    assert_error(
        http.get(f"{ST}/Download", params={**DOWNLOAD_QUERY, "taskId": "165ce0c4-27a4-4317-a388-3c4064cf8b"}), DOWNLOAD_400
    )
    assert_error(http.get(f"{ST}/Download", params=DOWNLOAD_QUERY), DOWNLOAD_404)


def test_download_of_a_finished_task_is_a_file_stream(clients: dict[str, httpx.Client], clock: ManualClock) -> None:
    http = clients[DOWNLOAD_QUERY["applicationId"]]
    started = start(http).json()
    clock.advance(PACE)
    query = {
        **DOWNLOAD_QUERY,
        "taskId": next(iter(started["tasks"])),
        "imageStockGeneratorProcessId": started["imageRenderProcessId"],
    }
    reply = http.get(f"{ST}/Download", params=query)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("image/")


def test_no_credits_is_the_documented_credits_400_on_download(
    sandbox: AdCreativeSandbox, clients: dict[str, httpx.Client], clock: ManualClock
) -> None:
    http = clients[DOWNLOAD_QUERY["applicationId"]]
    started = start(http).json()
    clock.advance(PACE)
    query = {
        **DOWNLOAD_QUERY,
        "taskId": next(iter(started["tasks"])),
        "imageStockGeneratorProcessId": started["imageRenderProcessId"],
    }
    sandbox.set_faults(no_credits=True)
    reply = http.get(f"{ST}/Download", params=query)
    assert reply.status_code == 400
    body = reply.json()
    engine, business = "engine: StockGeneration/Download", "business: StockGeneration/Download"
    assert set(body) == set(CREDITS_400) and set(body["errors"]) == {engine, business}
    documented = CREDITS_400["errors"]["engine: ProductGeneration/Download"][0]
    assert body["errors"][engine] == [documented.replace("e790c565-d56a-4e32-b00a-66be90cfcd43", DOWNLOAD_QUERY["applicationId"])]
    assert body["errors"][business] == ["Bad request error occurred while getting original image content stream"]
    assert {k: body[k] for k in ("type", "title", "status", "detail", "instance")} == {
        k: CREDITS_400[k] for k in ("type", "title", "status", "detail", "instance")
    }
    assert start(http).status_code == 200  # the doc shows the credits error on Download only
    sandbox.set_faults(no_credits=False)
    assert http.get(f"{ST}/Download", params=query).status_code == 200
