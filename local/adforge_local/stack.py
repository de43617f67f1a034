"""The embedded local stack: moto server + template.yaml's resources + Lambdas + API + vendor sandboxes.

Each function runs in execution environments of its own (lambda_bridge.py) with the credentials of its
own execution role, and IAM is enforced once provisioning is done (iam_enforcement.py). The stack itself,
the demo and the tests act as an operator: an IAM user allowed everything, whose keys `client()` uses.
One per process (moto's authorization switch is process-wide).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from adforge.adapters.dynamodb_health import HEALTH_KEY
from adforge.adapters.dynamodb_shops import DynamoDBShopDirectory
from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys, DynamoDBTenantSecrets
from adforge.domain.models import JobRequest
from adforge.domain.shops import ShopConfig
from adforge_local import dynamodb_atomicity, event_pattern_fidelity, stop_fidelity
from adforge_local.api_gateway import LocalApiGateway
from adforge_local.event_relay import EventRelay
from adforge_local.iam_enforcement import Enforcer
from adforge_local.lambda_bridge import FunctionSpec, LambdaBridge, lay_out_opt
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
    """Timings shrunk for a laptop; the template's defaults are for production. `template` may name a
    copy of template.yaml (code paths stay relative to the real one's folder). `timing_scale` multiplies every
    vendor's declared timings (render times, webhook retries, poll interval: `Capabilities.timings`); the waits
    they give stay under `webhook_wait_seconds` and `poll_initial_seconds`."""

    webhook_wait_seconds: int = 4
    poll_initial_seconds: int = 1
    poll_max_seconds: int = 4
    job_deadline_seconds: int = 120
    processing_seconds: float = 1.0
    webhook_retry_delays: list[float] = field(default_factory=lambda: [0.0, 0.5, 2.0])
    vendor_timeout_seconds: int = 10
    timing_scale: float = 1.0
    function_concurrency: int = 4  # execution environments per function at most
    template: Path | None = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalStack:
    def __init__(self, options: Options | None = None, root: Path = ROOT) -> None:
        self.options = options or Options()
        self.root = root
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
        self.bridge: LambdaBridge
        self.session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=REGION)
        self._scratch = Path(tempfile.mkdtemp(prefix="adforge-local-"))
        self.enforcer = Enforcer()

    @property
    def aws_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    def client(self, service: str) -> Any:
        """A client acting as the operator (allowed everything)."""
        return self.session.client(service, endpoint_url=self.aws_endpoint)

    def resource(self, service: str) -> Any:
        return self.session.resource(service, endpoint_url=self.aws_endpoint)

    def start(self) -> LocalStack:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._aws_environment()
        self._moto.start()
        self._moto_config({"stepfunctions": {"execute_state_machine": True}})  # before any state machine exists
        stop_fidelity.install()
        event_pattern_fidelity.install()
        dynamodb_atomicity.install()
        for sandbox in self.sandboxes.values():
            sandbox.start()
        self.reset_sandboxes()
        self.session = self._operator()
        self.template = load(self.options.template or self.root / "template.yaml", self._parameters(), REGION, self.root)
        secrets = {"VendorSecret": json.dumps(self.vendor_secret())}
        self.resources = Provisioner(self.template, self.client, REGION, STACK, secrets).run()
        self.bridge = self._bridge()
        self.bridge.install()
        self._enforce_iam()
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
        self._write_report()
        self.enforcer.uninstall()
        stop_fidelity.uninstall()
        event_pattern_fidelity.uninstall()
        dynamodb_atomicity.uninstall()
        self._moto_post("/moto-api/reset-auth", b"inf")  # the next stack in this process starts open
        self._moto.stop()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # set-up ----------------------------------------------------------------------------------
    def _aws_environment(self) -> None:
        os.environ.update(
            AWS_DEFAULT_REGION=REGION,
            AWS_REGION=REGION,
            AWS_ENDPOINT_URL=self.aws_endpoint,
            MOTO_PORT=str(self.moto_port),  # moto's state-machine executor calls Lambda back here
        )

    def _moto_config(self, config: dict[str, Any]) -> None:
        self._moto_post("/moto-api/config", json.dumps(config).encode())

    def _moto_post(self, path: str, body: bytes) -> None:
        request = urllib.request.Request(f"{self.aws_endpoint}{path}", data=body, method="POST")
        request.add_header("Content-Type", "text/plain")
        urllib.request.urlopen(request, timeout=10).close()

    def _operator(self) -> boto3.Session:
        """An IAM user allowed everything: what the stack, the demo and the tests act as."""
        iam = self.client("iam")
        iam.create_user(UserName="local-operator")
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam.put_user_policy(UserName="local-operator", PolicyName="operator", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="local-operator")["AccessKey"]
        os.environ.update(AWS_ACCESS_KEY_ID=key["AccessKeyId"], AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"])
        os.environ.pop("AWS_SESSION_TOKEN", None)
        boto3.DEFAULT_SESSION = None  # boto3's default session caches the credentials it first read
        return boto3.Session(key["AccessKeyId"], key["SecretAccessKey"], region_name=REGION)

    def _bridge(self) -> LambdaBridge:
        """Every function of the template, each in its own execution environments."""
        sts, sessions = self.client("sts"), {}
        for config in self.resources.configs.values():
            # Lambda assumes the role as the service its trust policy names; the operator may not, so each
            # role is assumed before IAM is enforced (moto does not expire sessions)
            given = sts.assume_role(RoleArn=config.role_arn, RoleSessionName=config.name[-64:])["Credentials"]
            self.enforcer.principals[given["AccessKeyId"]] = config.name.removeprefix(f"{STACK}-")
            sessions[config.role_arn] = {
                "AWS_ACCESS_KEY_ID": given["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": given["SecretAccessKey"],
                "AWS_SESSION_TOKEN": given["SessionToken"],
            }
        opt = lay_out_opt(self.template.layer_paths(), self._scratch / "opt")
        # no X-Ray daemon listens here: tracing is off (adforge/observability.py then makes no Tracer at all)
        lambda_environment = {
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        bridge = LambdaBridge(
            opt, self._scratch / "logs", sessions.__getitem__, lambda_environment, self.options.function_concurrency
        )
        for logical, config in self.resources.configs.items():
            code_dir, handler = self.template.handler(logical)
            bridge.register(
                FunctionSpec(
                    config.name, config.arn, code_dir, handler, config.timeout, config.memory, config.role_arn, config.environment
                )
            )
        return bridge

    def _enforce_iam(self) -> None:
        """From here on every AWS call is checked against its caller's policies."""
        self.enforcer.executor_role = self.resources.state_machine_role
        self.enforcer.install()
        self._moto_post("/moto-api/reset-auth", b"0")

    def _write_report(self) -> None:
        """With ADFORGE_STACK_REPORT=<file>, append what this stack saw: every (function, action, resource)
        IAM let through (`"iam"` rows) and each function's first cold invocation (`"cold_start"` rows)."""
        target = os.environ.get("ADFORGE_STACK_REPORT")
        if target:
            rows: list[dict[str, Any]] = [{"iam": call} for call in sorted(self.enforcer.allowed)]
            rows += [{"cold_start": [name, seconds]} for name, seconds in sorted(self.bridge.cold_starts().items())]
            with open(target, "a") as report:
                report.writelines(json.dumps(row) + "\n" for row in rows)

    @property
    def logs(self) -> Path:
        """One log file per function: what its handlers printed."""
        return self._scratch / "logs"

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
            "VendorTimeoutSeconds": str(o.vendor_timeout_seconds),
            "TimingScale": str(o.timing_scale),
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
        creativeai = {"api_key": self.creativeai.api_key}
        if self.creativeai.signing_secret is not None:  # the signing secret configured at CreativeAI, if any
            creativeai["webhook_secret"] = self.creativeai.signing_secret
        return {
            "creativeai": creativeai,
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
        return DynamoDBTenantKeys(self._table()).issue(tenant_id)

    def forget_vendor_health(self) -> None:
        """Recent vendor failures steer `auto` routing, and a vendor's admission windows (its creation slots and
        running generations, `ADMIT#` items) hold later jobs back: a test that induced either should not steer or
        hold the next one."""
        table = self._table()
        table.delete_item(Key=HEALTH_KEY)
        scan: dict[str, Any] = {"FilterExpression": "begins_with(pk, :p)", "ExpressionAttributeValues": {":p": "ADMIT#"}}
        for _ in range(100):  # pages; the admission items are a few per vendor
            page = table.scan(ProjectionExpression="pk", **scan)
            for item in page.get("Items", []):
                table.delete_item(Key={"pk": item["pk"]})
            if "LastEvaluatedKey" not in page:
                return
            scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]

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
        return self.resource("dynamodb").Table(self.table)

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

    def running_executions(self) -> list[str]:
        """The names (job ids) of the workflow executions still running."""
        sfn, names = self.client("stepfunctions"), []
        request = {"stateMachineArn": self.resources.state_machine_arn, "statusFilter": "RUNNING"}
        for _ in range(100):  # pages of 100
            page = sfn.list_executions(**request)
            names += [execution["name"] for execution in page["executions"]]
            if not page.get("nextToken"):
                break
            request["nextToken"] = page["nextToken"]
        return names

    def wait_quiet(self, timeout: float = 60) -> None:
        """Until no job of an earlier test is still at work (its steps would log and measure meanwhile)."""
        self.wait_until(lambda: not self.running_executions(), timeout)

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
