"""Handler unit tests, the Powertools way: each `functions/<name>/app.py` handler invoked with its `events/`
sample and a Lambda context, its services real but built over the fakes of tests/fakes.py.

The seam is bootstrap's builders: each test replaces the builder a handler calls (`bootstrap.submitter`, ...)
with one returning a service of the `World` below, wrapped in a `Spy` that records what the handler passed.
No moto, no network: every socket connect and DNS lookup fails the test.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from adforge import bootstrap
from adforge.adapters.standard_webhooks import StandardWebhooksSigner
from adforge.domain.models import Job, JobRequest
from adforge.domain.status import JobStatus
from adforge.platforms.readers import PLATFORMS
from adforge.services.completion import Completer
from adforge.services.intake import JobIntake
from adforge.services.outbound_notifications import OutboundNotifier
from adforge.services.polling import Poller
from adforge.services.shop_webhooks import ShopWebhooks
from adforge.services.submission import Submitter
from adforge.services.tenant_jobs import TenantJobs
from adforge.services.updates import UpdateRecorder
from adforge.services.upload_trigger import UploadTrigger
from adforge.services.vendor_callbacks import VendorCallbacks
from adforge.vendors.catalog import CAPABILITIES
from adforge.vendors.creativeai.webhook import build_reader
from tests.fakes import (
    FakeAssets,
    FakeEvents,
    FakeFetcher,
    FakeFramer,
    FakeGateway,
    FakeHealth,
    FakeJobs,
    FakePoster,
    FakeProductLedger,
    FakeQueue,
    FakeShopDirectory,
    FakeTasks,
    FakeTenantSecrets,
    FakeWorkflow,
)

ROOT = Path(__file__).resolve().parents[3]
FUNCTIONS, EVENTS = ROOT / "functions", ROOT / "events"
EXAMPLE_JOB = "job_0123456789abcdef0123456789abcdef"  # the job every workflow-step sample names
NOW = 1_795_290_000.0  # the samples' requestTimeEpoch, in seconds: the world's clock stands still there
CREATIVEAI_SIGNING_SECRET = "whsec_sandbox_creativeai"  # what events/vendor_webhook.json is signed with

# What template.yaml's Globals and each function's own Environment set, as settings.py reads them; plus
# Powertools' own: no X-Ray daemon here (Tracer off), one metrics namespace (Metrics needs one).
LAMBDA_ENV = {
    "TABLE_NAME": "adforge-JobsTable",
    "BUCKET_NAME": "adforge-assetsbucket",
    "EVENT_BUS_NAME": "adforge-events",
    "VENDOR_SECRET_NAME": "adforge/vendors",
    "PUBLIC_API_URL": "https://api.adforge.example",
    "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:adforge-jobs",
    "PRODUCT_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/adforge-ProductEventsQueue",
    "ALLOW_LOOPBACK": "false",
    "WEBHOOK_WAIT_SECONDS": "180",
    "POLL_INITIAL_SECONDS": "10",
    "POLL_MAX_SECONDS": "300",
    "JOB_DEADLINE_SECONDS": "3600",
    "TIMING_SCALE": "1",
    "VENDOR_TIMEOUT_SECONDS": "30",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_METRICS_NAMESPACE": "AdForge",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",  # never a real account's credentials, whatever the shell has
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@pytest.fixture(scope="package", autouse=True)
def lambda_environment() -> Iterator[dict[str, str]]:
    """Set before any handler module is loaded (Tracer and Metrics read theirs at import), undone after the package."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in LAMBDA_ENV.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        yield LAMBDA_ENV


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a handler unit test touched the network: {args[:2]}")

    monkeypatch.setattr(socket, "getaddrinfo", refused)
    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket.socket, "connect_ex", refused)


@dataclass
class LambdaContext:
    """What Powertools reads from the Lambda context (its docs' "Testing your code" fake)."""

    function_name: str = "adforge-test-function"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:adforge-test-function"
    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"

    def get_remaining_time_in_millis(self) -> int:
        return 28_000


@pytest.fixture
def context() -> LambdaContext:
    return LambdaContext()


def load_handler(name: str, module_name: str | None = None) -> ModuleType:
    """`functions/<name>/app.py`, loaded by path under its own module name (every function's module is `app`)."""
    module_name = module_name or f"handler_{name}"
    spec = importlib.util.spec_from_file_location(module_name, FUNCTIONS / name / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@cache
def handler(name: str) -> Callable[[dict[str, Any], Any], Any]:
    """The function's `lambda_handler`, loaded once (as Lambda keeps a warm module)."""
    return load_handler(name).lambda_handler  # type: ignore[no-any-return]


def sample(name: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS / f"{name}.json").read_text()))


def api_body(answer: dict[str, Any]) -> Any:
    return json.loads(answer["body"])


class Spy:
    """Delegates to a real service and records each call as (method, {parameter: argument})."""

    def __init__(self, label: str, service: Any, calls: list[tuple[str, dict[str, Any]]]) -> None:
        self._label, self._service, self._calls = label, service, calls

    def __getattr__(self, name: str) -> Any:
        member = getattr(self._service, name)
        if not callable(member):
            return member

        def call(*args: Any, **kwargs: Any) -> Any:
            bound = inspect.signature(member).bind(*args, **kwargs)
            bound.apply_defaults()
            self._calls.append((f"{self._label}.{name}", dict(bound.arguments)))
            return member(*args, **kwargs)

        return call


def clock() -> float:
    return NOW


def at_now() -> datetime:
    return datetime.fromtimestamp(NOW, UTC)


@dataclass
class World:
    """Every port as a fake, and the services over them that bootstrap would build."""

    jobs: FakeJobs = field(default_factory=FakeJobs)
    inputs: FakeAssets = field(default_factory=FakeAssets)
    outputs: FakeAssets = field(default_factory=FakeAssets)
    events: FakeEvents = field(default_factory=FakeEvents)
    workflow: FakeWorkflow = field(default_factory=FakeWorkflow)
    tasks: FakeTasks = field(default_factory=FakeTasks)
    health: FakeHealth = field(default_factory=FakeHealth)
    fetcher: FakeFetcher = field(default_factory=FakeFetcher)
    framer: FakeFramer = field(default_factory=FakeFramer)
    gateway: FakeGateway = field(default_factory=lambda: FakeGateway(name="creativeai"))
    tenants: FakeTenantSecrets = field(default_factory=FakeTenantSecrets)
    poster: FakePoster = field(default_factory=FakePoster)
    shops: FakeShopDirectory = field(default_factory=FakeShopDirectory)
    ledger: FakeProductLedger = field(default_factory=FakeProductLedger)
    queue: FakeQueue = field(default_factory=FakeQueue)
    object_metadata: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> the object's user metadata
    metadata_reads: list[tuple[str, str | None]] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # what the handlers passed the services
    new_ids: list[str] = field(default_factory=lambda: ["job_" + "a" * 32, "job_" + "b" * 32])

    @property
    def gateways(self) -> dict[str, FakeGateway]:
        return {"creativeai": self.gateway}

    def called(self, label: str) -> list[dict[str, Any]]:
        return [arguments for name, arguments in self.calls if name == label]

    def seed(self, status: JobStatus = JobStatus.QUEUED, job_id: str = EXAMPLE_JOB, **changes: Any) -> Job:
        """A job of tenant `acme` in `status`, made at the world's now; `submitted` and on: at creativeai."""
        request = changes.pop("request", JobRequest(prompt="A red ceramic mug, lifestyle ad", vendor="creativeai"))
        at_vendor = {"vendor": "creativeai", "vendor_job_id": "creativeai_1"} if status is not JobStatus.QUEUED else {}
        job = Job(
            id=job_id,
            tenant_id="acme",
            request=request,
            vendor_requested=request.vendor,
            status=status,
            created_at=at_now(),
            updated_at=at_now(),
            **{**at_vendor, **changes},
        )
        self.jobs.create(job)
        return job

    # the services, as bootstrap builds them but over the fakes -------------------------------------------
    def intake(self) -> JobIntake:
        return JobIntake(self.jobs, self.inputs, self.events, self.workflow, self.fetcher, CAPABILITIES,
                         lambda: self.new_ids.pop(0))  # fmt: skip

    def recorder(self) -> UpdateRecorder:
        return UpdateRecorder(self.jobs, self.events, self.tasks, vendors=CAPABILITIES)

    def submitter(self) -> Submitter:
        public_api = LAMBDA_ENV["PUBLIC_API_URL"]
        return Submitter(self.jobs, self.inputs, self.events, self.gateways, self.health, public_api, 180, 10, 3600, clock,
                         vendors=CAPABILITIES)  # fmt: skip

    def poller(self) -> Poller:
        return Poller(self.jobs, self.recorder(), self.gateways, clock, 10, 300, 3600, vendors=CAPABILITIES)

    def completer(self) -> Completer:
        return Completer(self.jobs, self.outputs, self.events, self.gateways, self.framer, vendors=CAPABILITIES)

    def outbound_notifier(self) -> OutboundNotifier:
        signer = StandardWebhooksSigner()
        return OutboundNotifier(self.poster, self.tenants, signer, clock, self.sleeps.append, lambda: 0.5)

    def vendor_callbacks(self) -> VendorCallbacks:
        readers = {"creativeai": build_reader({"webhook_secret": CREATIVEAI_SIGNING_SECRET}, clock)}
        return VendorCallbacks(self.jobs, self.recorder(), readers, self.gateways, vendors=CAPABILITIES)

    def tenant_jobs(self) -> TenantJobs:
        return TenantJobs(self.jobs, self.inputs, self.events, self.workflow, self.gateways, vendors=CAPABILITIES)

    def shop_webhooks(self) -> ShopWebhooks:
        return ShopWebhooks(self.shops, self.ledger, self.intake(), PLATFORMS)

    def upload_trigger(self) -> UploadTrigger:
        def metadata(key: str, version: str | None) -> dict[str, str]:
            self.metadata_reads.append((key, version))
            return self.object_metadata.get(key, {})

        return UploadTrigger(self.intake(), metadata, self.tenants.default_recipe)


SERVICES = ("intake", "recorder", "submitter", "poller", "completer", "outbound_notifier", "vendor_callbacks",
            "tenant_jobs", "shop_webhooks", "upload_trigger")  # fmt: skip


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    """Replaces each bootstrap builder a handler calls with the world's service (spied); a builder that
    no longer exists fails here, loudly, rather than letting a test build real AWS clients."""
    world = World()
    for name in SERVICES:
        spy = Spy(name, getattr(world, name)(), world.calls)
        monkeypatch.setattr(bootstrap, name, lambda spy=spy: spy)
    monkeypatch.setattr(bootstrap, "input_assets", lambda: world.inputs)
    monkeypatch.setattr(bootstrap, "health", lambda: world.health)
    monkeypatch.setattr(bootstrap, "product_queue", lambda: world.queue)
    return world
