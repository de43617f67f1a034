import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from fractions import Fraction
from typing import get_args

import httpx
import pytest

from adforge.domain.framing import centre_crop
from adforge.domain.models import AspectRatio, JobKind, JobRequest, VendorState, VendorSubmission
from adforge.domain.signatures import SignatureInvalid
from adforge.ports import vendors as errors
from adforge.vendors.adcreative import (
    CAPABILITIES_PHOTOSHOOT,
    CAPABILITIES_STOCK,
    NAME_PHOTOSHOOT,
    NAME_STOCK,
    channels,
    photoshoot,
    progress,
    stock,
)
from adforge.vendors.adcreative.auth import RENEW_BEFORE_SECONDS, Account
from adforge.vendors.adcreative.client import TOKEN_PATH, AdCreativeClient
from adforge.vendors.adcreative.gateway import PhotoshootGateway, StockGateway, build_photoshoot, build_stock
from adforge.vendors.adcreative.problems import read_error
from adforge.vendors.adcreative.webhook import build_reader
from tests.doc_examples.adcreative import ALL_PROGRESSES_200, CHECK_USER_PROGRESS_200, CREDITS_400, START_200
from tests.fakes import FakeFetcher

APP = "6a9d3f2c-1b0e-4c7f-a8d5-e3f0c1b9a4d6"
USER = "2f1e3c4d-5b6a-4d8f-9c01-e2d3c4b5f6a7"
PROCESS = "0898d00e-4a06-4d3d-b7c5-96116286449e"
TASKS = [f"530286a9-7adb-49e0-a66d-065cbb52fe{n:02d}" for n in range(6)]
LORA = "e2b3c5d1-a123-456b-c789-d12345678901"
SECRET = {"api_key": "key", "api_secret": "shh", "application_id": APP, "user_id": USER, "webhook_token": "tok"}
TRACE = "00-3bbaf2bdb083fbf5b8d96a25830005ca-adee457f95c76f15-00"
ACCOUNT = Account.from_secret(SECRET)
JOB = progress.job_id(PROCESS, USER)  # a submission of no job runs as the secret's user
CALLBACK = "https://api.adforge.test/v1/webhooks/adcreative_stock?job=job_1"


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def problem(status: int, errors_map: dict, **extra) -> dict:
    """The business/engine form (`extensions.traceId`) unless `extra` says otherwise."""
    return {
        "errors": errors_map,
        "title": "One or more errors occurred.",
        "status": status,
        "extensions": {"traceId": TRACE},
        **extra,
    }


def progress_body(states: list[int], pct: int, request_state: int = 1, error: str = "", pascal: bool = False) -> dict:
    body = {
        "messageType": "ImageStockGenerationProgress",
        "requestRenderState": request_state,
        "applicationId": APP,
        "userId": USER,
        "imageRenderProcessId": PROCESS,
        "totalTaskCount": len(states),
        "completedTaskCount": states.count(5),
        "progress": pct,
        "tasks": dict(zip(TASKS, states, strict=False)),
        "isSuccessful": all(s == 5 for s in states),
        "errorMessage": error,
    }
    return {key[0].upper() + key[1:]: value for key, value in body.items()} if pascal else body


def form(request: httpx.Request) -> dict[str, str]:
    """The multipart fields of a request (file parts give their bytes, decoded leniently)."""
    request.read()
    assert request.headers["content-type"].startswith("multipart/form-data")
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    fields = {}
    for part in request.content.split(b"--" + boundary)[1:-1]:
        head, _, body = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        assert name is not None
        fields[name.group(1).decode()] = body[:-2].decode(errors="replace")
    return fields


class Vendor:
    """A scripted AdCreative.ai on httpx.MockTransport: GenerateJwtToken built in, other routes per test."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.lifetime = 3600.0
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {}
        self.tokens_issued = 0
        self.token_answer: httpx.Response | None = None

    def on(self, method: str, path: str, answer: httpx.Response | Callable[[httpx.Request], httpx.Response]) -> None:
        self.routes[(method, path)] = answer if callable(answer) else (lambda request: answer)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == TOKEN_PATH:
            if self.token_answer is not None:
                return self.token_answer
            self.tokens_issued += 1
            body = {"$id": "1", "applicationId": APP, "accessToken": f"jwt-{self.tokens_issued}"}
            return httpx.Response(200, json={**body, "accessTokenExpiration": iso(self.now + self.lifetime)})
        return self.routes[(request.method, request.url.path)](request)

    def api_calls(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != TOKEN_PATH]

    def client(self, vendor: str = NAME_STOCK, secret: dict[str, str] | None = None) -> AdCreativeClient:
        http = httpx.Client(base_url="https://api.adcreative.test", transport=httpx.MockTransport(self.handle))
        return AdCreativeClient(http, Account.from_secret(secret or SECRET), vendor, clock=lambda: self.now)


STOCK_PROGRESS = "/api/v1/Image/StockGeneration/CheckUserProgress"
STOCK_START = "/api/v1/Image/StockGeneration/AdCreative"
CHANNELS_PATH = "/api/v1/NotificationChannel"


# auth -----------------------------------------------------------------------------------------
def test_jwt_is_generated_once_and_sent_with_the_key_headers():
    vendor = Vendor()
    vendor.on("GET", STOCK_PROGRESS, httpx.Response(200, json=[progress_body([1], 0)]))
    client = vendor.client()
    client.stock_progress(USER, PROCESS)
    client.stock_progress(USER, PROCESS)
    token_call = vendor.requests[0]
    assert token_call.url.path == TOKEN_PATH and token_call.method == "POST"
    assert json.loads(token_call.content) == {"applicationId": APP}
    assert (token_call.headers["x-api-key"], token_call.headers["x-api-secret"]) == ("key", "shh")
    assert vendor.tokens_issued == 1
    for call in vendor.api_calls():
        assert call.headers["authorization"] == "Bearer jwt-1"
        assert (call.headers["x-api-key"], call.headers["x-api-secret"]) == ("key", "shh")
        assert dict(call.url.params) == {"userId": USER, "imageStockGeneratorProcessId": PROCESS}


def test_jwt_is_renewed_shortly_before_it_expires():
    vendor = Vendor()
    vendor.on("GET", STOCK_PROGRESS, httpx.Response(200, json=[progress_body([1], 0)]))
    client = vendor.client()
    client.stock_progress(USER, PROCESS)
    vendor.now += vendor.lifetime - RENEW_BEFORE_SECONDS - 1
    client.stock_progress(USER, PROCESS)
    assert vendor.tokens_issued == 1
    vendor.now += 2
    client.stock_progress(USER, PROCESS)
    assert vendor.tokens_issued == 2
    assert vendor.api_calls()[-1].headers["authorization"] == "Bearer jwt-2"


def test_a_private_key_in_the_secret_goes_into_the_token_request():
    vendor = Vendor()
    vendor.on("GET", STOCK_PROGRESS, httpx.Response(200, json=[progress_body([1], 0)]))
    vendor.client(secret={**SECRET, "jwt_private_key": "pk"}).stock_progress(USER, PROCESS)
    assert json.loads(vendor.requests[0].content) == {"applicationId": APP, "jwtPrivateKey": "pk"}


def test_a_401_on_a_cached_token_renews_it_once():
    vendor = Vendor()
    answers = [
        httpx.Response(200, json=[progress_body([1], 0)]),
        httpx.Response(401, json=problem(401, {"business:": ["Token is missing, invalid ..."]})),
        httpx.Response(200, json=[progress_body([5], 100)]),
    ]
    vendor.on("GET", STOCK_PROGRESS, lambda request: answers.pop(0))
    client = vendor.client()
    client.stock_progress(USER, PROCESS)
    assert client.stock_progress(USER, PROCESS)[0]["progress"] == 100
    assert vendor.tokens_issued == 2
    assert [call.headers["authorization"] for call in vendor.api_calls()] == ["Bearer jwt-1", "Bearer jwt-1", "Bearer jwt-2"]


def test_a_401_on_a_fresh_token_is_an_auth_failure_without_retry():
    vendor = Vendor()
    body = problem(401, {"business:": ["Token is missing, invalid or ApplicationId is not found in the token."]})
    vendor.on("GET", STOCK_PROGRESS, httpx.Response(401, json=body))
    with pytest.raises(errors.VendorAuthFailed) as raised:
        vendor.client().stock_progress(USER, PROCESS)
    assert raised.value.message == "business: Token is missing, invalid or ApplicationId is not found in the token."
    assert raised.value.trace_id == TRACE
    assert len(vendor.api_calls()) == 1 and vendor.tokens_issued == 1


def test_wrong_keys_fail_at_the_token_call():
    vendor = Vendor()
    vendor.token_answer = httpx.Response(401, json=problem(401, {"business:": ["Token is missing, invalid ..."]}))
    with pytest.raises(errors.VendorAuthFailed) as raised:
        vendor.client().stock_progress(USER, PROCESS)
    assert raised.value.trace_id == TRACE and not vendor.api_calls()


@pytest.mark.parametrize(
    "answer", [{"accessToken": "jwt"}, {"accessTokenExpiration": iso(0)}, {"accessToken": "j", "accessTokenExpiration": "soon"}]
)
def test_a_token_answer_without_token_or_expiry_is_a_protocol_error(answer):
    vendor = Vendor()
    vendor.token_answer = httpx.Response(200, json=answer)
    with pytest.raises(errors.VendorProtocolError):
        vendor.client().stock_progress(USER, PROCESS)


# problem+json -> typed errors -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "body", "expected", "code", "message", "trace"),
    [
        (
            400,
            problem(
                400,
                {
                    "engine: StockGeneration/AdCreative": [
                        "CustomStyleText can't be null or empty if ImageStyle is CustomWithText"
                    ],
                    "business: StockGeneration/AdCreative": [
                        "Bad request error occurred while starting image stock generation process"
                    ],
                },
            ),
            errors.VendorRejected,
            "engine: StockGeneration/AdCreative",
            "engine: StockGeneration/AdCreative: CustomStyleText can't be null or empty if ImageStyle is CustomWithText; "
            "business: StockGeneration/AdCreative: Bad request error occurred while starting image stock generation process",
            TRACE,
        ),
        (
            400,
            {
                "$id": "1",
                "title": "One or more validation errors occurred.",
                "status": 400,
                "errors": {"$id": "2", "taskId": ["The value '165ce0c4' is not valid."]},
                "traceId": "00-a54a-00",
            },
            errors.VendorRejected,
            "taskId",
            "taskId: The value '165ce0c4' is not valid.",
            "00-a54a-00",
        ),
        (
            404,
            problem(404, {"engine: CheckProgress": ["No running process"]}),
            errors.VendorNotFound,
            "engine: CheckProgress",
            "engine: CheckProgress: No running process",
            TRACE,
        ),
        (503, problem(503, {"business:": ["down"]}), errors.VendorUnavailable, "business", "business: down", TRACE),
        (500, {"title": "Internal error"}, errors.VendorUnavailable, None, "Internal error", None),
    ],
)
def test_problem_json_becomes_a_typed_error_with_the_vendor_message_and_trace(status, body, expected, code, message, trace):
    vendor = Vendor()
    vendor.on("POST", STOCK_START, httpx.Response(status, json=body, headers={"content-type": "application/problem+json"}))
    with pytest.raises(expected) as raised:
        vendor.client().start_stock(USER, {"userPrompt": "x"}, {})
    assert type(raised.value) is expected
    assert (raised.value.vendor_code, raised.value.message, raised.value.trace_id) == (code, message, trace)
    assert raised.value.retryable is (expected is errors.VendorUnavailable)


def test_rate_limit_keeps_retry_after_and_trace():
    vendor = Vendor()
    vendor.on(
        "POST",
        STOCK_START,
        httpx.Response(429, json=problem(429, {"business:": ["Too many requests"]}), headers={"Retry-After": "7"}),
    )
    with pytest.raises(errors.VendorRateLimited) as raised:
        vendor.client().start_stock(USER, {"userPrompt": "x"}, {})
    assert (raised.value.retry_after, raised.value.trace_id, raised.value.retryable) == (7.0, TRACE, True)


def test_read_error_on_bodies_without_problem_details():
    assert read_error(["not", "a", "problem"]) == (None, None, None)
    assert read_error({"errors": {"$id": "2"}, "title": "t"}) == (None, "t", None)


# progress -> VendorUpdate ---------------------------------------------------------------------
def test_progress_before_the_end_is_pending_or_processing():
    assert progress.to_update(progress_body([1] * 6, 0), NAME_PHOTOSHOOT).state is VendorState.PENDING
    update = progress.to_update(progress_body([5, 5, 1, 1, 1, 1], 33), NAME_PHOTOSHOOT)
    assert (update.state, update.progress, update.outputs) == (VendorState.PROCESSING, 33, [])


def test_done_only_at_progress_100_with_every_task_rendered():
    done = progress.to_update(progress_body([5] * 6, 100, request_state=5), NAME_PHOTOSHOOT)
    assert done.state is VendorState.COMPLETED and done.error is None
    assert done.outputs == [f"{PROCESS}/{task}" for task in TASKS]
    not_yet = progress.to_update(progress_body([5] * 6, 83, request_state=1), NAME_PHOTOSHOOT)
    assert not_yet.state is VendorState.PROCESSING


def test_progress_100_while_the_process_still_runs_is_not_final():
    update = progress.to_update(progress_body([5, 5, 5, 5, 5, 1], 100, request_state=1), NAME_PHOTOSHOOT)
    assert update.state is VendorState.PROCESSING


def test_a_partial_failure_completes_with_the_good_tasks_and_says_how_many_failed():
    body = progress_body([5, 5, 5, 5, 6, 6], 100, request_state=5, error="2 of 6 tasks failed to render.")
    update = progress.to_update(body, NAME_PHOTOSHOOT)
    assert update.state is VendorState.COMPLETED
    assert update.outputs == [f"{PROCESS}/{task}" for task in TASKS[:4]]
    assert update.error is not None and update.error.code == "partial_failure"
    assert update.error.message == "2 of 6 tasks failed to render (2 of 6 tasks failed to render.)"


def test_a_missing_task_counts_as_failed():
    body = {**progress_body([5, 5], 100, request_state=5), "totalTaskCount": 3}
    update = progress.to_update(body, NAME_STOCK)
    assert len(update.outputs) == 2 and update.error is not None and update.error.message.startswith("1 of 3")


def test_every_task_failed_is_a_failure_with_the_vendor_reason():
    update = progress.to_update(progress_body([6], 100, request_state=6, error="GPU fell over"), NAME_STOCK)
    assert (update.state, update.error.code, update.error.message) == (VendorState.FAILED, "generation_failed", "GPU fell over")
    silent = progress.to_update(progress_body([6, 6], 100, request_state=6), NAME_STOCK)
    assert silent.error is not None and silent.error.message == "all 2 tasks failed to render"


def test_check_user_progress_picks_our_process_from_the_list():
    other = {**progress_body([1], 0), "imageRenderProcessId": "63dd1bff-8396-41d0-ba89-3406a27179cc"}
    mine = progress_body([5], 100, request_state=5)
    assert progress.pick([other, mine], NAME_STOCK, PROCESS.upper()) is mine
    with pytest.raises(errors.VendorProtocolError):
        progress.pick([other], NAME_STOCK, PROCESS)


@pytest.mark.parametrize("body", [[], {"tasks": {}}, {"imageRenderProcessId": PROCESS, "tasks": "none"}])
def test_unreadable_progress_is_a_protocol_error(body):
    with pytest.raises(errors.VendorProtocolError):
        progress.to_update(body, NAME_STOCK)


@pytest.mark.parametrize("ref", ["no-slash", "/task", "process/", "a/b/c"])
def test_malformed_output_refs_are_refused(ref):
    with pytest.raises(errors.VendorProtocolError):
        progress.parse_ref(ref, NAME_STOCK)


DOC_PROCESS = "0898d00e-4a06-4d3d-b7c5-96116286449e"
DOC_TASK = "530286a9-7adb-49e0-a66d-065cbb52fecc"


def test_the_doc_examples_mean_what_the_doc_says():
    started = progress.to_update(START_200, NAME_STOCK)
    assert (started.vendor_job_id, started.state, started.progress, started.error) == (
        progress.job_id(DOC_PROCESS, START_200["userId"]),
        VendorState.PENDING,
        0,
        None,
    )
    done = progress.to_update(progress.pick(CHECK_USER_PROGRESS_200, NAME_STOCK, DOC_PROCESS), NAME_STOCK)
    assert (done.state, done.outputs, done.error) == (VendorState.COMPLETED, [f"{DOC_PROCESS}/{DOC_TASK}"], None)
    running = [progress.to_update(item, NAME_STOCK) for item in ALL_PROGRESSES_200]
    assert [(u.vendor_job_id, u.state) for u in running] == [
        (progress.job_id(item["imageRenderProcessId"], item["userId"]), VendorState.PENDING) for item in ALL_PROGRESSES_200
    ]


@pytest.mark.parametrize("pct", [0, 40, 99])
def test_a_failure_message_ends_the_process_at_once_with_the_vendor_message(pct):
    """`isSuccessful: false` with a non-empty `errorMessage` is failed, whatever the progress: not left running
    until progress 100 (which a failed process may never reach)."""
    body = {**START_200, "progress": pct, "isSuccessful": False, "errorMessage": "Content policy violation"}
    update = progress.to_update(body, NAME_STOCK)
    assert (update.state, update.error.code, update.error.message) == (
        VendorState.FAILED,
        "generation_failed",
        "Content policy violation",
    )
    assert update.outputs == []


@pytest.mark.parametrize(
    ("successful", "message"), [(False, ""), (False, "   "), (False, None), (True, "warning only"), ("false", "x")]
)
def test_without_both_failure_fields_a_running_process_goes_on(successful, message):
    update = progress.to_update({**START_200, "progress": 40, "isSuccessful": successful, "errorMessage": message}, NAME_STOCK)
    assert (update.state, update.error) == (VendorState.PROCESSING, None)


def test_a_photoshoot_failing_midway_keeps_the_rendered_tasks_with_the_vendor_message():
    body = progress_body([5, 5, 1, 1, 1, 1], 33, error="Inpainting model unavailable")
    update = progress.to_update(body, NAME_PHOTOSHOOT)
    assert update.state is VendorState.COMPLETED
    assert update.outputs == [f"{PROCESS}/{task}" for task in TASKS[:2]]
    assert update.error is not None and update.error.code == "partial_failure"
    assert update.error.message == "4 of 6 tasks failed to render (Inpainting model unavailable)"


def test_a_failed_stock_process_fails_within_one_poll():
    vendor = Vendor()
    failed = {**CHECK_USER_PROGRESS_200[0], "requestRenderState": 1, "progress": 20, "isSuccessful": False}
    failed = {**failed, "completedTaskCount": 0, "tasks": {DOC_TASK: 1}, "errorMessage": "Render failed: GPU error"}
    vendor.on("GET", STOCK_PROGRESS, httpx.Response(200, json=[failed]))
    update = StockGateway(vendor.client(), ACCOUNT, "tok").status(progress.job_id(DOC_PROCESS, failed["userId"]), JobKind.IMAGE)
    assert len(vendor.api_calls()) == 1
    assert (update.state, update.error.message) == (VendorState.FAILED, "Render failed: GPU error")


def test_a_failure_notification_is_read_as_failed():
    pascal = {key[0].upper() + key[1:]: value for key, value in START_200.items()}
    body = {**pascal, "Progress": 10, "IsSuccessful": False, "ErrorMessage": "Render failed"}
    _, update = build_reader(SECRET, lambda: 0.0).read(json.dumps(body).encode(), {}, {"token": "tok"})
    assert (update.state, update.error.message) == (VendorState.FAILED, "Render failed")


@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("GET", "/api/v1/Image/ProductGeneration/Download", lambda c: c.photoshoot_download(PROCESS, TASKS[0])),
        ("GET", "/api/v1/Image/StockGeneration/Download", lambda c: c.stock_download(PROCESS, TASKS[0])),
        ("POST", STOCK_START, lambda c: c.start_stock(USER, {"userPrompt": "x"}, {})),
        ("POST", "/api/v1/Image/ProductGeneration/AdCreative", lambda c: c.start_photoshoot(USER, {"renderKind": "4"})),
    ],
)
def test_the_documented_no_credits_400_is_insufficient_credits(method, path, call):
    vendor = Vendor()
    vendor.on(method, path, httpx.Response(400, json=CREDITS_400))
    with pytest.raises(errors.VendorError) as raised:
        result = call(vendor.client())
        if hasattr(result, "__enter__"):
            with result:
                pass
    assert type(raised.value) is errors.VendorInsufficientCredits
    assert raised.value.vendor_code == "insufficient_credits"
    assert "API Key Credits for Application does not exist" in raised.value.message
    assert raised.value.trace_id == "00-5593df94b6415482f5d01c65f51de46f-9a0a8bfb206eae96-00"


def test_other_400s_stay_rejections():
    body = {**CREDITS_400, "errors": {"engine: ProductGeneration/Download": ["Image content not found."]}}
    assert read_error(body)[0] == "engine: ProductGeneration/Download"


def test_the_no_credits_error_fails_over_under_auto(two_vendors):
    """The adapter's error for the documented body, raised at submission, moves an `auto` job to the next vendor."""
    vendor = Vendor()
    vendor.on("POST", STOCK_START, httpx.Response(400, json=CREDITS_400))
    with pytest.raises(errors.VendorError) as raised:
        vendor.client().start_stock(USER, {"userPrompt": "x"}, {})
    intake, submitter, gateways, jobs, _ = two_vendors
    job = intake.create("acme", JobRequest(prompt="a red mug"))
    gateways["cheap"].error = raised.value
    assert submitter.submit(job.id)["vendor"] == "pricey"
    assert [(a.vendor, a.outcome) for a in jobs.get(job.id).attempts] == [("cheap", "failed"), ("pricey", "submitted")]


# photoshoot mapping -----------------------------------------------------------------------------
RECOMMENDATION = photoshoot.Recommendation(
    asset_id="ecc767e4-c107-4492-9826-89756e925425",
    product_name="headphones",
    product_description="Wireless over-ear headphones",
    preset_ids=("natural_beige_background", "white_background"),
)
CATALOGUE = photoshoot.read_presets(
    [
        {"id": "white_background", "previewName": "White Background", "categories": [{"name": "monochrome"}]},
        {"id": "light_blue_background", "previewName": "Light Blue Background", "categories": [{"name": "monochrome"}]},
        {"id": "gray_studio", "previewName": "Gray Studio", "categories": [{"name": "studio"}]},
    ]
)


def shoot(**request) -> JobRequest:
    return JobRequest(prompt="on a marble counter", aspect_ratios=["16:9"], image={"url": "https://shop/p.png"}, **request)


def test_our_prompt_is_the_custom_prompt_of_all_six_tasks():
    fields = photoshoot.adcreative_fields(shoot(), RECOMMENDATION, [])
    objects = json.loads(fields["PromptObjectsString"])
    assert objects == [{"tag": "custom", "prompt": "on a marble counter", "nativeLanguagePrompt": None}] * 6
    assert fields == {
        "renderKind": "4",
        "productImageAssetId": RECOMMENDATION.asset_id,
        "PromptObjectsString": fields["PromptObjectsString"],
        "DisableSafeMargin": "true",
        "UseSameStyleReferenceImage": "false",
        "productName": "headphones",
        "productDescription": "Wireless over-ear headphones",
    }


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("white_background", ["white_background"]),
        ("Light Blue Background", ["light_blue_background"]),
        ("MONOCHROME", ["white_background", "light_blue_background"]),
    ],
)
def test_a_preset_is_found_by_id_name_or_category_and_cycled_to_six(preset, expected):
    named = photoshoot.named_preset(shoot(preset=preset))
    assert named is not None
    presets = photoshoot.catalogue_presets(named, CATALOGUE)
    assert presets == expected
    fields = photoshoot.adcreative_fields(shoot(preset=preset), RECOMMENDATION, presets)
    objects = json.loads(fields["PromptObjectsString"])
    assert [o["preset"] for o in objects] == [expected[i % len(expected)] for i in range(6)]
    assert all(o["tag"] == "preset" for o in objects)
    assert fields["UseSameStyleReferenceImage"] == "true"


def test_recommended_uses_the_presets_picked_for_the_photo():
    request = shoot(preset="Recommended")
    assert photoshoot.named_preset(request) is None
    assert photoshoot.recommended_presets(request, RECOMMENDATION) == ["natural_beige_background", "white_background"]
    assert photoshoot.recommended_presets(shoot(), RECOMMENDATION) == []
    with pytest.raises(errors.VendorRejected):
        photoshoot.recommended_presets(request, photoshoot.Recommendation("a", None, None, ()))


def test_an_unknown_preset_is_refused():
    with pytest.raises(errors.VendorRejected) as raised:
        photoshoot.catalogue_presets("neon_disco", CATALOGUE)
    assert raised.value.vendor_code == "unknown_preset" and "white_background" in raised.value.message


@pytest.mark.parametrize(("ratio", "disable"), [("16:9", "true"), ("21:9", "false")])
def test_disable_safe_margin_follows_the_aspect_ratio(ratio, disable):
    request = JobRequest(prompt="on a counter", aspect_ratios=[ratio])
    assert photoshoot.adcreative_fields(request, RECOMMENDATION, [])["DisableSafeMargin"] == disable


def test_photoshoot_declares_the_ratios_collect_crops_its_documented_sizes_to():
    """The doc's outputs are 1200x628 and 1674x628, no AdForge ratio: 16:9 and 21:9 are declared, each rendered at
    its nearest native size and cropped by Collect to the exact ratio (the largest such rectangle inside it)."""
    assert set(photoshoot.NATIVE_SIZES.values()) == {(1200, 628), (1674, 628)}
    assert CAPABILITIES_PHOTOSHOOT.aspect_ratios == set(photoshoot.NEAREST_SIZE) == {"16:9", "21:9"}
    crops = {}
    for ratio in CAPABILITIES_PHOTOSHOOT.aspect_ratios:
        request = JobRequest(prompt="on a counter", aspect_ratios=[ratio], image={"url": "https://shop/p.png"})
        assert CAPABILITIES_PHOTOSHOOT.why_not(request) is None
        width, height = photoshoot.NATIVE_SIZES[photoshoot.NEAREST_SIZE[ratio]]
        left, top, right, bottom = centre_crop(width, height, ratio)
        crops[ratio] = (right - left, bottom - top)
    assert crops == {"16:9": (1104, 621), "21:9": (1463, 627)}
    for ratio in set(get_args(AspectRatio)) - CAPABILITIES_PHOTOSHOOT.aspect_ratios:
        request = JobRequest(prompt="on a counter", aspect_ratios=[ratio], image={"url": "https://shop/p.png"})
        assert CAPABILITIES_PHOTOSHOOT.why_not(request) is not None


def test_the_nearest_native_size_of_each_ratio_is_the_closest_documented_one():
    for ratio, margin in photoshoot.NEAREST_SIZE.items():
        w, h = (int(x) for x in ratio.split(":"))
        closest = min(photoshoot.NATIVE_SIZES, key=lambda m: abs(Fraction(*photoshoot.NATIVE_SIZES[m]) - Fraction(w, h)))
        assert margin == closest


def test_ratios_without_a_photoshoot_size_are_refused():
    with pytest.raises(errors.VendorRejected):
        photoshoot.adcreative_fields(JobRequest(prompt="on a counter", aspect_ratios=["1:1"]), RECOMMENDATION, [])


def test_recommendations_answer_is_read_and_checked():
    body = {
        "productInfo": {"productName": "headphones", "productDescription": "red"},
        "backgroundRemovedImageAssetId": "ecc767e4",
        "recommendedPrompts": ["on glass"],
        "recommendedPresetIds": ["white_background"],
    }
    assert photoshoot.read_recommendation(body) == photoshoot.Recommendation(
        "ecc767e4", "headphones", "red", ("white_background",)
    )
    assert photoshoot.read_recommendation({"backgroundRemovedImageAssetId": "x"}) == photoshoot.Recommendation(
        "x", None, None, ()
    )
    with pytest.raises(errors.VendorProtocolError):
        photoshoot.read_recommendation({"productInfo": {}})


# stock mapping ------------------------------------------------------------------------------------
def stock_request(**request) -> JobRequest:
    return JobRequest(prompt="Darth Vader", **request)


@pytest.mark.parametrize(
    ("ratio", "kind"), [("1:1", "1"), ("9:16", "2"), ("4:5", "8"), ("16:9", "1024"), ("3:4", "2048"), ("4:3", "4096")]
)
def test_render_kind_follows_the_aspect_ratio(ratio, kind):
    request = stock_request(aspect_ratios=[ratio])
    fields, files = stock.stock_form(request, stock.style_for(request))
    assert fields == {"renderKind": kind, "userPrompt": "Darth Vader", "imageStyle": "3"} and files == {}


def test_stock_takes_no_preset():
    """Only Photorealistic's value is documented; free customStyleText is no preset (nothing could be unknown)."""
    request = stock_request(preset="serious looking")
    assert CAPABILITIES_STOCK.why_not(request) == "adcreative_stock has no style presets (describe the style in the prompt)"
    with pytest.raises(errors.VendorRejected) as raised:
        stock.style_for(request)
    assert raised.value.vendor_code == "unknown_preset"


@pytest.mark.parametrize(
    ("style", "code"),
    [
        (stock.StockStyle(stock.ImageStyle.CUSTOM_WITH_TEXT), "custom_style_text_missing"),
        (stock.StockStyle(stock.ImageStyle.CUSTOM_WITH_TEXT, custom_text="   "), "custom_style_text_missing"),
        (stock.StockStyle(stock.ImageStyle.CUSTOM_WITH_TEXT, custom_text="x" * 1001), "custom_style_text_too_long"),
        (stock.StockStyle(stock.ImageStyle.CUSTOM_WITH_IMAGE), "custom_style_image_missing"),
    ],
)
def test_image_style_rules_are_enforced_before_the_vendor_is_called(style, code):
    with pytest.raises(errors.VendorRejected) as raised:
        stock.stock_form(stock_request(), style)
    assert raised.value.vendor_code == code and not raised.value.retryable


def test_custom_with_image_sends_the_style_image_and_nothing_unused():
    image = ("style.jpg", b"\xff\xd8jpeg", "image/jpeg")
    fields, files = stock.stock_form(
        stock_request(), stock.StockStyle(stock.ImageStyle.CUSTOM_WITH_IMAGE, custom_text="x", custom_image=image)
    )
    assert fields["imageStyle"] == "CustomWithImage" and "customStyleText" not in fields
    assert files == {"customStyleImage": image}
    _, photoreal_files = stock.stock_form(stock_request(), stock.StockStyle(custom_image=image))
    assert photoreal_files == {}


def test_lora_params_from_metadata_are_normalised():
    request = stock_request(metadata={"lora_params": f"{LORA}:0.75 , {LORA.upper()}:1"})
    fields, _ = stock.stock_form(request, stock.style_for(request))
    assert fields["loraParams"] == f"{LORA}:0.75,{LORA.upper()}:1"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        f"{LORA}",
        f"{LORA}:",
        f"{LORA}:abc",
        f"{LORA}:0.5;{LORA}:1",
        "not-a-guid:0.5",
        f"{LORA}:0.5,",
        f"{LORA}:1e5",
        f"{LORA}:nan",
    ],
)
def test_malformed_lora_params_are_refused(raw):
    request = stock_request(metadata={"lora_params": raw})
    with pytest.raises(errors.VendorRejected) as raised:
        stock.stock_form(request, stock.style_for(request))
    assert raised.value.vendor_code == "invalid_lora_params"


# gateways over MockTransport -----------------------------------------------------------------------
def channels_vendor(existing: list[dict] | None = None) -> Vendor:
    vendor = Vendor()
    vendor.on("GET", "/api/v1/NotificationChannel", httpx.Response(200, json=existing or []))
    vendor.on("POST", "/api/v1/NotificationChannel", httpx.Response(200, json={"id": "ch1"}))
    vendor.on("PUT", "/api/v1/NotificationChannel/ch0", httpx.Response(200, json={"id": "ch0"}))
    return vendor


def test_photoshoot_submit_uploads_the_photo_then_starts_with_the_asset_id():
    vendor = channels_vendor()
    vendor.on(
        "POST",
        "/api/v1/Image/ProductGeneration/Recommendations",
        httpx.Response(200, json={"backgroundRemovedImageAssetId": "asset-1"}),
    )
    vendor.on("POST", "/api/v1/Image/ProductGeneration/AdCreative", httpx.Response(200, json=progress_body([1] * 6, 0)))
    fetcher = FakeFetcher()
    gateway = PhotoshootGateway(vendor.client(NAME_PHOTOSHOOT), ACCOUNT, fetcher, "tok")
    submission = VendorSubmission(request=shoot(), product_image_url="https://s3/p.png", callback_url=CALLBACK)
    assert gateway.submit(submission) == JOB
    assert fetcher.opened == ["https://s3/p.png"]
    calls = vendor.api_calls()
    assert [(c.method, c.url.path.rsplit("/", 1)[-1]) for c in calls] == [
        ("GET", "NotificationChannel"),
        ("POST", "NotificationChannel"),
        ("POST", "Recommendations"),
        ("POST", "AdCreative"),
    ]
    upload = form(calls[2])
    assert (upload["productImage"], upload["applicationId"], upload["userId"]) == ("https://s3/p.png", APP, USER)
    assert b'filename="product.png"' in calls[2].content
    start = form(calls[3])
    assert (start["applicationId"], start["userId"], start["productImageAssetId"]) == (APP, USER, "asset-1")
    assert len(json.loads(start["PromptObjectsString"])) == 6


def test_photoshoot_refuses_an_unknown_preset_before_uploading_anything():
    vendor = channels_vendor()
    vendor.on("GET", "/api/v1/Image/ProductGeneration/PresetKeys", httpx.Response(200, json=[{"id": "white_background"}]))
    fetcher = FakeFetcher()
    gateway = PhotoshootGateway(vendor.client(NAME_PHOTOSHOOT), ACCOUNT, fetcher, "tok")
    with pytest.raises(errors.VendorRejected):
        gateway.submit(VendorSubmission(request=shoot(preset="neon"), product_image_url="https://s3/p.png"))
    assert fetcher.opened == [] and vendor.api_calls()[-1].url.path.endswith("/PresetKeys")


def test_photoshoot_without_a_product_image_is_refused():
    gateway = PhotoshootGateway(Vendor().client(NAME_PHOTOSHOOT), ACCOUNT, FakeFetcher(), "tok")
    with pytest.raises(errors.VendorRejected):
        gateway.submit(VendorSubmission(request=shoot()))


def test_the_channel_is_set_up_once_per_gateway_without_the_job_id():
    vendor = channels_vendor()
    vendor.on("POST", STOCK_START, httpx.Response(200, json=progress_body([1], 0)))
    gateway = StockGateway(vendor.client(), ACCOUNT, "tok")
    for job in ("job_1", "job_2"):
        gateway.submit(VendorSubmission(request=stock_request(), callback_url=CALLBACK.replace("job_1", job)))
    channel_calls = [c for c in vendor.api_calls() if "NotificationChannel" in c.url.path]
    assert [c.method for c in channel_calls] == ["GET", "POST"]
    assert json.loads(channel_calls[1].content) == {
        "applicationId": APP,
        "notificationChannelType": "WebHook",
        "url": "https://api.adforge.test/v1/webhooks/adcreative_stock?token=tok",
        "includeImageData": False,
        "isActive": True,
    }


@pytest.mark.parametrize(
    ("existing", "calls"),
    [
        ([{"id": "ch0", "url": "https://api.adforge.test/v1/webhooks/adcreative_stock?token=tok", "isActive": True}], ["GET"]),
        (
            [{"id": "ch0", "url": "https://api.adforge.test/v1/webhooks/adcreative_stock?token=old", "isActive": True}],
            ["GET", "PUT"],
        ),
        (
            [{"id": "ch0", "url": "https://api.adforge.test/v1/webhooks/adcreative_stock?token=tok", "isActive": False}],
            ["GET", "PUT"],
        ),
        ([{"id": "ch9", "url": "https://elsewhere.test/hook", "isActive": True}], ["GET", "POST"]),
    ],
)
def test_an_existing_channel_is_kept_or_updated(existing, calls):
    vendor = channels_vendor(existing)
    vendor.on("POST", STOCK_START, httpx.Response(200, json=progress_body([1], 0)))
    StockGateway(vendor.client(), ACCOUNT, "tok").submit(VendorSubmission(request=stock_request(), callback_url=CALLBACK))
    assert [c.method for c in vendor.api_calls() if "NotificationChannel" in c.url.path] == calls


def test_an_unreadable_channel_list_is_logged_and_does_not_block_the_job(caplog):
    vendor = channels_vendor()
    vendor.on("GET", "/api/v1/NotificationChannel", httpx.Response(200, json={"channels": []}))
    vendor.on("POST", STOCK_START, httpx.Response(200, json=progress_body([1], 0)))
    assert (
        StockGateway(vendor.client(), ACCOUNT, "tok").submit(VendorSubmission(request=stock_request(), callback_url=CALLBACK))
        == JOB
    )
    assert [c.method for c in vendor.api_calls()] == ["GET", "POST"] and vendor.api_calls()[1].url.path == STOCK_START
    assert "webhook channel not set up" in caplog.text


@pytest.mark.parametrize(
    ("failing", "answer"),
    [
        (("GET", "/api/v1/NotificationChannel"), httpx.Response(503, json=problem(503, {"business:": ["down"]}))),
        (("GET", "/api/v1/NotificationChannel"), httpx.Response(429, json=problem(429, {"business:": ["slow"]}))),
        (("POST", "/api/v1/NotificationChannel"), httpx.Response(500, json={"title": "Internal error"})),
        (("POST", "/api/v1/NotificationChannel"), httpx.Response(400, json=problem(400, {"url": ["not valid"]}))),
        (("POST", "/api/v1/NotificationChannel"), httpx.Response(403, json=problem(403, {"business:": ["no"]}))),
    ],
)
@pytest.mark.parametrize("shoot_not_stock", [False, True])
def test_a_failed_channel_set_up_is_logged_and_the_job_still_starts(failing, answer, shoot_not_stock, caplog):
    """Webhooks are optional: the start call is made (the job is then polled), and the set-up is tried again on
    the next submission since nothing was set up."""
    vendor = channels_vendor()
    vendor.on(*failing, answer)
    if shoot_not_stock:
        vendor.on(
            "POST",
            "/api/v1/Image/ProductGeneration/Recommendations",
            httpx.Response(200, json={"backgroundRemovedImageAssetId": "a"}),
        )
        vendor.on("POST", "/api/v1/Image/ProductGeneration/AdCreative", httpx.Response(200, json=progress_body([1] * 6, 0)))
        gateway: PhotoshootGateway | StockGateway = PhotoshootGateway(
            vendor.client(NAME_PHOTOSHOOT), ACCOUNT, FakeFetcher(), "tok"
        )
        submission = VendorSubmission(request=shoot(), product_image_url="https://s3/p.png", callback_url=CALLBACK)
    else:
        vendor.on("POST", STOCK_START, httpx.Response(200, json=progress_body([1], 0)))
        gateway = StockGateway(vendor.client(), ACCOUNT, "tok")
        submission = VendorSubmission(request=stock_request(), callback_url=CALLBACK)
    assert gateway.submit(submission) == JOB
    assert vendor.api_calls()[-1].url.path.endswith("/AdCreative")
    assert "webhook channel not set up, the job is polled instead" in caplog.text
    before = len([c for c in vendor.api_calls() if c.url.path == "/api/v1/NotificationChannel" and c.method == "GET"])
    assert gateway.submit(submission) == JOB
    after = len([c for c in vendor.api_calls() if c.url.path == "/api/v1/NotificationChannel" and c.method == "GET"])
    assert after == before + 1  # not remembered as set up


def test_a_channel_update_that_fails_does_not_fail_the_job(caplog):
    existing = [{"id": "ch0", "url": "https://api.adforge.test/v1/webhooks/adcreative_stock?token=old", "isActive": True}]
    vendor = channels_vendor(existing)
    vendor.on("PUT", "/api/v1/NotificationChannel/ch0", httpx.Response(404, json=problem(404, {"business:": ["gone"]})))
    vendor.on("POST", STOCK_START, httpx.Response(200, json=progress_body([1], 0)))
    gateway = StockGateway(vendor.client(), ACCOUNT, "tok")
    assert gateway.submit(VendorSubmission(request=stock_request(), callback_url=CALLBACK)) == JOB
    assert [c.method for c in vendor.api_calls()] == ["GET", "PUT", "POST"]
    assert "webhook channel not set up" in caplog.text


def test_channel_url_keeps_other_parameters_and_replaces_job_and_token():
    url = channels.channel_url("https://h.test/v1/webhooks/v?job=j1&token=old&x=1", "new")
    assert url == "https://h.test/v1/webhooks/v?x=1&token=new"
    with pytest.raises(ValueError):
        channels.webhook_token({**SECRET, "webhook_token": ""})


def test_stock_submit_and_status_use_the_process_id():
    vendor = channels_vendor()
    vendor.on("POST", STOCK_START, httpx.Response(200, json=progress_body([1], 0)))
    vendor.on("GET", STOCK_PROGRESS, httpx.Response(200, json=[progress_body([5], 100, request_state=5)]))
    gateway = StockGateway(vendor.client(), ACCOUNT, "tok")
    assert gateway.submit(VendorSubmission(request=stock_request())) == JOB
    start = form(vendor.api_calls()[0])
    assert (start["userPrompt"], start["imageStyle"], start["userId"]) == ("Darth Vader", "3", USER)
    assert "customStyleText" not in start
    update = gateway.status(JOB, JobKind.IMAGE)
    assert update.state is VendorState.COMPLETED and update.outputs == [f"{PROCESS}/{TASKS[0]}"]


SINCE = datetime(2026, 1, 1, tzinfo=UTC)


def job_submission(job_id: str = "job_1") -> VendorSubmission:
    return VendorSubmission(request=stock_request(), callback_url=CALLBACK.replace("job_1", job_id), reference=job_id)


def test_each_job_starts_as_its_own_user_and_is_polled_as_it():
    """The userId is the job's client reference: a GUID of our job id, different per job, stable for one job."""
    vendor = Vendor()
    vendor.on("POST", STOCK_START, lambda request: httpx.Response(200, json={**START_200, "userId": form(request)["userId"]}))
    vendor.on("GET", CHANNELS_PATH, httpx.Response(200, json=[]))
    vendor.on("POST", CHANNELS_PATH, httpx.Response(200, json={}))
    gateway = StockGateway(vendor.client(), ACCOUNT, "tok")
    first, again, other = (gateway.submit(job_submission(job)) for job in ("job_1", "job_1", "job_2"))
    users = [form(call)["userId"] for call in vendor.api_calls() if call.url.path == STOCK_START]
    assert users[0] == users[1] != users[2] and USER not in users
    assert first == progress.job_id(START_200["imageRenderProcessId"], users[0]) == again != other
    vendor.on("GET", STOCK_PROGRESS, httpx.Response(200, json=[{**CHECK_USER_PROGRESS_200[0], "userId": users[0]}]))
    update = gateway.status(first, JobKind.IMAGE)
    assert dict(vendor.api_calls()[-1].url.params)["userId"] == users[0] and update.vendor_job_id == first


@pytest.mark.parametrize("gateway_of", ["stock", "photoshoot"])
def test_reconcile_adopts_the_one_process_of_the_jobs_user(gateway_of):
    vendor = Vendor()
    path = STOCK_PROGRESS if gateway_of == "stock" else "/api/v1/Image/ProductGeneration/CheckUserProgress"
    user = ACCOUNT.user_for("job_1")
    vendor.on("GET", path, httpx.Response(200, json=[{**CHECK_USER_PROGRESS_200[0], "userId": user}]))
    gateway = (
        StockGateway(vendor.client(), ACCOUNT, "tok")
        if gateway_of == "stock"
        else PhotoshootGateway(vendor.client(NAME_PHOTOSHOOT), ACCOUNT, FakeFetcher(), "tok")
    )
    found = gateway.reconcile(job_submission(), SINCE, lambda vendor_job_id: False)
    assert found == progress.job_id(CHECK_USER_PROGRESS_200[0]["imageRenderProcessId"], user)
    assert dict(vendor.api_calls()[0].url.params) == {"userId": user}  # every process of the job's user, no process id


def test_reconcile_reads_the_documented_404_as_none_and_two_processes_as_unknown():
    vendor = Vendor()
    gateway = StockGateway(vendor.client(), ACCOUNT, "tok")
    missing = problem(404, {"engine: CheckProgress": ["No running or incomplete Stock Image Generation process"]})
    vendor.on("GET", STOCK_PROGRESS, httpx.Response(404, json=missing))
    assert gateway.reconcile(job_submission(), SINCE, lambda vendor_job_id: False) is None
    user = ACCOUNT.user_for("job_1")
    two = [{**item, "userId": user} for item in ALL_PROGRESSES_200]
    vendor.on("GET", STOCK_PROGRESS, httpx.Response(200, json=two))
    with pytest.raises(errors.VendorOutcomeUnknown, match="2 processes"):
        gateway.reconcile(job_submission(), SINCE, lambda vendor_job_id: False)
    claimed = progress.job_id(two[0]["imageRenderProcessId"], user)
    assert gateway.reconcile(job_submission(), SINCE, lambda vendor_job_id: vendor_job_id == claimed) == progress.job_id(
        two[1]["imageRenderProcessId"], user
    )


def test_reconcile_without_our_job_id_cannot_tell():
    gateway = StockGateway(Vendor().client(), ACCOUNT, "tok")
    with pytest.raises(errors.VendorOutcomeUnknown):
        gateway.reconcile(VendorSubmission(request=stock_request()), SINCE, lambda vendor_job_id: False)


def test_open_output_streams_the_authenticated_download():
    vendor = Vendor()
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100_000
    vendor.on(
        "GET", "/api/v1/Image/ProductGeneration/Download", httpx.Response(200, content=png, headers={"content-type": "image/png"})
    )
    gateway = PhotoshootGateway(vendor.client(NAME_PHOTOSHOOT), ACCOUNT, FakeFetcher(), "tok")
    with gateway.open_output(f"{PROCESS}/{TASKS[0]}") as download:
        assert (download.content_type, download.declared_length) == ("image/png", len(png))
        assert b"".join(download.chunks()) == png
    call = vendor.api_calls()[0]
    assert call.headers["authorization"] == "Bearer jwt-1"
    assert dict(call.url.params) == {
        "applicationId": APP,
        "taskId": TASKS[0],
        "imageProductGeneratorProcessId": PROCESS,
        "format": "0",
        "lowResolution": "false",
    }


def test_download_format_and_resolution_are_passed():
    vendor = Vendor()
    vendor.on("GET", "/api/v1/Image/ProductGeneration/Download", httpx.Response(200, content=b"\xff\xd8"))
    with vendor.client(NAME_PHOTOSHOOT).photoshoot_download(PROCESS, TASKS[1], image_format=1, low_resolution=True) as download:
        assert b"".join(download.chunks()) == b"\xff\xd8"
    assert (vendor.api_calls()[0].url.params["format"], vendor.api_calls()[0].url.params["lowResolution"]) == ("1", "true")


def test_a_failed_download_is_a_typed_error_with_its_trace():
    vendor = Vendor()
    body = problem(404, {"engine: StockGeneration/Download": ["Image content not found."]})
    vendor.on("GET", "/api/v1/Image/StockGeneration/Download", httpx.Response(404, json=body))
    gateway = StockGateway(vendor.client(), ACCOUNT, "tok")
    with pytest.raises(errors.VendorNotFound) as raised, gateway.open_output(f"{PROCESS}/{TASKS[0]}"):
        pass
    assert raised.value.trace_id == TRACE and "Image content not found." in raised.value.message
    assert dict(vendor.api_calls()[0].url.params)["imageStockGeneratorProcessId"] == PROCESS


@pytest.mark.parametrize("missing", sorted(SECRET))
def test_builders_fail_fast_on_a_missing_credential(missing):
    partial = {key: value for key, value in SECRET.items() if key != missing}
    for build in (build_photoshoot, build_stock):
        with pytest.raises(KeyError):
            build("https://api.adcreative.ai", partial, FakeFetcher(), 5)
    assert build_photoshoot("https://api.adcreative.ai", SECRET, FakeFetcher(), 5).name == NAME_PHOTOSHOOT
    assert build_stock("https://api.adcreative.ai", SECRET, FakeFetcher(), 5).name == NAME_STOCK


def test_a_network_failure_is_unavailable():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    http = httpx.Client(base_url="https://api.adcreative.test", transport=httpx.MockTransport(handler))
    gateway = PhotoshootGateway(AdCreativeClient(http, ACCOUNT, NAME_PHOTOSHOOT), ACCOUNT, FakeFetcher(), "tok")
    with pytest.raises(errors.VendorUnavailable):
        gateway.status(JOB, JobKind.IMAGE)


# webhooks ---------------------------------------------------------------------------------------------
def message(body: dict) -> bytes:
    return json.dumps(body).encode()


def test_a_progress_delivery_with_our_token_reads_like_a_status_answer():
    body = message(progress_body([5] * 6, 100, request_state=5, pascal=True))
    delivery_id, update = build_reader(SECRET, lambda: 0.0).read(body, {}, {"token": "tok", "job": "job_1"})
    assert update.vendor_job_id == JOB and update.state is VendorState.COMPLETED and len(update.outputs) == 6
    assert delivery_id == f"{JOB}:ImageStockGenerationProgress:100"


def test_a_task_completed_delivery_is_progress_only():
    body = message(
        {"MessageType": "ImageGenerationTaskCompleted", "UserId": USER, "ImageRenderProcessId": PROCESS, "TaskId": TASKS[0]}
    )
    delivery_id, update = build_reader(SECRET, lambda: 0.0).read(body, {}, {"token": "tok"})
    assert (update.vendor_job_id, update.state, update.outputs) == (JOB, VendorState.PROCESSING, [])
    assert delivery_id == f"{JOB}:ImageGenerationTaskCompleted:{TASKS[0]}"


@pytest.mark.parametrize("query", [{}, {"token": ""}, {"token": "TOK"}, {"token": "tok2"}, {"job": "tok"}])
def test_deliveries_without_our_token_are_refused_before_parsing(query):
    with pytest.raises(SignatureInvalid):
        build_reader(SECRET, lambda: 0.0).read(b"not json at all", {}, query)


def test_an_unknown_message_type_is_unreadable():
    body = message({"MessageType": "ImageUpscalingStarted", "ImageRenderProcessId": PROCESS})
    with pytest.raises(errors.VendorProtocolError):
        build_reader(SECRET, lambda: 0.0).read(body, {}, {"token": "tok"})


def test_a_reader_needs_a_token():
    with pytest.raises(ValueError):
        build_reader({**SECRET, "webhook_token": ""}, lambda: 0.0)
