"""Fakes for the ports: in-memory, with the same contracts as the adapters (not mocks)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from adforge.adapters.ssrf_guard import DestinationGuard
from adforge.domain.capabilities import Capabilities
from adforge.domain.errors import InputRejected, JobNotFound, TransitionRejected
from adforge.domain.events import JobEvent
from adforge.domain.media import EXTENSIONS, sniff
from adforge.domain.models import Asset, Job, JobKind, VendorAttempt, VendorSubmission, VendorUpdate
from adforge.domain.status import JobStatus
from adforge.ports.jobs import JobAlreadyExists
from adforge.ports.notifications import PostResult, WebhookSecretMissing


class FakeJobs:
    """Versioned and conditional like DynamoDBJobRepository; `interfere` simulates a concurrent writer."""

    def __init__(self) -> None:
        self.items: dict[str, Job] = {}
        self.links: dict[tuple[str, str], str] = {}
        self.writes = 0
        self.interfere: list[Any] = []

    def create(self, job: Job) -> None:
        if job.id in self.items:
            raise JobAlreadyExists(job.id)
        self.items[job.id] = job

    def list_for_tenant(self, tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
        mine = sorted((j for j in self.items.values() if j.tenant_id == tenant_id), key=lambda j: j.created_at, reverse=True)
        start = int(cursor or 0)
        page = mine[start : start + limit]
        return page, str(start + limit) if start + limit < len(mine) else None

    def link_vendor_job(self, vendor: str, vendor_job_id: str, job_id: str) -> None:
        self.links[(vendor, vendor_job_id)] = job_id

    def job_for_vendor_job(self, vendor: str, vendor_job_id: str) -> str | None:
        return self.links.get((vendor, vendor_job_id))

    def get(self, job_id: str) -> Job:
        if job_id not in self.items:
            raise JobNotFound(job_id)
        return self.items[job_id]

    def transition(self, job: Job, target: JobStatus, **changes: Any) -> Job:
        return self._write(job, job.moved(target, **changes))

    def settle_attempt(self, job_id: str, attempt: VendorAttempt) -> Job:
        job = self.items[job_id]
        return self._write(job, job.with_attempt_settled(attempt))

    def amend(self, job: Job, **changes: Any) -> Job:
        return self._write(job, job.amended(**changes))

    def _write(self, job: Job, updated: Job) -> Job:
        """The repository's rule: a version is written only over the one it came from (the domain made it)."""
        if self.interfere:
            self.interfere.pop(0)(self)
        current = self.items[job.id]
        if current.version != job.version:
            raise TransitionRejected(job.id, current.status, updated.status, "stale version")
        self.items[job.id] = updated
        self.writes += 1
        return updated


class FakeDownload:
    """An opened response whose body is its own URL."""

    content_type = "image/png"

    def __init__(self, url: str) -> None:
        self.url = url
        self.declared_length: int | None = len(url)

    def chunks(self) -> Iterator[bytes]:
        yield self.url.encode()


@contextmanager
def opened(url: str) -> Iterator[FakeDownload]:
    yield FakeDownload(url)


class FakeFetcher:
    def __init__(self) -> None:
        self.opened: list[str] = []
        self._guard = DestinationGuard()

    def check(self, url: str) -> None:
        self._guard.check_url(url)

    def open(self, url: str) -> Any:
        self.check(url)  # as the real fetcher: a refused URL is never opened
        self.opened.append(url)
        return opened(url)


class StoredBytes:
    """A stored object opened for reading."""

    content_type = "application/octet-stream"

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.declared_length: int | None = len(data)

    def chunks(self) -> Iterator[bytes]:
        yield self.data


class FakeAssets:
    def __init__(self, objects: dict[str, bytes] | None = None) -> None:
        self.objects = dict(objects or {})
        self.fail_on: set[str] = set()
        self.shared: list[str] = []

    def ingest(self, source: Any, key: str) -> Asset:
        with source as download:
            if getattr(download, "url", None) in self.fail_on:
                raise InputRejected("fetch_failed", f"cannot fetch {download.url}")
            data = b"".join(download.chunks())
        content_type = sniff(data) or "image/png"  # the fake outputs' bodies are their URLs: stored as PNGs
        self.objects[key + EXTENSIONS[content_type]] = data
        return Asset(key=key + EXTENSIONS[content_type], content_type=content_type, size=len(data), sha256="0" * 64)

    def describe(self, key: str) -> Asset:
        if key not in self.objects:
            raise InputRejected("image_not_found", key)
        return Asset(key=key, content_type=sniff(self.objects[key]) or "image/png", size=len(self.objects[key]))

    @contextmanager
    def open(self, key: str) -> Iterator[Any]:
        yield StoredBytes(self.objects[key])

    def share(self, key: str, expires_in: int) -> str:
        self.shared.append(key)
        return f"https://assets.example/{key}?expires={expires_in}"

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def upload_url(self, key: str, content_type: str, content_length: int, expires_in: int) -> str:
        return f"https://assets.example/{key}?put&type={content_type}&length={content_length}"


class FakeFramer:
    """Passes every download through as it is (the fake bodies are URLs, not images)."""

    def __init__(self) -> None:
        self.framed: list[str | None] = []

    def frame(self, download: Any, ratio: str | None) -> tuple[Any, None]:
        self.framed.append(ratio)
        return download, None


class FakeEvents:
    def __init__(self) -> None:
        self.published: list[tuple[JobEvent, str, JobStatus]] = []
        self.fail = False

    def publish(self, event: JobEvent, job: Job) -> None:
        if self.fail:
            raise RuntimeError("bus down")
        self.published.append((event, job.id, job.status))

    def names(self) -> list[str]:
        return [event.value for event, _, _ in self.published]


class FakeWorkflow:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.stopped: list[str] = []
        self.fail = False

    def start(self, job: Job) -> None:
        if self.fail:
            raise RuntimeError("states down")
        self.started.append(job.id)

    def stop(self, job: Job, reason: str) -> None:
        self.stopped.append(job.id)


class FakeTasks:
    def __init__(self) -> None:
        self.resumed: list[tuple[str, dict[str, Any]]] = []

    def resume(self, task_token: str, outcome: dict[str, Any]) -> bool:
        self.resumed.append((task_token, outcome))
        return True


class FakeHealth:
    def __init__(self) -> None:
        self.failures: dict[str, int] = {}

    def record_failure(self, vendor: str) -> None:
        self.failures[vendor] = self.failures.get(vendor, 0) + 1

    def recent_failures(self) -> dict[str, int]:
        return dict(self.failures)


class FakeGateway:
    def __init__(self, error: Exception | None = None, name: str = "creativeai") -> None:
        self.name = name
        self.submissions: list[VendorSubmission] = []
        self.error = error
        self.updates: Iterator[VendorUpdate] = iter(())
        self.status_calls = 0
        self.opened_outputs: list[str] = []
        self._ids = itertools.count(1)

    def submit(self, submission: VendorSubmission) -> str:
        if self.error is not None:
            raise self.error
        self.submissions.append(submission)
        return f"{self.name}_{next(self._ids)}"

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        self.status_calls += 1
        return next(self.updates)

    def open_output(self, ref: str) -> Any:
        self.opened_outputs.append(ref)
        return opened(ref)


class FakeTable:
    """The few DynamoDB Table calls a key lookup makes (`get_item`, `put_item`), over items keyed by `pk`."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.items: dict[str, dict[str, Any]] = {}
        self.reads: list[dict[str, Any]] = []

    def put_item(self, Item: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.items[str(Item["pk"])] = dict(Item)
        return {}

    def get_item(self, Key: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.reads.append(Key)
        item = self.items.get(str(Key["pk"]))
        return {"Item": dict(item)} if item is not None else {}


class FakeTenantSecrets:
    """Each tenant's webhook signing secret and default upload recipe (DynamoDBTenantSecrets' reads)."""

    def __init__(self, secrets: dict[str, str] | None = None, recipes: dict[str, dict[str, Any]] | None = None) -> None:
        self.secrets = dict(secrets or {})
        self.recipes = dict(recipes or {})

    def secret_for(self, tenant_id: str) -> str:
        if tenant_id not in self.secrets:
            raise WebhookSecretMissing(f"tenant {tenant_id} has no webhook secret")
        return self.secrets[tenant_id]

    def default_recipe(self, tenant_id: str) -> dict[str, Any] | None:
        return self.recipes.get(tenant_id)


class FakePoster:
    """A WebhookPoster answering from a script of results (the last one repeats; by default a 200); records each POST."""

    def __init__(self, *answers: PostResult) -> None:
        self.answers = list(answers or [PostResult(status=200)])
        self.posts: list[tuple[str, bytes, dict[str, str]]] = []

    def post(self, url: str, body: bytes, headers: Any) -> PostResult:
        self.posts.append((url, body, dict(headers)))
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


class FakeShopDirectory:
    def __init__(self, shops: dict[tuple[str, str], Any] | None = None) -> None:
        self.shops = dict(shops or {})
        self.lookups: list[tuple[str, str]] = []

    def find(self, platform: str, shop: str) -> Any:
        self.lookups.append((platform, shop))
        return self.shops.get((platform, shop))


class FakeProductLedger:
    """Same contract as DynamoDBProductLedger (tested against moto in tests/integration)."""

    def __init__(self) -> None:
        self.deliveries: set[tuple[str, str, str]] = set()
        self.updates: dict[tuple[str, str, str], list[Any]] = {}  # accepted updated_at values, latest last
        self.fingerprints: dict[tuple[str, str, str, str], str] = {}

    def claim_delivery(self, platform: str, shop: str, body_sha256: str) -> bool:
        if (platform, shop, body_sha256) in self.deliveries:
            return False
        self.deliveries.add((platform, shop, body_sha256))
        return True

    def release_delivery(self, platform: str, shop: str, body_sha256: str) -> None:
        self.deliveries.discard((platform, shop, body_sha256))

    def record_update(self, platform: str, shop: str, resource_id: str, updated_at: Any) -> bool:
        seen = self.updates.setdefault((platform, shop, resource_id), [])
        if seen and seen[-1] >= updated_at:
            return False
        seen.append(updated_at)
        return True

    def undo_update(self, platform: str, shop: str, resource_id: str, updated_at: Any) -> None:
        seen = self.updates.get((platform, shop, resource_id), [])
        if seen and seen[-1] == updated_at:
            seen.pop()

    def latest_update(self, platform: str, shop: str, resource_id: str) -> Any:
        seen = self.updates.get((platform, shop, resource_id))
        return seen[-1] if seen else None

    def image_changed(self, platform: str, shop: str, product_id: str, image: Any) -> bool:
        key = (platform, shop, product_id, image.image_id)
        previous, self.fingerprints[key] = self.fingerprints.get(key), image.fingerprint
        return bool(previous != image.fingerprint)

    def forget_image(self, platform: str, shop: str, product_id: str, image: Any) -> None:
        key = (platform, shop, product_id, image.image_id)
        if self.fingerprints.get(key) == image.fingerprint:
            del self.fingerprints[key]


class FakeQueue:
    """The product queue (bootstrap.ProductQueue): keeps each message body; `fail` simulates SQS being down."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.fail = False

    def send(self, body: str) -> None:
        if self.fail:
            raise RuntimeError("sqs down")
        self.bodies.append(body)


def vendor(name: str, cost: float) -> Capabilities:
    """A plain image vendor (1:1, up to 4 outputs, no webhooks) named `name`, costing `cost` per output."""
    return Capabilities(name=name, display_name=name, kinds=frozenset({JobKind.IMAGE}), aspect_ratios=frozenset({"1:1"}),
                        max_count=4, webhooks=False, cost_per_output_usd=cost)  # fmt: skip


class RecordingJobMetrics:
    """`JobMetrics` that keeps each measurement as (metric, dimensions, value), in order."""

    def __init__(self) -> None:
        self.recorded: list[tuple[str, dict[str, str], float]] = []

    def named(self, metric: str) -> list[tuple[dict[str, str], float]]:
        return [(dimensions, value) for name, dimensions, value in self.recorded if name == metric]

    def job_counted(self, status: JobStatus, vendor: str, kind: str) -> None:
        self.recorded.append((f"jobs:{status.value}", {"vendor": vendor, "kind": kind}, 1))

    def job_latency(self, vendor: str, kind: str, seconds: float) -> None:
        self.recorded.append(("JobLatency", {"vendor": vendor, "kind": kind}, seconds))

    def vendor_render_latency(self, vendor: str, kind: str, seconds: float) -> None:
        self.recorded.append(("VendorRenderLatency", {"vendor": vendor, "kind": kind}, seconds))

    def polls_per_job(self, vendor: str, kind: str, polls: int) -> None:
        self.recorded.append(("PollsPerJob", {"vendor": vendor, "kind": kind}, polls))

    def job_cost(self, vendor: str, kind: str, usd: float) -> None:
        self.recorded.append(("JobCost", {"vendor": vendor, "kind": kind}, usd))

    def vendor_call(self, vendor: str, outcome: str) -> None:
        self.recorded.append(("VendorCalls", {"vendor": vendor, "outcome": outcome}, 1))
