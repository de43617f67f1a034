"""The AdCreative.ai sandbox (Product Photoshoot + Stock Image Generation) over real HTTP, against its two docs.

The sandbox runs on a `ManualClock`: tasks finish and notifications go out only when a test advances it.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from adforge_local.sandboxes.adcreative import AdCreativeSandbox
from adforge_local.sandboxes.clock import ManualClock
from adforge_local.sandboxes.png import png

KEY, SECRET = "ac-key-test", "ac-secret-test"
APP, USER = "4f7d8a9c-b5e6-4d3e-b7a9-d5c3e1b7a4f6", "2581c740-8e9d-4d63-96bc-5665bb9a646b"
AUTH = "/api/v1/Authorization/GenerateJwtToken"
PS, ST = "/api/v1/Image/ProductGeneration", "/api/v1/Image/StockGeneration"
CHANNELS = "/api/v1/NotificationChannel"
PS_PROCESS, ST_PROCESS = "imageProductGeneratorProcessId", "imageStockGeneratorProcessId"
TRACE = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-00")
LORA = "e2b3c5d1-a123-456b-c789-d12345678901:0.75,a4b2c6d3-e234-567c-d890-f23456789012:1.0"
UNAUTHORIZED = "Token is missing, invalid or ApplicationId is not found in the token."
PACE, STEPS = 0.375, 6  # processing_seconds; a photoshoot's 6 tasks finish one per PACE / STEPS (1/16 s: exact sums)
PROMPTS = [
    {"preset": "white_background", "tag": "preset"},
    {"tag": "custom", "prompt": "on a mossy rock", "nativeLanguagePrompt": None},
]


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
    """The shared server with no processes, assets or channels, a PACE render and 1-hour tokens."""
    server.reset()
    server.token_lifetime = 3600.0
    server.set_faults(processing_seconds=PACE, webhook_retry_delays=[0.0])
    return server


@pytest.fixture
def client(sandbox: AdCreativeSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": KEY, "X-API-SECRET": SECRET}, timeout=10) as http:
        http.headers["Authorization"] = f"Bearer {issue(http, APP)}"
        yield http


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local webhook endpoint recording every JSON body it receives."""
    received: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{hook.server_address[1]}/hooks/adcreative", received
    hook.shutdown()
    hook.server_close()


# helpers ------------------------------------------------------------------------------------
def issue(http: httpx.Client, application: str) -> str:
    reply = http.post(AUTH, json={"applicationId": application, "jwtPrivateKey": "private-key"})
    assert reply.status_code == 200, reply.text
    return str(reply.json()["accessToken"])


def multipart(**fields: Any) -> dict[str, tuple[str | None, Any]]:
    """httpx `files=`: plain strings become text parts, (name, bytes) tuples become file parts."""
    return {name: value if isinstance(value, tuple) else (None, str(value)) for name, value in fields.items()}


def upload(http: httpx.Client, filename: str = "red-headphones.png") -> dict[str, Any]:
    reply = http.post(f"{PS}/Recommendations", files={"productImage": (filename, png(40, 30, filename), "image/png")})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def start_photoshoot(http: httpx.Client, **extra: str) -> dict[str, Any]:
    asset = upload(http)["backgroundRemovedImageAssetId"]
    fields = {
        "applicationId": APP,
        "userId": USER,
        "renderKind": "4",
        "productImageAssetId": asset,
        "PromptObjectsString": json.dumps(PROMPTS),
        **extra,
    }
    reply = http.post(f"{PS}/AdCreative", files=multipart(**fields))
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def start_stock(http: httpx.Client, **extra: Any) -> httpx.Response:
    fields = {"applicationId": APP, "userId": USER, "renderKind": "1", "imageStyle": "3", "userPrompt": "Darth Vader", **extra}
    return http.post(f"{ST}/AdCreative", files=multipart(**fields))


def wait_finished(
    http: httpx.Client, clock: ManualClock, base: str, param: str, process_id: str
) -> tuple[dict[str, Any], list[int]]:
    """Polls CheckUserProgress, moving the clock a task's time between polls, until the process has completed (every
    task RenderState 5) or failed (a non-empty errorMessage), at most one step past the pace; returns the last item
    and the progress values seen."""
    seen: list[int] = []
    for _ in range(STEPS + 2):
        reply = http.get(f"{base}/CheckUserProgress", params={"userId": USER, param: process_id})
        item: dict[str, Any] = reply.json()[0]
        seen.append(item["progress"])
        if item["errorMessage"] or all(state == 5 for state in item["tasks"].values()):
            return item, seen
        clock.advance(PACE / STEPS)
    raise AssertionError(f"process {process_id} still running after its {PACE} s pace: {seen}")


def download(http: httpx.Client, base: str, param: str, process_id: str, task_id: str, **options: Any) -> httpx.Response:
    return http.get(f"{base}/Download", params={"applicationId": APP, "taskId": task_id, param: process_id, **options})


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def jpeg_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\xff\xd8\xff") and data.endswith(b"\xff\xd9")
    start = data.index(b"\xff\xc0")
    height, width = struct.unpack(">HH", data[start + 5 : start + 9])
    return width, height


def wait_messages(clock: ManualClock, received: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The notifications sent over the render's pace (delivered by the time `advance()` returns)."""
    assert received == []
    clock.advance(PACE)
    messages = list(received)
    clock.advance(100 * PACE)
    assert received == messages, "more notifications after the render had finished"
    return messages


def assert_problem(reply: httpx.Response, status: int, errors: dict[str, list[str]]) -> None:
    """The documented business/engine error body."""
    assert reply.status_code == status
    assert reply.headers["content-type"].startswith("application/problem+json")
    body = reply.json()
    assert body["errors"] == errors
    assert (body["type"], body["title"], body["status"]) == (
        "https://tools.ietf.org/html/rfc7231#section-6.5.1",
        "One or more errors occurred.",
        status,
    )
    assert TRACE.fullmatch(body["extensions"]["traceId"])


def assert_validation(reply: httpx.Response, errors: dict[str, list[str]]) -> None:
    """The documented model-validation error body."""
    assert reply.status_code == 400
    body = reply.json()
    assert body["errors"] == errors
    assert (body["type"], body["title"]) == (
        "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "One or more validation errors occurred.",
    )
    assert TRACE.fullmatch(body["traceId"])


# auth ----------------------------------------------------------------------------------------
def test_generate_jwt_token_issues_an_expiring_jwt_bound_to_the_application(
    sandbox: AdCreativeSandbox, clock: ManualClock
) -> None:
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": KEY, "x-api-secret": SECRET}) as http:
        body = http.post(AUTH, json={"applicationId": f"urn:uuid:{APP}", "jwtPrivateKey": "k"}).json()
        claims = json.loads(base64.urlsafe_b64decode(body["accessToken"].split(".")[1] + "=="))
        assert (body["$id"], body["applicationId"], claims["applicationId"]) == ("1", APP, APP)
        assert claims["exp"] == round(clock.now() + 3600, 3) and claims["iat"] == int(clock.now())
        assert body["accessTokenExpiration"].startswith(time.strftime("%Y-%m-%dT", time.gmtime(claims["exp"])))
        assert body["refreshToken"] and body["refreshTokenExpiration"] > body["accessTokenExpiration"]
        presets = http.get(f"{PS}/PresetKeys", headers={"Authorization": f"Bearer {body['accessToken']}"})
        assert presets.status_code == 200 and "white_background" in [p["id"] for p in presets.json()]


@pytest.mark.parametrize(
    "case", ["no bearer", "not a jwt", "forged signature", "wrong api key", "wrong api secret", "other application"]
)
def test_each_auth_failure_is_the_documented_401(client: httpx.Client, clock: ManualClock, case: str) -> None:
    good = client.headers["Authorization"].removeprefix("Bearer ")
    head, _, signature = good.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"applicationId": APP, "exp": clock.now() + 99}).encode()).decode().rstrip("=")
    headers = {
        "no bearer": {"Authorization": ""},
        "not a jwt": {"Authorization": "Bearer abc.def"},
        "forged signature": {"Authorization": f"Bearer {head}.{forged}.{signature}"},
        "wrong api key": {"x-api-key": "nope"},
        "wrong api secret": {"x-api-secret": "nope"},
        "other application": {},
    }[case]
    application = str(uuid.uuid4()) if case == "other application" else APP
    reply = client.get(f"{ST}/CheckApplicationAllProgresses", params={"applicationId": application}, headers=headers)
    assert_problem(reply, 401, {"business:": [UNAUTHORIZED]})


def test_an_expired_token_is_refused(sandbox: AdCreativeSandbox, client: httpx.Client, clock: ManualClock) -> None:
    sandbox.token_lifetime = 0.3
    client.headers["Authorization"] = f"Bearer {issue(client, APP)}"
    assert client.get(f"{PS}/PresetKeys").status_code == 200
    clock.advance(0.25)
    assert client.get(f"{PS}/PresetKeys").status_code == 200
    clock.advance(0.15)
    assert_problem(client.get(f"{PS}/PresetKeys"), 401, {"business:": [UNAUTHORIZED]})


def test_generate_jwt_token_needs_the_key_pair_and_an_application_id(sandbox: AdCreativeSandbox) -> None:
    with httpx.Client(base_url=sandbox.url, headers={"x-api-key": KEY, "x-api-secret": "wrong"}) as http:
        assert_problem(http.post(AUTH, json={"applicationId": APP}), 401, {"business:": [UNAUTHORIZED]})
        http.headers["x-api-secret"] = SECRET
        assert_validation(
            http.post(AUTH, json={"jwtPrivateKey": "k"}), {"applicationId": ["The applicationId field is required."]}
        )
        assert_validation(http.post(AUTH, json={"applicationId": "abc"}), {"applicationId": ["The value 'abc' is not valid."]})


# product photoshoot --------------------------------------------------------------------------
def test_recommendations_return_an_asset_product_info_and_known_presets(client: httpx.Client) -> None:
    body = upload(client, "Red_Wireless-Headphones.png")
    presets = {preset["id"] for preset in client.get(f"{PS}/PresetKeys").json()}
    assert body["productInfo"]["productName"] == "red wireless headphones"
    assert "red wireless headphones" in body["productInfo"]["productDescription"].lower()
    assert uuid.UUID(body["backgroundRemovedImageAssetId"])
    assert len(body["recommendedPrompts"]) == 4
    assert len(set(body["recommendedPresetIds"])) == 6 and set(body["recommendedPresetIds"]) <= presets


def test_recommendations_without_a_file_is_the_documented_400(client: httpx.Client) -> None:
    reply = client.post(f"{PS}/Recommendations", files=multipart(userId=USER))
    assert_validation(
        reply,
        {
            "productImage": [
                "The productImage field is required.",
                "The request does not contain a file. Please make sure to upload the file.",
            ]
        },
    )


def test_photoshoot_reaches_progress_100_and_downloads_every_format(
    sandbox: AdCreativeSandbox, client: httpx.Client, clock: ManualClock
) -> None:
    started = start_photoshoot(client)
    process = started["imageRenderProcessId"]
    assert (started["totalTaskCount"], started["progress"], started["requestRenderState"]) == (6, 0, 1)
    assert list(started["tasks"].values()) == [1] * 6 and started["applicationId"] == APP and started["userId"] == USER
    final, seen = wait_finished(client, clock, PS, PS_PROCESS, process)
    assert seen == [0, 16, 33, 50, 66, 83, 100]  # one more task per step of the clock
    assert list(final["tasks"]) == list(started["tasks"]) and set(final["tasks"].values()) == {5}
    assert (final["requestRenderState"], final["completedTaskCount"], final["isSuccessful"]) == (5, 6, True)
    assert sandbox.polls[process] == len(seen)
    task = list(final["tasks"])[2]
    png_reply = download(client, PS, PS_PROCESS, process, task)
    assert png_reply.headers["content-type"] == "image/png" and png_size(png_reply.content) == (1674, 628)
    assert png_reply.headers["content-disposition"] == f'attachment; filename="{task}.png"'
    jpeg_reply = download(client, PS, PS_PROCESS, process, task, format=1)
    assert jpeg_reply.headers["content-type"] == "image/jpeg" and jpeg_size(jpeg_reply.content) == (1674, 628)
    assert jpeg_size(download(client, PS, PS_PROCESS, process, task, format=1, lowResolution="true").content) == (418, 157)
    assert png_size(download(client, PS, PS_PROCESS, process, task, lowResolution="true").content) == (418, 157)
    pdf = download(client, PS, PS_PROCESS, process, task, format=2).content
    assert pdf.startswith(b"%PDF-1.6") and b"/Width 1674 /Height 628" in pdf and pdf.rstrip().endswith(b"%%EOF")
    thumb_pdf = download(client, PS, PS_PROCESS, process, task, format=2, lowResolution="true").content
    assert b"/DCTDecode" in thumb_pdf and b"/Width 418 /Height 157" in thumb_pdf
    assert_validation(download(client, PS, PS_PROCESS, process, task, format=3), {"format": ["The value '3' is not valid."]})


@pytest.mark.parametrize(("value", "width"), [("true", 1200), ("false", 1674), ("", 1674)])
def test_disable_safe_margin_sets_the_output_size(client: httpx.Client, clock: ManualClock, value: str, width: int) -> None:
    process = start_photoshoot(client, DisableSafeMargin=value)["imageRenderProcessId"]
    final, _ = wait_finished(client, clock, PS, PS_PROCESS, process)
    image = download(client, PS, PS_PROCESS, process, next(iter(final["tasks"]))).content
    assert png_size(image) == (width, 628)


def test_use_same_style_reference_image_changes_the_render(client: httpx.Client, clock: ManualClock) -> None:
    processes = [
        start_photoshoot(client, UseSameStyleReferenceImage=value)["imageRenderProcessId"] for value in ("true", "false", "")
    ]
    images = []
    for process in processes:
        final, _ = wait_finished(client, clock, PS, PS_PROCESS, process)
        images.append(download(client, PS, PS_PROCESS, process, next(iter(final["tasks"]))).content)
    assert images[0] != images[1] and images[0] == images[2]  # omitted means true


@pytest.mark.parametrize(
    ("prompts", "message"),
    [
        ("[]", "PromptObjectsString must be a JSON array of 1 to 6 prompt objects."),
        (json.dumps(PROMPTS * 4), "PromptObjectsString must be a JSON array of 1 to 6 prompt objects."),
        ('[{"tag": "preset", "preset": "moon_base"}]', 'Invalid prompt object {"tag": "preset", "preset": "moon_base"}'),
        ('[{"tag": "custom", "prompt": " "}]', 'Invalid prompt object {"tag": "custom", "prompt": " "}'),
    ],
)
def test_prompt_objects_string_is_validated(client: httpx.Client, prompts: str, message: str) -> None:
    asset = upload(client)["backgroundRemovedImageAssetId"]
    fields = multipart(applicationId=APP, userId=USER, productImageAssetId=asset, PromptObjectsString=prompts)
    reply = client.post(f"{PS}/AdCreative", files=fields)
    assert reply.status_code == 400
    assert reply.json()["errors"]["engine: ProductGeneration/AdCreative"][0].startswith(message)
    assert reply.json()["errors"]["business: ProductGeneration/AdCreative"] == [
        "Bad request error occurred while starting product generation process"
    ]


def test_unknown_product_asset_is_a_404(client: httpx.Client) -> None:
    fields = multipart(applicationId=APP, userId=USER, productImageAssetId=uuid.uuid4(), PromptObjectsString=json.dumps(PROMPTS))
    assert_problem(
        client.post(f"{PS}/AdCreative", files=fields),
        404,
        {
            "engine: ProductGeneration/AdCreative": ["Product image asset not found."],
            "business: ProductGeneration/AdCreative": ["Not found error occurred while starting product generation process"],
        },
    )


def test_fail_generation_fails_the_process_halfway(sandbox: AdCreativeSandbox, client: httpx.Client, clock: ManualClock) -> None:
    """The failure shows only as the docs let it: isSuccessful false, a non-empty errorMessage; no undocumented
    RenderState, and the progress stays where the failure happened."""
    sandbox.set_faults(fail_generation=True)
    process = start_photoshoot(client)["imageRenderProcessId"]
    final, seen = wait_finished(client, clock, PS, PS_PROCESS, process)
    assert seen == [0, 16, 33, 50, 50]  # failed at the 4th task's time, seen at the first poll after it
    tasks = list(final["tasks"].items())
    assert [state for _, state in tasks] == [5, 5, 5, 1, 1, 1]
    assert (final["progress"], final["completedTaskCount"], final["requestRenderState"]) == (50, 3, 1)
    assert final["isSuccessful"] is False and final["errorMessage"] == "3 of 6 tasks failed to render."
    clock.advance(100 * PACE)
    again = client.get(f"{PS}/CheckUserProgress", params={"userId": USER, PS_PROCESS: process}).json()[0]
    assert again == final  # a failed process no longer changes
    assert png_size(download(client, PS, PS_PROCESS, process, tasks[0][0]).content) == (1674, 628)
    assert_problem(
        download(client, PS, PS_PROCESS, process, tasks[5][0]),
        404,
        {
            "engine: ProductGeneration/Download": ["Image content not found."],
            "business: ProductGeneration/Download": ["Not found error occurred while getting image content stream"],
        },
    )


def test_never_finish_keeps_every_task_queued(sandbox: AdCreativeSandbox, client: httpx.Client, clock: ManualClock) -> None:
    sandbox.set_faults(never_finish=True)
    started = start_photoshoot(client)
    clock.advance(100 * PACE)
    item = client.get(f"{PS}/CheckUserProgress", params={"userId": USER}).json()[0]
    assert (item["progress"], item["requestRenderState"], set(item["tasks"].values())) == (0, 1, {1})
    task = next(iter(started["tasks"]))
    assert download(client, PS, PS_PROCESS, started["imageRenderProcessId"], task).status_code == 404


# stock image generation ----------------------------------------------------------------------
def test_stock_generation_runs_and_downloads_png_and_jpeg_thumbnail(client: httpx.Client, clock: ManualClock) -> None:
    reply = start_stock(client, loraParams=LORA)
    started = reply.json()
    assert reply.status_code == 200
    assert (started["messageType"], started["requestRenderState"], started["renderType"]) == (
        "ImageStockGenerationProgress",
        1,
        32,
    )
    assert (started["totalTaskCount"], started["completedTaskCount"], started["progress"], started["errorMessage"]) == (
        1,
        0,
        0,
        "",
    )
    process, task = started["imageRenderProcessId"], next(iter(started["tasks"]))
    final, _ = wait_finished(client, clock, ST, ST_PROCESS, process)
    assert (final["tasks"], final["progress"], final["isSuccessful"]) == ({task: 5}, 100, True)
    assert png_size(download(client, ST, ST_PROCESS, process, task).content) == (1080, 1080)
    thumbnail = download(client, ST, ST_PROCESS, process, task, lowResolution="true")
    assert thumbnail.headers["content-type"] == "image/jpeg" and jpeg_size(thumbnail.content) == (270, 270)
    assert_problem(
        download(client, ST, ST_PROCESS, process, str(uuid.uuid4())),
        404,
        {
            "engine: StockGeneration/Download": ["Image content not found."],
            "business: StockGeneration/Download": ["Not found error occurred while getting original image content stream"],
        },
    )


def test_a_combined_render_kind_makes_one_task_per_size(client: httpx.Client, clock: ManualClock) -> None:
    started = start_stock(client, renderKind="Social").json()
    final, _ = wait_finished(client, clock, ST, ST_PROCESS, started["imageRenderProcessId"])
    sizes = [png_size(download(client, ST, ST_PROCESS, started["imageRenderProcessId"], task).content) for task in final["tasks"]]
    assert sizes == [(1080, 1080), (1080, 1920), (1200, 628), (1080, 1350), (1000, 1500)]


@pytest.mark.parametrize(
    ("fields", "engine"),
    [
        ({"imageStyle": "CustomWithText"}, "CustomStyleText can't be null or empty if ImageStyle is CustomWithText"),
        (
            {"imageStyle": "CustomWithText", "customStyleText": "  "},
            "CustomStyleText can't be null or empty if ImageStyle is CustomWithText",
        ),
        (
            {"imageStyle": "CustomWithImage", "customStyleText": "Serious"},
            "CustomWithImage can't be null if ImageStyle is CustomWithImage",
        ),
        ({"userPrompt": "x" * 1001}, "UserPrompt can't be longer than 1000 characters."),
    ],
)
def test_image_style_rules_are_the_documented_400(client: httpx.Client, fields: dict[str, str], engine: str) -> None:
    assert_problem(
        start_stock(client, **fields),
        400,
        {
            "engine: StockGeneration/AdCreative": [engine],
            "business: StockGeneration/AdCreative": ["Bad request error occurred while starting image stock generation process"],
        },
    )


def test_custom_styles_with_their_input_are_accepted(client: httpx.Client) -> None:
    with_text = start_stock(client, imageStyle="CustomWithText", customStyleText="Serious looking")
    with_image = start_stock(
        client, imageStyle="CustomWithImage", customStyleImage=("style.png", png(16, 16, "style"), "image/png")
    )
    assert (with_text.status_code, with_image.status_code) == (200, 200)
    assert with_text.json()["imageRenderProcessId"] != with_image.json()["imageRenderProcessId"]


@pytest.mark.parametrize(
    "lora",
    [
        "abc",
        "e2b3c5d1-a123-456b-c789:0.75",
        "e2b3c5d1-a123-456b-c789-d12345678901:high",
        f"{LORA},",
        "e2b3c5d1-a123-456b-c789-d12345678901",
    ],
)
def test_malformed_lora_params_are_refused(client: httpx.Client, lora: str) -> None:
    reply = start_stock(client, loraParams=lora)
    assert reply.status_code == 400 and reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["errors"]["engine: StockGeneration/AdCreative"][0].startswith(
        "LoraParams must be comma-separated GUID:float pairs"
    )
    assert TRACE.fullmatch(reply.json()["extensions"]["traceId"])


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"applicationId": "4f7d8a9c-b5e6"}, {"applicationId": ["The value '4f7d8a9c-b5e6' is not valid."]}),
        ({"userId": "00000000-0000-0000-0000-000000000000"}, {"userId": ["The userId field must be a non-empty GUID."]}),
        ({"renderKind": "3"}, {"renderKind": ["The value '3' is not valid."]}),
        ({"imageStyle": "Cubist"}, {"imageStyle": ["The value 'Cubist' is not valid."]}),
        ({"userPrompt": ""}, {"userPrompt": ["The userPrompt field is required."]}),
    ],
)
def test_stock_parameters_are_model_validated(client: httpx.Client, fields: dict[str, str], errors: dict[str, list[str]]) -> None:
    assert_validation(start_stock(client, **fields), errors)


def test_check_application_all_progresses_lists_the_running_processes(
    sandbox: AdCreativeSandbox, client: httpx.Client, clock: ManualClock
) -> None:
    done = start_stock(client, userPrompt="a finished bird").json()["imageRenderProcessId"]
    wait_finished(client, clock, ST, ST_PROCESS, done)
    assert_problem(
        client.get(f"{ST}/CheckApplicationAllProgresses", params={"applicationId": APP}),
        404,
        {
            "engine: CheckProgress": [
                "No running or incomplete Stock Image Generation process was not found "
                f"for the User: N/A or the Application: {APP}"
            ],
            "business: CheckApplicationAllProgresses": [
                f"Not found error occurred while checking Stock Image Generation process for the ApplicationId: {APP}"
            ],
        },
    )
    sandbox.set_faults(never_finish=True)
    ids = [start_stock(client, userPrompt=prompt).json()["imageRenderProcessId"] for prompt in ("a cat", "a dog")]
    listed = client.get(f"{ST}/CheckApplicationAllProgresses", params={"applicationId": APP}).json()
    assert [item["imageRenderProcessId"] for item in listed] == ids
    assert all(item["requestRenderState"] == 1 and item["applicationId"] == APP for item in listed)
    assert_validation(
        client.get(f"{ST}/CheckApplicationAllProgresses", params={"applicationId": "x1"}),
        {"applicationId": ["The value 'x1' is not valid."]},
    )
    bad = client.get(f"{ST}/CheckUserProgress", params={"userId": "nope"})
    assert_problem(
        bad,
        400,
        {
            "business: StockGeneration/CheckUserProgress": [f"Invalid userId or {ST_PROCESS} provided."],
            "engine: StockGeneration/CheckProgress": ["A required parameter is missing."],
        },
    )
    assert bad.json()["detail"] == "Validation error in the request parameters."


# notifications -------------------------------------------------------------------------------
def test_notification_channels_are_managed_per_application(client: httpx.Client) -> None:
    assert_problem(
        client.get(f"{CHANNELS}/Active"),
        404,
        {
            "engine: Active": [f"No active notification channel configurations found for Application {APP}."],
            "business: Active": [f"Error getting active notification channel configurations for Application: {APP}"],
        },
    )
    created = client.post(
        CHANNELS, json={"applicationId": APP, "url": "http://127.0.0.1:9/hook", "includeImageData": True}
    ).json()
    assert (created["applicationId"], created["notificationChannelType"], created["isActive"], created["includeImageData"]) == (
        APP,
        "WebHook",
        True,
        True,
    )
    assert [channel["id"] for channel in client.get(f"{CHANNELS}/Active").json()] == [created["id"]]
    updated = client.put(f"{CHANNELS}/{created['id']}", json={"isActive": False}).json()
    assert (updated["isActive"], updated["url"]) == (False, "http://127.0.0.1:9/hook")
    assert client.get(f"{CHANNELS}/Active").status_code == 404
    assert client.delete(f"{CHANNELS}/{created['id']}").status_code == 204
    assert client.get(CHANNELS).json() == []
    assert_validation(
        client.post(CHANNELS, json={"url": "ftp://x"}), {"url": ["The url field must be an absolute http or https URL."]}
    )


def test_stock_notifications_carry_the_documented_messages(
    client: httpx.Client, clock: ManualClock, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = receiver
    client.post(CHANNELS, json={"applicationId": APP, "url": url, "includeImageData": True})
    started = start_stock(client, renderKind="4").json()
    messages = {message["MessageType"]: message for message in wait_messages(clock, received)}
    assert set(messages) == {"ImageStockGenerationTaskCompleted", "ImageStockGenerationProgress"} and len(received) == 2
    task_id = next(iter(started["tasks"]))
    completed = messages["ImageStockGenerationTaskCompleted"]
    assert {
        key: completed[key]
        for key in ("ApplicationId", "UserId", "ImageRenderProcessId", "TaskId", "IsSuccessful", "ErrorMessage")
    } == {
        "ApplicationId": APP,
        "UserId": USER,
        "ImageRenderProcessId": started["imageRenderProcessId"],
        "TaskId": task_id,
        "IsSuccessful": True,
        "ErrorMessage": "",
    }
    assert png_size(base64.b64decode(completed["ImageContentBytes"])) == (1200, 628)
    progress = messages["ImageStockGenerationProgress"]
    assert (progress["Progress"], progress["RequestRenderState"], progress["Tasks"], progress["RenderType"]) == (
        100,
        5,
        {task_id: 5},
        32,
    )
    assert (progress["TotalTaskCount"], progress["CompletedTaskCount"], progress["IsSuccessful"]) == (1, 1, True)


def test_photoshoot_notifications_report_each_task_then_progress(
    sandbox: AdCreativeSandbox, client: httpx.Client, clock: ManualClock, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = receiver
    client.post(CHANNELS, json={"applicationId": APP, "url": url, "includeImageData": False})
    sandbox.set_faults(fail_generation=True)
    started = start_photoshoot(client)
    messages = wait_messages(clock, received)
    completed = [m for m in messages if m["MessageType"] == "ImageGenerationTaskCompleted"]
    progress = [m for m in messages if m["MessageType"] == "ImageGenerationProgress"]
    assert sorted(m["TaskId"] for m in completed) == sorted(started["tasks"]) and len(progress) == 1
    assert all(m["ImageContentBytes"] is None for m in completed)
    assert sorted(m["IsSuccessful"] for m in completed) == [False] * 3 + [True] * 3
    assert (progress[0]["Progress"], progress[0]["CompletedTaskCount"], progress[0]["IsSuccessful"]) == (50, 3, False)
    assert (progress[0]["RequestRenderState"], progress[0]["ErrorMessage"]) == (1, "3 of 6 tasks failed to render.")


# injected faults -----------------------------------------------------------------------------
def test_injected_5xx_is_a_problem_body_and_then_recovers(sandbox: AdCreativeSandbox, client: httpx.Client) -> None:
    sandbox.set_faults(error_status=503, error_count=1)
    assert_problem(client.get(f"{PS}/PresetKeys"), 503, {"business:": ["Service temporarily unavailable."]})
    assert client.get(f"{PS}/PresetKeys").status_code == 200


def test_rate_limit_is_429_with_retry_after(sandbox: AdCreativeSandbox, client: httpx.Client) -> None:
    sandbox.set_faults(rate_limit=True, rate_limit_count=2, retry_after=7)
    replies = [start_stock(client) for _ in range(3)]
    assert [reply.status_code for reply in replies] == [429, 429, 200]
    assert replies[0].headers["Retry-After"] == "7" and replies[0].json()["status"] == 429
