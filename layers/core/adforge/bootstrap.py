"""The composition root: the one place that builds adapters and plugs them into services, once per cold start.

Lazy by design, for cold starts: this module imports nothing of ours at the top, each builder imports what it
builds when it is first called, and a vendor's gateway or webhook reader (and with it its client, transform and
httpx) is built only for the vendor a step actually calls. Pillow loads on the first image to frame or convert.
So a handler's cold start pays only for the path it runs (the authorizer and the functions/ handlers import only
their own entry points).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adforge.adapters.dynamodb_health import DynamoDBVendorHealth
    from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys, DynamoDBTenantSecrets
    from adforge.adapters.emf_metrics import EmfJobMetrics
    from adforge.adapters.eventbridge import EventBridgePublisher
    from adforge.adapters.http_fetch import GuardedFetcher
    from adforge.adapters.s3_assets import S3AssetStore
    from adforge.adapters.sqs_queue import SQSQueue
    from adforge.adapters.stepfunctions import StepFunctionsWorkflow
    from adforge.domain.capabilities import Capabilities
    from adforge.domain.framing import Pixels
    from adforge.domain.models import Job, JobKind, JobRequest
    from adforge.domain.rate_limits import AccountLimits
    from adforge.ports.assets import Download, ImageFramer
    from adforge.ports.vendors import VendorGateway, WebhookReader
    from adforge.services.account_admission import AccountAdmission
    from adforge.services.completion import Completer
    from adforge.services.intake import JobIntake
    from adforge.services.observed_jobs import ObservedJobs
    from adforge.services.outbound_notifications import OutboundNotifier
    from adforge.services.polling import Poller
    from adforge.services.shop_webhooks import ShopWebhooks
    from adforge.services.submission import Submitter
    from adforge.services.tenant_jobs import TenantJobs
    from adforge.services.updates import UpdateRecorder
    from adforge.services.upload_trigger import UploadTrigger
    from adforge.services.vendor_callbacks import VendorCallbacks
    from adforge.settings import StoreSettings, VendorSettings


# settings and AWS clients --------------------------------------------------------------------------
@cache
def store() -> StoreSettings:
    from adforge.settings import StoreSettings

    return StoreSettings.from_env()


@cache
def vendor_settings() -> VendorSettings:
    from adforge.settings import VendorSettings

    return VendorSettings.from_env()


@cache
def client(service: str) -> Any:
    """S3 signs with SigV4, so a presigned upload binds its Content-Type and Content-Length (boto3's default
    for some regions is SigV2, which signs neither)."""
    import boto3
    from botocore.config import Config

    config = Config(signature_version="s3v4") if service == "s3" else None
    return boto3.client(service, config=config)


@cache
def table() -> Any:
    import boto3

    return boto3.resource("dynamodb").Table(store().table_name)


# adapters ------------------------------------------------------------------------------------------
@cache
def jobs() -> ObservedJobs:
    """The job records, observed: each job handed out names the log lines that follow (observability.about_job),
    each change is measured (services/observed_jobs.py)."""
    from adforge.adapters.dynamodb_jobs import DynamoDBJobRepository
    from adforge.services.observed_jobs import ObservedJobs

    return ObservedJobs(DynamoDBJobRepository(table()), job_metrics(), cost_per_output, _JOB_OBSERVER)


class _JobObserver:
    """Who hears of each job the repository hands out, looked up on each job: the handler's observability may plug
    itself in (observe_jobs) after jobs() was built."""

    hear: Callable[[Job], None] = staticmethod(lambda job: None)

    def __call__(self, job: Job) -> None:
        self.hear(job)


_JOB_OBSERVER = _JobObserver()


def observe_jobs(observer: Callable[[Job], None]) -> None:
    """Who hears of each job the repository hands out: the handler's observability (api/observability.observed)
    plugs itself in here, so the composition root depends on no entrypoint."""
    _JOB_OBSERVER.hear = observer


@cache
def job_metrics() -> EmfJobMetrics:
    """The function's job metrics (EMF): one per process, flushed once per invocation by its handler
    (api/observability.observed); each vendor call's outcome (vendors/http.py VENDOR_CALLS) is one of them."""
    from adforge.adapters.emf_metrics import EmfJobMetrics
    from adforge.vendors.call_outcomes import VENDOR_CALLS

    metrics = EmfJobMetrics()
    VENDOR_CALLS.watch(metrics.vendor_call)
    return metrics


def cost_per_output(vendor: str, kind: JobKind) -> float | None:
    """A vendor's price of one output of `kind` (its capabilities), for the JobCost metric."""
    entry = capabilities().get(vendor)
    return entry.cost_per_output(kind) if entry is not None else None


@cache
def fetcher() -> GuardedFetcher:
    from adforge.adapters.http_fetch import GuardedFetcher
    from adforge.adapters.ssrf_guard import DestinationGuard

    return GuardedFetcher(DestinationGuard(allow_loopback=store().allow_loopback))


@cache
def input_assets() -> S3AssetStore:
    from adforge.adapters.s3_assets import S3AssetStore
    from adforge.domain.media import IMAGE_TYPES

    return S3AssetStore(client("s3"), store().bucket_name, store().max_input_bytes, IMAGE_TYPES)


@cache
def output_assets() -> S3AssetStore:
    from adforge.adapters.s3_assets import S3AssetStore
    from adforge.domain.media import CREATIVE_TYPES

    return S3AssetStore(client("s3"), store().bucket_name, store().max_output_bytes, CREATIVE_TYPES)


@cache
def events() -> EventBridgePublisher:
    from adforge.adapters.eventbridge import EventBridgePublisher

    return EventBridgePublisher(client("events"), store().event_bus_name)


@cache
def workflow() -> StepFunctionsWorkflow:
    from adforge.adapters.stepfunctions import StepFunctionsWorkflow
    from adforge.settings import WorkflowSettings

    return StepFunctionsWorkflow(client("stepfunctions"), WorkflowSettings.from_env().state_machine_arn)


@cache
def health() -> DynamoDBVendorHealth:
    from adforge.adapters.dynamodb_health import DynamoDBVendorHealth

    return DynamoDBVendorHealth(table(), time.time)


@cache
def tenant_secrets() -> DynamoDBTenantSecrets:
    from adforge.adapters.dynamodb_tenants import DynamoDBTenantSecrets

    return DynamoDBTenantSecrets(table())


def tenant_keys() -> DynamoDBTenantKeys:
    """Built afresh from the environment: the authorizer builds it once, at its first request."""
    import boto3

    from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys
    from adforge.settings import StoreSettings

    return DynamoDBTenantKeys(boto3.resource("dynamodb").Table(StoreSettings.from_env().table_name))


@cache
def product_queue() -> SQSQueue:
    from adforge.adapters.sqs_queue import SQSQueue
    from adforge.settings import QueueSettings

    return SQSQueue(client("sqs"), QueueSettings.from_env().product_queue_url)


class DeferredFramer:
    """The `ImageFramer` (Pillow), imported on the first image: a step that frames nothing never loads Pillow."""

    def frame(self, download: Download, ratio: str | None) -> tuple[Download, Pixels | None]:
        return _pillow().frame(download, ratio)

    def convert(self, download: Download, accepted: frozenset[str]) -> Download:
        return _pillow().convert(download, accepted)


@cache
def _pillow() -> ImageFramer:
    from adforge.adapters.images import PillowFramer

    return PillowFramer(store().max_output_bytes)


# vendors -------------------------------------------------------------------------------------------
def capabilities() -> Mapping[str, Capabilities]:
    """Every vendor's capabilities, by name: every vendor a job may name (pure data, no vendor code)."""
    from adforge.vendors.catalog import CAPABILITIES

    return CAPABILITIES


def vendor_secrets() -> dict[str, dict[str, str]]:
    """Vendor credentials from Secrets Manager, cached by Powertools for five minutes."""
    from aws_lambda_powertools.utilities import parameters

    secret = parameters.get_secret(vendor_settings().vendor_secret_name, transform="json", max_age=300)
    assert isinstance(secret, dict)
    return secret


def offered() -> list[str]:
    """The vendors with credentials in the vendor secret: a vendor without them is simply not offered."""
    from adforge.vendors.catalog import CATALOG

    secrets = vendor_secrets()
    return [name for name, vendor in CATALOG.items() if vendor.secret_key in secrets]


@cache
def gateway(name: str) -> VendorGateway:
    """One vendor's gateway, its code imported now (KeyError for a vendor that is not offered)."""
    from adforge.vendors.catalog import CATALOG

    vendor, settings = CATALOG[name], vendor_settings()
    secret = vendor_secrets()[vendor.secret_key]
    return vendor.gateway(getattr(settings, vendor.base_url_setting), secret, fetcher(), settings.vendor_timeout_seconds)


class LazyGateways(Mapping[str, "VendorGateway"]):
    """The offered vendors' gateways, each built (its vendor's code imported) on first use; listing them builds
    none. A step that never calls a vendor, such as recording a failure, never reads the vendor secret."""

    def __getitem__(self, name: str) -> VendorGateway:
        if name not in offered():
            raise KeyError(name)
        return gateway(name)

    def __contains__(self, name: object) -> bool:
        return name in offered()

    def __iter__(self) -> Iterator[str]:
        return iter(offered())

    def __len__(self) -> int:
        return len(offered())


class LazyReaders(Mapping[str, "WebhookReader"]):
    """The offered vendors' webhook readers, built per call (a rotated secret takes effect within the cache age),
    and only the one asked for: a delivery imports its own vendor's reader only."""

    def __getitem__(self, name: str) -> WebhookReader:
        from adforge.vendors.catalog import CATALOG

        vendor = CATALOG.get(name)
        secrets = vendor_secrets()
        if vendor is None or not vendor.takes_webhooks or vendor.secret_key not in secrets:
            raise KeyError(name)
        return vendor.reader(secrets[vendor.secret_key], time.time)

    def __iter__(self) -> Iterator[str]:
        from adforge.vendors.catalog import CATALOG

        return iter([name for name in offered() if CATALOG[name].takes_webhooks])

    def __len__(self) -> int:
        return len(list(iter(self)))


@cache
def limits() -> dict[str, AccountLimits]:
    from adforge.vendors.catalog import CATALOG
    from adforge.vendors.rate_limits import limits_for

    secrets = vendor_secrets()
    return {
        name: limits_for(name, vendor.secret_key, secrets[vendor.secret_key])
        for name, vendor in CATALOG.items()
        if vendor.secret_key in secrets
    }


class LazyLimits(Mapping[str, "AccountLimits"]):
    """Each vendor account's rates (vendors/rate_limits.py), read from the vendor secret on first use, like the gateways."""

    def __getitem__(self, name: str) -> AccountLimits:
        return limits()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(limits())

    def __len__(self) -> int:
        return len(limits())


@cache
def account_admission() -> AccountAdmission:
    """The vendor accounts' limiter as the steps use it: the shared store, each account's limits."""
    from adforge.adapters.dynamodb_admission import DynamoDBAdmission
    from adforge.services.account_admission import AccountAdmission
    from adforge.vendors.rate_headers import RATE_HEADERS

    return AccountAdmission(DynamoDBAdmission(table(), time.time), LazyLimits(), RATE_HEADERS)


# services ------------------------------------------------------------------------------------------
def intake() -> JobIntake:
    from adforge.services.intake import JobIntake

    return JobIntake(jobs(), input_assets(), events(), workflow(), fetcher(), capabilities())


class DeferredIntake:
    """Creates jobs through `intake()`, built on first use: the product webhook only verifies and queues,
    so it needs no `STATE_MACHINE_ARN`; its worker creates the jobs."""

    def create(self, tenant_id: str, request: JobRequest) -> Job:
        return intake().create(tenant_id, request)


def tenant_jobs() -> TenantJobs:
    from adforge.services.tenant_jobs import TenantJobs

    return TenantJobs(jobs(), input_assets(), events(), workflow(), LazyGateways(), vendors=capabilities())


def recorder() -> UpdateRecorder:
    from adforge.adapters.stepfunctions import StepFunctionsTasks
    from adforge.services.updates import UpdateRecorder

    tasks = StepFunctionsTasks(client("stepfunctions"))
    return UpdateRecorder(jobs(), events(), tasks, account_admission(), vendors=capabilities())


def vendor_callbacks() -> VendorCallbacks:
    from adforge.services.vendor_callbacks import VendorCallbacks

    return VendorCallbacks(jobs(), recorder(), LazyReaders(), LazyGateways(), vendors=capabilities())


def submitter() -> Submitter:
    from adforge.services.submission import Submitter
    from adforge.settings import PollSettings

    poll = PollSettings.from_env()
    return Submitter(
        jobs(),
        input_assets(),
        events(),
        LazyGateways(),
        health(),
        vendor_settings().public_api_url,
        poll.webhook_wait_seconds,
        poll.poll_initial_seconds,
        poll.job_deadline_seconds,
        time.time,
        account_admission(),
        DeferredFramer(),
        poll.timing_scale,
        vendors=capabilities(),
    )


def poller() -> Poller:
    from adforge.services.polling import Poller
    from adforge.settings import PollSettings

    poll = PollSettings.from_env()
    return Poller(
        jobs(),
        recorder(),
        LazyGateways(),
        time.time,
        poll.poll_initial_seconds,
        poll.poll_max_seconds,
        poll.job_deadline_seconds,
        account_admission(),
        poll.timing_scale,
        vendors=capabilities(),
    )


def completer() -> Completer:
    from adforge.services.completion import Completer

    return Completer(jobs(), output_assets(), events(), LazyGateways(), DeferredFramer(), vendors=capabilities())


def outbound_notifier() -> OutboundNotifier:
    from adforge.adapters.ssrf_guard import DestinationGuard
    from adforge.adapters.standard_webhooks import StandardWebhooksSigner
    from adforge.adapters.webhook_sender import WebhookSender
    from adforge.services.outbound_notifications import OutboundNotifier

    sender = WebhookSender(DestinationGuard(allow_loopback=store().allow_loopback))
    return OutboundNotifier(
        sender, tenant_secrets(), StandardWebhooksSigner(), time.time, time.sleep, random.SystemRandom().random
    )


def shop_webhooks() -> ShopWebhooks:
    from adforge.adapters.dynamodb_shops import DynamoDBProductLedger, DynamoDBShopDirectory
    from adforge.platforms.readers import PLATFORMS
    from adforge.services.shop_webhooks import ShopWebhooks

    return ShopWebhooks(DynamoDBShopDirectory(table()), DynamoDBProductLedger(table(), time.time), DeferredIntake(), PLATFORMS)


def upload_trigger() -> UploadTrigger:
    from adforge.services.upload_trigger import UploadTrigger

    s3, bucket = client("s3"), store().bucket_name

    def metadata(key: str, version: str | None) -> dict[str, str]:
        args = {"Bucket": bucket, "Key": key, **({"VersionId": version} if version else {})}
        return dict(s3.head_object(**args).get("Metadata", {}))

    return UploadTrigger(intake(), metadata, tenant_secrets().default_recipe)
