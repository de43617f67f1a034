"""Per-key sliding-window rate limits and the billing ledger (`GET /_sandbox/ledger`), on every sandbox, over real HTTP.

Every sandbox runs on one `ManualClock`: a window only moves when a case advances it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from adforge_local.sandboxes.adcreative import AdCreativeSandbox
from adforge_local.sandboxes.adcreator import AdCreatorSandbox
from adforge_local.sandboxes.adsumo import AdsumoSandbox
from adforge_local.sandboxes.base import Sandbox
from adforge_local.sandboxes.clock import ManualClock
from adforge_local.sandboxes.creativeai import CreativeAISandbox
from adforge_local.sandboxes.png import png

START = 1_750_000_000.0
AC_KEY, AC_SECRET, AC_USER = "ac-key", "ac-secret", "2581c740-8e9d-4d63-96bc-5665bb9a646b"
AC_APPS = ("4f7d8a9c-b5e6-4d3e-b7a9-d5c3e1b7a4f6", "9a1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f")
ST = "/api/v1/Image/StockGeneration"


def digest(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()


@dataclass(frozen=True)
class Vendor:
    """How to make one sandbox's creation request and poll as one of two identities, and recognise its 429."""

    name: str
    build: Callable[[ManualClock], Sandbox]
    identities: tuple[str, str]  # what the sandbox limits and bills by: Bearer keys, or AdCreative applicationIds
    create_path: str
    create: Callable[[httpx.Client, str, str], httpx.Response]  # (client, identity, prompt)
    job_id: Callable[[dict[str, Any]], str]
    poll: Callable[[httpx.Client, str], httpx.Response]  # a call that is not a creation
    is_429_body: Callable[[httpx.Response], bool]  # the vendor's documented (or sandbox-assumed) 429 shape

    def login(self, client: httpx.Client, identity: str) -> None:
        if self.name != "adcreative":
            client.headers["Authorization"] = f"Bearer {identity}"
            return
        client.headers.update({"x-api-key": AC_KEY, "x-api-secret": AC_SECRET})
        client.headers.pop("Authorization", None)
        reply = client.post("/api/v1/Authorization/GenerateJwtToken", json={"applicationId": identity})
        assert reply.status_code == 200, reply.text
        client.headers["Authorization"] = f"Bearer {reply.json()['accessToken']}"


def _stock(client: httpx.Client, application: str, prompt: str) -> httpx.Response:
    fields = {"applicationId": application, "userId": AC_USER, "renderKind": "1", "userPrompt": prompt}
    return client.post(f"{ST}/AdCreative", files={name: (None, value) for name, value in fields.items()})


def _error_text(reply: httpx.Response) -> bool:
    return isinstance(reply.json().get("error"), str)


VENDORS = [
    Vendor(
        "creativeai",
        lambda clock: CreativeAISandbox(api_key="ca-a", extra_keys=["ca-b"], clock=clock),
        ("ca-a", "ca-b"),
        "/api/v1/model/generateImage",
        lambda client, _, prompt: client.post("/api/v1/model/generateImage", json={"prompt": prompt}),
        lambda body: str(body["id"]),
        lambda client, job: client.get(f"/api/v1/model/prediction/{job}"),
        lambda reply: reply.json()["error"]["code"] == "rate_limit_exceeded",
    ),
    Vendor(
        "adcreator",
        lambda clock: AdCreatorSandbox(api_key="acr-a", extra_keys=["acr-b"], clock=clock),
        ("acr-a", "acr-b"),
        "/api/platform/generate",
        lambda client, _, prompt: client.post("/api/platform/generate", json={"prompt": prompt, "modelId": "flux-schnell"}),
        lambda body: str(body["id"]),
        lambda client, job: client.get(f"/api/platform/generations/{job}"),
        _error_text,
    ),
    Vendor(
        "adsumo",
        lambda clock: AdsumoSandbox(api_key="as-a", extra_keys=["as-b"], clock=clock),
        ("as-a", "as-b"),
        "/api/v1/images/text-to-image",
        lambda client, _, prompt: client.post(
            "/api/v1/images/text-to-image", json={"prompt": prompt, "model": "fast", "aspect_ratio": "1:1"}
        ),
        lambda body: str(body["generation_id"]),
        lambda client, job: client.get(f"/api/v1/generations/{job}"),
        _error_text,
    ),
    Vendor(
        "adcreative",
        lambda clock: AdCreativeSandbox(api_key=AC_KEY, api_secret=AC_SECRET, clock=clock),
        AC_APPS,
        f"{ST}/AdCreative",
        _stock,
        lambda body: str(body["imageRenderProcessId"]),
        lambda client, job: client.get(
            f"{ST}/CheckUserProgress", params={"userId": AC_USER, "imageStockGeneratorProcessId": job}
        ),
        lambda reply: reply.headers["content-type"].startswith("application/problem+json") and reply.json()["status"] == 429,
    ),
]


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(start=START)


@pytest.fixture(scope="module", params=VENDORS, ids=[vendor.name for vendor in VENDORS])
def served(request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[tuple[Vendor, Sandbox, list[httpx.Client]]]:
    vendor: Vendor = request.param
    box = vendor.build(clock).start()
    clients = [httpx.Client(base_url=box.url, timeout=10) for _ in vendor.identities]
    yield vendor, box, clients
    for client in clients:
        client.close()
    box.stop()


@dataclass
class Case:
    vendor: Vendor
    box: Sandbox
    clients: list[httpx.Client]  # one per identity, logged in
    clock: ManualClock
    t0: float = field(init=False)  # when the case started

    def __post_init__(self) -> None:
        self.t0 = self.clock.now()

    def create(self, who: int = 0, prompt: str = "a red mug on a desk") -> httpx.Response:
        return self.vendor.create(self.clients[who], self.vendor.identities[who], prompt)

    def created(self, who: int = 0, prompt: str = "a red mug on a desk") -> str:
        reply = self.create(who, prompt)
        assert reply.status_code in (200, 202), reply.text
        return self.vendor.job_id(reply.json())

    def refused(self, who: int = 0) -> int:
        """Makes a creation request that must be rate-limited; returns its Retry-After."""
        reply = self.create(who)
        assert reply.status_code == 429, reply.text
        assert self.vendor.is_429_body(reply)
        return int(reply.headers["Retry-After"])

    def at(self, seconds: float) -> None:
        """Move the clock to `seconds` after the case started."""
        self.clock.advance(self.t0 + seconds - self.clock.now())

    def ledger(self) -> dict[str, Any]:
        reply = httpx.get(f"{self.box.url}/_sandbox/ledger")
        assert reply.status_code == 200
        return dict(reply.json())

    def faults(self, **changes: Any) -> httpx.Response:
        return httpx.post(f"{self.box.url}/_sandbox/faults", json=changes)


@pytest.fixture
def case(served: tuple[Vendor, Sandbox, list[httpx.Client]], clock: ManualClock) -> Case:
    vendor, box, clients = served
    box.reset()
    box.set_faults(processing_seconds=1.0)
    for client, identity in zip(clients, vendor.identities, strict=True):
        vendor.login(client, identity)
    return Case(vendor, box, clients, clock)


# the sliding window (every sandbox) ------------------------------------------------------------
def test_window_admits_the_limit_then_429_until_the_oldest_request_leaves(case: Case) -> None:
    assert case.faults(rate_limit_per_minute=3).status_code == 200
    for seconds in (0, 10, 20):
        case.at(seconds)
        case.created()
    case.at(30)
    assert case.refused() == 30  # the request made at 0 leaves at 60
    case.at(59.5)
    assert case.refused() == 1  # ceil(0.5)
    case.at(60)
    case.created()  # admitted: the two refused requests were not counted
    assert case.refused() == 10  # now the request made at 10 is the oldest


def test_only_creation_requests_count(case: Case) -> None:
    case.faults(rate_limit_per_minute=1)
    job = case.created()
    for _ in range(5):
        assert case.vendor.poll(case.clients[0], job).status_code == 200
    assert case.refused() == 60


def test_each_identity_has_its_own_window(case: Case) -> None:
    case.faults(rate_limit_per_minute=2)
    mine = [case.created(0), case.created(0)]
    case.refused(0)
    case.at(5)
    theirs = [case.created(1), case.created(1)]
    assert case.refused(1) == 60  # B's oldest request is 0 s old
    assert case.refused(0) == 55  # A's is 5 s old
    keys = {entry["id"]: entry["key"] for entry in case.ledger()["generations"]}
    a, b = case.vendor.identities
    assert keys == {**dict.fromkeys(mine, digest(a)), **dict.fromkeys(theirs, digest(b))}


def test_limit_is_off_by_default_and_switching_it_starts_an_empty_window(case: Case) -> None:
    for _ in range(4):
        case.created()
    case.faults(rate_limit_per_minute=2)
    case.created(), case.created()  # what was sent while the limit was off is not counted
    case.refused()
    case.faults(latency_ms=0)  # another fault leaves the window as it is
    case.refused()
    case.faults(rate_limit_per_minute=3)  # a new limit starts a new window
    case.created()
    assert case.faults(rate_limit_per_minute=None).json()["rate_limit_per_minute"] is None
    case.created()


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "10"])
def test_limit_must_be_a_positive_integer(case: Case, value: Any) -> None:
    assert case.faults(rate_limit_per_minute=value).status_code == 400
    assert case.box.faults.rate_limit_per_minute is None


def test_unauthenticated_creations_are_not_counted(case: Case) -> None:
    case.faults(rate_limit_per_minute=1)
    anonymous = httpx.post(f"{case.box.url}{case.vendor.create_path}", json={"prompt": "x"})
    assert anonymous.status_code == 401
    case.created()
    assert case.ledger()["creations"]["received"] == 1


# the ledger (every sandbox) -------------------------------------------------------------------
def test_ledger_has_each_accepted_generation_and_counts_every_creation(case: Case) -> None:
    first = case.created(0, "first prompt")
    case.at(2.5)
    second = case.created(1, "second prompt")
    case.faults(error_status=503, error_count=1)
    assert case.create(0).status_code == 503  # not carried out: not billed
    case.faults(rate_limit=True, rate_limit_count=1)
    assert case.refused(0) >= 1  # the old 429 fault counts as a rejection too
    ledger = case.ledger()
    a, b = case.vendor.identities
    assert ledger["generations"] == [
        {
            "id": first,
            "key": digest(a),
            "created_at": case.t0,
            "prompt": "first prompt",
            "endpoint": case.vendor.create_path,
            "deleted": False,
            "cancelled": False,
        },
        {
            "id": second,
            "key": digest(b),
            "created_at": case.t0 + 2.5,
            "prompt": "second prompt",
            "endpoint": case.vendor.create_path,
            "deleted": False,
            "cancelled": False,
        },
    ]
    assert ledger["creations"] == {"received": 4, "rejected_429": 1, "peak_per_minute": 4}
    assert a not in json.dumps(ledger) and b not in json.dumps(ledger)


def test_late_answered_creation_is_in_the_ledger_before_its_answer(case: Case) -> None:
    case.faults(answer_late_seconds=8, answer_late_count=1)
    replies: list[httpx.Response] = []
    call = threading.Thread(target=lambda: replies.append(case.create()), daemon=True)
    call.start()
    assert case.clock.wait_for_sleepers(1), "the late answer never started waiting"
    billed = [entry["id"] for entry in case.ledger()["generations"]]
    assert len(billed) == 1 and replies == []  # accepted and billed, not answered yet
    case.clock.advance(8)
    call.join(10)
    assert replies[0].status_code in (200, 202)
    assert case.vendor.job_id(replies[0].json()) == billed[0]


def test_peak_is_the_most_creations_received_in_any_60_seconds(case: Case) -> None:
    case.faults(rate_limit_per_minute=2)
    for seconds, who in ((0, 0), (10, 0), (20, 1), (60, 1)):  # at 60 the first request has left: 3, not 4
        case.at(seconds)
        case.create(who)
    assert case.ledger()["creations"]["peak_per_minute"] == 3
    case.at(200)
    for _ in range(5):  # 2 accepted, 3 refused: the peak counts what the client sent
        case.create(0)
    creations = case.ledger()["creations"]
    assert creations == {"received": 9, "rejected_429": 3, "peak_per_minute": 5}


def test_reset_clears_the_ledger_and_the_windows(case: Case) -> None:
    case.faults(rate_limit_per_minute=1)
    case.created()
    case.refused()
    assert httpx.post(f"{case.box.url}/_sandbox/reset").status_code == 200
    assert case.ledger() == {
        "generations": [],
        "creations": {"received": 0, "rejected_429": 0, "peak_per_minute": 0},
        "timeline": {},
    }
    case.faults(rate_limit_per_minute=1)
    case.created()


# CreativeAI's documented limits ---------------------------------------------------------------
@pytest.fixture(scope="module")
def creativeai_server(clock: ManualClock) -> Iterator[CreativeAISandbox]:
    tiers = {"ca-free": "free", "ca-ent": "enterprise"}
    box = CreativeAISandbox(api_key="ca-free", extra_keys=["ca-pro", "ca-ent"], tiers=tiers, clock=clock).start()
    yield box
    box.stop()


@pytest.fixture
def creativeai(creativeai_server: CreativeAISandbox) -> Iterator[dict[str, httpx.Client]]:
    creativeai_server.reset()
    clients = {
        key: httpx.Client(base_url=creativeai_server.url, headers={"Authorization": f"Bearer ca-{key}"}, timeout=10)
        for key in ("free", "pro", "ent")
    }
    yield clients
    for client in clients.values():
        client.close()


def limits(reply: httpx.Response) -> tuple[int, int, int]:
    """X-RateLimit-Limit, -Remaining and -Reset."""
    limit, remaining, reset = (int(reply.headers[f"X-RateLimit-{name}"]) for name in ("Limit", "Remaining", "Reset"))
    return limit, remaining, reset


def video(client: httpx.Client) -> httpx.Response:
    return client.post("/v1/video/generations", json={"prompt": "a drone shot over a city", "duration": 5})


def test_tiers_limit_all_calls_per_key_with_headers(
    creativeai_server: CreativeAISandbox, creativeai: dict[str, httpx.Client], clock: ManualClock
) -> None:
    creativeai_server.set_faults(documented_rate_limits=True)
    t0 = clock.now()
    free, pro = creativeai["free"], creativeai["pro"]
    job = free.post("/api/v1/model/generateImage", json={"prompt": "a mug"})
    assert limits(job) == (10, 9, math.ceil(t0 + 60))
    clock.advance(0.5)
    for remaining in range(8, -1, -1):
        reply = free.get(f"/api/v1/model/prediction/{job.json()['id']}")
        assert reply.status_code == 200 and limits(reply) == (10, remaining, math.ceil(t0 + 60))
    refused = free.get(f"/api/v1/model/prediction/{job.json()['id']}")
    assert (refused.status_code, refused.json()["error"]["code"]) == (429, "rate_limit_exceeded")
    assert refused.headers["Retry-After"] == "60" and limits(refused)[1] == 0  # ceil(59.5)
    for _ in range(100):
        assert pro.get(f"/api/v1/model/prediction/{job.json()['id']}").status_code == 200
    assert pro.get(f"/api/v1/model/prediction/{job.json()['id']}").status_code == 429
    assert limits(creativeai["ent"].get(f"/api/v1/model/prediction/{job.json()['id']}"))[:2] == (1000, 999)
    clock.advance(60)
    assert free.get(f"/api/v1/model/prediction/{job.json()['id']}").status_code == 200


def test_video_creation_and_status_have_their_own_windows(
    creativeai_server: CreativeAISandbox, creativeai: dict[str, httpx.Client], clock: ManualClock
) -> None:
    creativeai_server.set_faults(documented_rate_limits=True)
    pro = creativeai["pro"]
    made = [video(pro) for _ in range(5)]
    assert [reply.status_code for reply in made] == [202] * 5
    assert [limits(reply)[:2] for reply in made] == [(5, 4), (5, 3), (5, 2), (5, 1), (5, 0)]
    clock.advance(12)
    refused = video(pro)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "48")
    image = pro.post("/api/v1/model/generateImage", json={"prompt": "a mug"})
    assert image.status_code == 202 and limits(image)[:2] == (100, 99)  # videos do not count in the tier window
    job = made[0].json()["id"]
    polls = [pro.get(f"/v1/video/generations/{job}") for _ in range(121)]
    assert [reply.status_code for reply in polls] == [200] * 120 + [429]  # over the pro tier's 100
    assert limits(polls[0])[:2] == (120, 119)
    assert creativeai_server.ledger.public()["creations"] == {"received": 7, "rejected_429": 1, "peak_per_minute": 7}


def test_headers_only_while_a_limit_is_on_and_report_the_creation_window(
    creativeai_server: CreativeAISandbox, creativeai: dict[str, httpx.Client], clock: ManualClock
) -> None:
    pro = creativeai["pro"]
    job = pro.post("/api/v1/model/generateImage", json={"prompt": "a mug"})
    assert "X-RateLimit-Limit" not in job.headers and "X-RateLimit-Limit" not in pro.get("/v1/video/generations/x").headers
    creativeai_server.set_faults(rate_limit_per_minute=3)
    t0 = clock.now()
    made = pro.post("/api/v1/model/generateImage", json={"prompt": "a mug"})
    assert limits(made) == (3, 2, math.ceil(t0 + 60))
    clock.advance(1.5)
    poll = pro.get(f"/api/v1/model/prediction/{job.json()['id']}")
    assert limits(poll) == (3, 2, math.ceil(t0 + 60))  # a poll reports the creation window and does not use it
    other = creativeai["free"].get(f"/api/v1/model/prediction/{job.json()['id']}")
    assert limits(other) == (3, 3, math.ceil(t0 + 1.5))  # an empty window: Reset is now


def test_other_vendors_send_no_rate_limit_headers(case: Case) -> None:
    case.faults(rate_limit_per_minute=2, documented_rate_limits=True)
    reply = case.create()
    assert reply.status_code in (200, 202)
    assert ("X-RateLimit-Limit" in reply.headers) == (case.vendor.name == "creativeai")


def test_webhooks_are_signed_with_the_signing_secret_whatever_key_made_the_job(
    creativeai_server: CreativeAISandbox, creativeai: dict[str, httpx.Client], clock: ManualClock
) -> None:
    received: list[tuple[bytes, str]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append((self.rfile.read(int(self.headers["Content-Length"])), self.headers["X-CreativeAI-Signature"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
        creativeai["pro"].post("/api/v1/model/generateImage", json={"prompt": "a mug", "webhook_url": url})
        clock.advance(creativeai_server.faults.processing_seconds)
        body, signature = received[0]
        secret = creativeai_server.signing_secret
        assert secret is not None and secret not in creativeai_server.api_keys
        assert signature == "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    finally:
        hook.shutdown()
        hook.server_close()


def test_synchronous_images_are_one_entry_named_by_their_output_files(
    creativeai_server: CreativeAISandbox, creativeai: dict[str, httpx.Client]
) -> None:
    reply = creativeai["pro"].post("/v1/images/generations", json={"prompt": "two mugs", "n": 2})
    [entry] = creativeai_server.ledger.public()["generations"]
    assert (entry["prompt"], entry["endpoint"], entry["key"]) == ("two mugs", "/v1/images/generations", digest("ca-pro"))
    names = [item["url"].rsplit("/", 1)[1] for item in reply.json()["data"]]
    assert names == [f"{entry['id']}-0.png", f"{entry['id']}-1.png"]


def test_unknown_tier_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tiers"):
        CreativeAISandbox(tiers={"k": "gold"})


# vendor specifics -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def adcreator_server(clock: ManualClock) -> Iterator[AdCreatorSandbox]:
    box = AdCreatorSandbox(api_key="acr", clock=clock).start()
    yield box
    box.stop()


def test_adcreator_delete_marks_the_entry_and_videos_are_billed(adcreator_server: AdCreatorSandbox, clock: ManualClock) -> None:
    adcreator_server.reset()
    with httpx.Client(base_url=f"{adcreator_server.url}/api/platform", headers={"Authorization": "Bearer acr"}) as api:
        kept = api.post("/generate", json={"prompt": "kept image", "modelId": "flux-schnell"}).json()["id"]
        gone = api.post("/generate", json={"prompt": "deleted image", "modelId": "flux-schnell"}).json()["id"]
        clock.advance(adcreator_server.faults.processing_seconds)
        assert api.delete(f"/generations/{gone}").json() == {"deleted": True}
        body = {"sourceGenerationId": kept, "prompt": "slow orbit", "modelId": "kling-v3-pro", "durationSeconds": 5}
        film = api.post("/videos", json=body).json()["id"]
        assert [g["id"] for g in api.get("/generations").json()] == [kept]  # deleted generations disappear
    entries = {entry["id"]: entry for entry in adcreator_server.ledger.public()["generations"]}
    assert [(e["prompt"], e["deleted"], e["endpoint"]) for e in entries.values()] == [
        ("kept image", False, "/api/platform/generate"),
        ("deleted image", True, "/api/platform/generate"),
        ("slow orbit", False, "/api/platform/videos"),
    ]
    assert list(entries) == [kept, gone, film]


@pytest.fixture(scope="module")
def adsumo_server(clock: ManualClock) -> Iterator[AdsumoSandbox]:
    box = AdsumoSandbox(api_key="as", clock=clock).start()
    yield box
    box.stop()


def test_adsumo_product_shot_prompt_is_the_additional_prompt(adsumo_server: AdsumoSandbox) -> None:
    adsumo_server.reset()
    shot = {"product_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "style_id": "flat-lay", "model": "fast", "aspect_ratio": "1:1"}
    with httpx.Client(base_url=f"{adsumo_server.url}/api/v1", headers={"Authorization": "Bearer as"}) as api:
        plain = api.post("/images/product-shots", json=shot).json()["generation_id"]
        guided = api.post("/images/product-shots", json={**shot, "additional_prompt": "beach"}).json()["generation_id"]
    prompts = {entry["id"]: entry["prompt"] for entry in adsumo_server.ledger.public()["generations"]}
    assert prompts == {plain: None, guided: "beach"}


def test_adcreative_photoshoot_is_one_entry_named_by_product(clock: ManualClock) -> None:
    box = AdCreativeSandbox(api_key=AC_KEY, api_secret=AC_SECRET, clock=clock).start()
    try:
        with httpx.Client(base_url=box.url, headers={"x-api-key": AC_KEY, "x-api-secret": AC_SECRET}) as http:
            VENDORS[3].login(http, AC_APPS[0])
            upload = http.post(
                "/api/v1/Image/ProductGeneration/Recommendations",
                files={"productImage": ("blue-kettle.png", png(40, 30, "kettle"), "image/png")},
            )
            fields = {
                "applicationId": AC_APPS[0],
                "userId": AC_USER,
                "productImageAssetId": upload.json()["backgroundRemovedImageAssetId"],
                "PromptObjectsString": json.dumps([{"tag": "preset", "preset": "white_background"}]),
            }
            started = http.post(
                "/api/v1/Image/ProductGeneration/AdCreative", files={k: (None, v) for k, v in fields.items()}
            ).json()
        entries = box.ledger.public()["generations"]
        assert [(e["id"], e["prompt"], e["key"]) for e in entries] == [
            (started["imageRenderProcessId"], "blue kettle", digest(AC_APPS[0]))
        ]
        assert started["totalTaskCount"] == 6  # six images, one ledger entry
    finally:
        box.stop()
