"""Builds clients and adapters once per cold start; handlers ask for the services they use."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from adforge import observability
from adforge.adapters.dynamodb_admission import DynamoDBAdmission
from adforge.adapters.dynamodb_health import DynamoDBVendorHealth
from adforge.adapters.dynamodb_jobs import DynamoDBJobRepository
from adforge.adapters.dynamodb_tenants import DynamoDBTenantSecrets
from adforge.adapters.eventbridge import EventBridgePublisher
from adforge.adapters.http_fetch import GuardedFetcher
from adforge.adapters.images import PillowFramer
from adforge.adapters.media import CREATIVE_TYPES, IMAGE_TYPES
from adforge.adapters.s3_assets import S3AssetStore
from adforge.adapters.ssrf_guard import DestinationGuard
from adforge.adapters.stepfunctions import StepFunctionsTasks, StepFunctionsWorkflow
from adforge.adapters.webhook_sender import WebhookSender
from adforge.domain.models import Job, JobKind, JobRequest
from adforge.platforms.dynamodb import DynamoDBProductLedger, DynamoDBShopDirectory
from adforge.ports import JobMetrics, VendorGateway, WebhookReader
from adforge.services.account_admission import AccountAdmission
from adforge.services.completion import Completer
from adforge.services.intake import JobIntake
from adforge.services.notifier import Notifier
from adforge.services.observed_jobs import ObservedJobs
from adforge.services.polling import Poller
from adforge.services.product_hooks import ProductHooks
from adforge.services.submission import Submitter
from adforge.services.tenancy import TenantJobs
from adforge.services.updates import UpdateRecorder
from adforge.services.upload_trigger import UploadTrigger
from adforge.services.webhooks import WebhookIntake
from adforge.settings import PollSettings, QueueSettings, StoreSettings, VendorSettings, WorkflowSettings
from adforge.vendors.catalog import CATALOG
from adforge.vendors.http import VENDOR_CALLS
from adforge.vendors.rate_limits import AccountLimits, limits_for


@cache
def store() -> StoreSettings:
    return StoreSettings.from_env()


@cache
def client(service: str) -> Any:
    """S3 signs with SigV4, so a presigned upload binds its Content-Type and Content-Length (boto3's default
    for some regions is SigV2, which signs neither)."""
    config = Config(signature_version="s3v4") if service == "s3" else None
    return boto3.client(service, config=config)


@cache
def jobs() -> ObservedJobs:
    """The job records, observed: each job handed out names the log lines that follow (observability.about_job),
    each change is measured (services/observed_jobs.py)."""
    table = DynamoDBJobRepository(boto3.resource("dynamodb").Table(store().table_name))
    return ObservedJobs(table, job_metrics(), cost_per_output, observability.about_job)


def job_metrics() -> JobMetrics:
    """The function's job metrics (EMF), flushed once per invocation by its handler (observability.observed)."""
    return observability.JOB_METRICS


def cost_per_output(vendor: str, kind: JobKind) -> float | None:
    """A vendor's price of one output of `kind` (its capabilities), for the JobCost metric."""
    entry = CATALOG.get(vendor)
    return entry.capabilities.cost_per_output(kind) if entry is not None else None


@cache
def fetcher() -> GuardedFetcher:
    return GuardedFetcher(DestinationGuard(allow_loopback=store().allow_loopback))


@cache
def input_assets() -> S3AssetStore:
    return S3AssetStore(client("s3"), store().bucket_name, store().max_input_bytes, IMAGE_TYPES)


@cache
def output_assets() -> S3AssetStore:
    return S3AssetStore(client("s3"), store().bucket_name, store().max_output_bytes, CREATIVE_TYPES)


@cache
def events() -> EventBridgePublisher:
    return EventBridgePublisher(client("events"), store().event_bus_name)


@cache
def workflow() -> StepFunctionsWorkflow:
    return StepFunctionsWorkflow(client("stepfunctions"), WorkflowSettings.from_env().state_machine_arn)


@cache
def vendor_settings() -> VendorSettings:
    return VendorSettings.from_env()


def vendor_secrets() -> dict[str, dict[str, str]]:
    """Vendor credentials from Secrets Manager, cached by Powertools for five minutes."""
    from aws_lambda_powertools.utilities import parameters

    secret = parameters.get_secret(vendor_settings().vendor_secret_name, transform="json", max_age=300)
    assert isinstance(secret, dict)
    return secret


VENDORS = frozenset(CATALOG)


class LazyGateways(Mapping[str, VendorGateway]):
    """The vendor gateways, built (and the vendor secret read) on first use: a step that never calls a
    vendor, such as recording a failure, never needs `secretsmanager:GetSecretValue`."""

    def __getitem__(self, name: str) -> VendorGateway:
        return gateways()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(gateways())

    def __len__(self) -> int:
        return len(gateways())


class DeferredIntake:
    """Creates jobs through `intake()`, built on first use: the product webhook only verifies and queues,
    so it needs no `STATE_MACHINE_ARN`; its worker creates the jobs."""

    def create(self, tenant_id: str, request: JobRequest) -> Job:
        return intake().create(tenant_id, request)


@cache
def account_admission() -> AccountAdmission:
    """The vendor accounts' limiter as the steps use it: the shared store, each account's limits."""
    return AccountAdmission(admission(), LazyLimits())


def admission() -> DynamoDBAdmission:
    return DynamoDBAdmission(boto3.resource("dynamodb").Table(store().table_name), time.time)


class LazyLimits(Mapping[str, AccountLimits]):
    """Each vendor account's rates (rate_limits.py), read from the vendor secret on first use, like the gateways."""

    def __getitem__(self, name: str) -> AccountLimits:
        return limits()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(limits())

    def __len__(self) -> int:
        return len(limits())


@cache
def limits() -> dict[str, AccountLimits]:
    secrets = vendor_secrets()
    return {
        name: limits_for(name, vendor.secret_key, secrets[vendor.secret_key])
        for name, vendor in CATALOG.items()
        if vendor.secret_key in secrets
    }


@cache
def gateways() -> dict[str, VendorGateway]:
    VENDOR_CALLS.watch(job_metrics().vendor_call)  # each vendor call's outcome (vendors/http.py): VendorCalls
    secrets, settings = vendor_secrets(), vendor_settings()
    return {
        name: vendor.build(
            getattr(settings, vendor.base_url_setting), secrets[vendor.secret_key], fetcher(), settings.vendor_timeout_seconds
        )
        for name, vendor in CATALOG.items()
        if vendor.secret_key in secrets  # a vendor without credentials is simply not offered
    }


def webhook_readers() -> dict[str, WebhookReader]:
    """Built per call so a rotated secret takes effect within the cache age."""
    secrets = vendor_secrets()
    return {
        name: vendor.reader(secrets[vendor.secret_key], time.time)
        for name, vendor in CATALOG.items()
        if vendor.reader is not None and vendor.secret_key in secrets
    }


def intake() -> JobIntake:
    return JobIntake(jobs(), input_assets(), events(), workflow(), fetcher(), VENDORS)


def webhook_intake() -> WebhookIntake:
    return WebhookIntake(jobs(), recorder(), webhook_readers(), LazyGateways())


def tenant_jobs() -> TenantJobs:
    return TenantJobs(jobs(), input_assets(), events(), workflow(), LazyGateways())


@cache
def tenant_secrets() -> DynamoDBTenantSecrets:
    return DynamoDBTenantSecrets(boto3.resource("dynamodb").Table(store().table_name))


def notifier() -> Notifier:
    sender = WebhookSender(DestinationGuard(allow_loopback=store().allow_loopback))
    return Notifier(sender, tenant_secrets(), time.time, time.sleep, random.SystemRandom().random)


class ProductQueue:
    """Accepted product deliveries, handed to the worker."""

    def __init__(self, sqs: Any, url: str) -> None:
        self._sqs, self._url = sqs, url

    def send(self, body: str) -> None:
        self._sqs.send_message(QueueUrl=self._url, MessageBody=body)


@cache
def product_queue() -> ProductQueue:
    return ProductQueue(client("sqs"), QueueSettings.from_env().product_queue_url)


def product_hooks() -> ProductHooks:
    table = boto3.resource("dynamodb").Table(store().table_name)
    return ProductHooks(DynamoDBShopDirectory(table), DynamoDBProductLedger(table, time.time), DeferredIntake())


def upload_trigger() -> UploadTrigger:
    s3, bucket = client("s3"), store().bucket_name

    def metadata(key: str, version: str | None) -> dict[str, str]:
        args = {"Bucket": bucket, "Key": key, **({"VersionId": version} if version else {})}
        return dict(s3.head_object(**args).get("Metadata", {}))

    return UploadTrigger(intake(), metadata, tenant_secrets().default_recipe)


def recorder() -> UpdateRecorder:
    return UpdateRecorder(jobs(), events(), StepFunctionsTasks(client("stepfunctions")), account_admission())


@cache
def health() -> DynamoDBVendorHealth:
    return DynamoDBVendorHealth(boto3.resource("dynamodb").Table(store().table_name), time.time)


def submitter() -> Submitter:
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
        framer(),
        poll.timing_scale,
    )


def poller() -> Poller:
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
    )


def completer() -> Completer:
    return Completer(jobs(), output_assets(), events(), LazyGateways(), framer())


@cache
def framer() -> PillowFramer:
    return PillowFramer(store().max_output_bytes)
