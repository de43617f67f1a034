"""The embedded local stack: moto server + template.yaml's resources + in-process Lambdas + API + sandbox.

One per process (it sets the process environment the way Lambda would for its functions).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from adforge.adapters.dynamodb_health import HEALTH_KEY
from adforge.adapters.dynamodb_tenants import DynamoDBTenantSecrets
from adforge.domain.models import JobRequest
from adforge.platforms.dynamodb import DynamoDBShopDirectory
from adforge.platforms.ports import ShopConfig
from adforge.tenants import TenantKeys
from adforge_local.api_gateway import LocalApiGateway
from adforge_local.event_relay import EventRelay
from adforge_local.lambda_bridge import LambdaBridge
from adforge_local.provision import Provisioned, Provisioner
from adforge_local.sandboxes.adcreative import AdCreativeSandbox
from adforge_local.sandboxes.adcreator import AdCreatorSandbox
from adforge_local.sandboxes.adsumo import AdsumoSandbox
from adforge_local.sandboxes.base import Sandbox
from adforge_local.sandboxes.creativeai import CreativeAISandbox
from adforge_local.template import Template, load

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
STAGE = "v1"
STACK = "adforge-local"


@dataclass
class Options:
    """Timings shrunk for a laptop; the template's defaults are for production."""

    webhook_wait_seconds: int = 4
    poll_initial_seconds: int = 1
    poll_max_seconds: int = 4
    job_deadline_seconds: int = 120
    processing_seconds: float = 1.0
    webhook_retry_delays: list[float] = field(default_factory=lambda: [0.0, 0.5, 2.0])


def _cold_start() -> None:
    """A new stack is a new 'process' for the functions: drop clients and settings cached by an earlier one."""
    from aws_lambda_powertools.utilities import parameters

    from adforge import bootstrap

    for value in vars(bootstrap).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()
    parameters.clear_caches()  # type: ignore[no-untyped-call]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalStack:
    def __init__(self, options: Options | None = None, root: Path = ROOT) -> None:
        self.options = options or Options()
        self.root = root
        self.bridge = LambdaBridge()
        self.api = LocalApiGateway(REGION, STAGE)
        self.creativeai = CreativeAISandbox()
        self.adcreator = AdCreatorSandbox()
        self.adsumo = AdsumoSandbox()
        self.adcreative = AdCreativeSandbox()
        self.sandboxes: dict[str, Sandbox] = {
            "creativeai": self.creativeai,
            "adcreator": self.adcreator,
            "adsumo": self.adsumo,
            "adcreative": self.adcreative,
        }
        self.application_id = "3f0c6a2e-8d4b-4c1e-9a57-2b6f1d9e0c44"  # the AdCreative application the sandbox account owns
        self.webhook_token = "local-webhook-token"  # noqa: S105 - a sandbox value
        self.moto_port = _free_port()
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.moto_port, verbose=False)
        self.template: Template
        self.resources: Provisioned

    @property
    def aws_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=self.aws_endpoint)

    def start(self) -> LocalStack:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._aws_environment()
        self._moto.start()
        self._moto_config({"stepfunctions": {"execute_state_machine": True}})  # before any state machine exists
        for sandbox in self.sandboxes.values():
            sandbox.start()
        self.reset_sandboxes()
        self.template = load(self.root / "template.yaml", self._parameters(), REGION)
        secrets = {"VendorSecret": json.dumps(self.vendor_secret())}
        self.resources = Provisioner(self.template, self.client, REGION, STACK, secrets).run()
        self._functions_environment()
        _cold_start()
        for logical, name in self.resources.functions.items():
            self.bridge.register(name, *self.template.handler(logical))
        self.bridge.install()
        self.api.mount(
            self.template.routes(),
            self.template.authorizer(),
            self.resources.functions,
            self.client("lambda"),
            self.template.gateway_responses(),
        )
        self.api.start()
        self.events_queue_url = self._tap_events()
        self.relay = EventRelay(
            self.resources.rules, self.resources.queue_sources, self.client("sqs"), self.client("lambda")
        ).start()
        return self

    def stop(self) -> None:
        self.relay.stop()
        self.api.stop()
        for sandbox in self.sandboxes.values():
            sandbox.stop()
        self.bridge.uninstall()
        self._moto.stop()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # set-up ----------------------------------------------------------------------------------
    def _aws_environment(self) -> None:
        os.environ.update(
            AWS_ACCESS_KEY_ID="local",
            AWS_SECRET_ACCESS_KEY="local",
            AWS_DEFAULT_REGION=REGION,
            AWS_REGION=REGION,
            AWS_ENDPOINT_URL=self.aws_endpoint,
            MOTO_PORT=str(self.moto_port),  # moto's state-machine executor calls Lambda back here
            POWERTOOLS_SERVICE_NAME="adforge-local",
            POWERTOOLS_TRACE_DISABLED="true",
        )

    def _moto_config(self, config: dict[str, Any]) -> None:
        request = urllib.request.Request(f"{self.aws_endpoint}/moto-api/config", data=json.dumps(config).encode(), method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def _parameters(self) -> dict[str, str]:
        o = self.options
        return {
            "PublicApiUrl": self.api.url,
            "CreativeAIBaseUrl": self.creativeai.url,
            "AdCreatorBaseUrl": self.adcreator.url,
            "AdsumoBaseUrl": self.adsumo.url,
            "AdCreativeBaseUrl": self.adcreative.url,
            "AllowLoopback": "true",
            "WebhookWaitSeconds": str(o.webhook_wait_seconds),
            "PollInitialSeconds": str(o.poll_initial_seconds),
            "PollMaxSeconds": str(o.poll_max_seconds),
            "JobDeadlineSeconds": str(o.job_deadline_seconds),
        }

    def vendor_secret(self) -> dict[str, dict[str, str]]:
        """What an operator would put in VendorSecret: the sandbox accounts' credentials."""
        adcreative = {
            "api_key": self.adcreative.api_key,
            "api_secret": self.adcreative.api_secret,
            "application_id": self.application_id,
            "user_id": "5b8f2d71-4c3a-4e9b-8f06-1a2b3c4d5e6f",
            "webhook_token": self.webhook_token,
        }
        return {
            "creativeai": {"api_key": self.creativeai.api_key},
            "adcreator": {"api_key": self.adcreator.api_key},
            "adsumo": {"api_key": self.adsumo.api_key},
            "adcreative_photoshoot": adcreative,
            "adcreative_stock": adcreative,
        }

    def reset_sandboxes(self) -> None:
        """Every sandbox back to a clean account with the stack's pace and webhook schedule."""
        for sandbox in self.sandboxes.values():
            sandbox.reset()
            sandbox.set_faults(
                processing_seconds=self.options.processing_seconds, webhook_retry_delays=self.options.webhook_retry_delays
            )

    def _functions_environment(self) -> None:
        """All functions share one process, so their variables must agree; the layer goes on sys.path."""
        merged: dict[str, str] = {}
        for function, env in self.resources.environment.items():
            for key, value in env.items():
                if merged.setdefault(key, value) != value:
                    raise RuntimeError(f"{function} sets {key}={value!r}, another function {merged[key]!r}")
        os.environ.update(merged)
        for path in self.template.layer_paths():
            if str(path) not in sys.path:
                sys.path.insert(0, str(path))

    def _tap_events(self) -> str:
        """Every job event on the bus is copied to an SQS queue so the demo and tests can read them."""
        sqs, events = self.client("sqs"), self.client("events")
        queue_url = sqs.create_queue(QueueName="adforge-local-event-tap")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        bus = self.resources.resolver.ref("EventBus")
        events.put_rule(Name="local-event-tap", EventBusName=bus, EventPattern=json.dumps({"source": ["adforge.jobs"]}))
        events.put_targets(Rule="local-event-tap", EventBusName=bus, Targets=[{"Id": "tap", "Arn": queue_arn}])
        return str(queue_url)

    # conveniences for the demo and tests ------------------------------------------------------
    @property
    def bucket(self) -> str:
        return self.resources.resolver.ref("AssetsBucket")

    @property
    def table(self) -> str:
        return self.resources.resolver.ref("JobsTable")

    def create_tenant(self, tenant_id: str) -> str:
        """A tenant with an API key (returned) and a webhook signing secret (see `webhook_secret`)."""
        DynamoDBTenantSecrets(self._table()).ensure_secret(tenant_id)
        return TenantKeys(self._table()).issue(tenant_id)

    def forget_vendor_health(self) -> None:
        """Recent vendor failures steer `auto` routing; a test that induced some should not steer the next."""
        self._table().delete_item(Key=HEALTH_KEY)

    def relay_idle(self) -> bool:
        return self.relay.idle()

    def register_shop(self, platform: str, shop: str, tenant_id: str, secret: str, recipe: dict[str, Any]) -> str:
        """What an installed Shopify app / WooCommerce webhook set-up records: shop -> tenant, secret, recipe."""
        config = ShopConfig(tenant_id=tenant_id, secret=secret, recipe=JobRequest.model_validate(recipe))
        return DynamoDBShopDirectory(self._table()).register_shop(platform, shop, config)

    def set_default_recipe(self, tenant_id: str, recipe: dict[str, Any]) -> None:
        DynamoDBTenantSecrets(self._table()).set_default_recipe(tenant_id, recipe)

    def webhook_secret(self, tenant_id: str) -> str:
        return DynamoDBTenantSecrets(self._table()).secret_for(tenant_id)

    def _table(self) -> Any:
        return boto3.resource("dynamodb", region_name=REGION, endpoint_url=self.aws_endpoint).Table(self.table)

    def drain_events(self) -> list[dict[str, Any]]:
        sqs = self.client("sqs")
        found: list[dict[str, Any]] = []
        while True:
            batch = sqs.receive_message(QueueUrl=self.events_queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                found.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.events_queue_url, ReceiptHandle=message["ReceiptHandle"])

    def wait_for_execution(self, job_id: str, timeout: float = 60) -> dict[str, Any]:
        sfn = self.client("stepfunctions")
        arn = self.resources.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{job_id}"
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                described: dict[str, Any] = sfn.describe_execution(executionArn=arn)
            except sfn.exceptions.ExecutionDoesNotExist:
                described = {"status": "PENDING"}
            if described["status"] not in ("RUNNING", "PENDING"):
                return described
            time.sleep(0.1)
        raise TimeoutError(f"execution {job_id} still running after {timeout}s")

    @staticmethod
    def wait_until(condition: Any, timeout: float = 10) -> None:
        deadline = time.time() + timeout
        while not condition():
            if time.time() > deadline:
                raise TimeoutError("condition not met")
            time.sleep(0.05)

    def history(self, job_id: str) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        arn = self.resources.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{job_id}"
        events: list[dict[str, Any]] = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        return events
