"""Creates the translated template's resources in moto, through the ordinary AWS APIs.

Glue only where moto lacks a piece: its CloudFormation would put the state machine in a
non-executing store and cannot fetch function code, so resources are created one API call
each, in dependency order, with physical names derived from the stack name. A resource whose
Condition is false is not created, as CloudFormation does. Every resource type of the template is
either in CREATED or in NOT_CREATED with the reason; a type in neither stops the provisioning, so a
new kind of resource is never skipped silently.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adforge_local.template import ACCOUNT, Resolver, Template

Clients = Callable[[str], Any]

CREATED = frozenset(
    {
        "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Events::EventBus", "AWS::SecretsManager::Secret",
        "AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "AWS::SNS::Topic", "AWS::SNS::Subscription",
        "AWS::Logs::LogGroup", "AWS::IAM::Role", "AWS::Lambda::Function", "AWS::Lambda::EventInvokeConfig",
        "AWS::StepFunctions::StateMachine", "AWS::Events::Rule", "AWS::Lambda::EventSourceMapping",
        "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard",
    }
)  # fmt: skip
NOT_CREATED = {
    "AWS::ApiGateway::RestApi": "the local gateway serves the template's routes (api_gateway.py)",
    "AWS::ApiGateway::Deployment": "the local gateway serves the template's routes (api_gateway.py)",
    "AWS::ApiGateway::Stage": "the local gateway serves one stage and writes no access logs",
    "AWS::ApiGateway::Account": "an account-wide setting for API Gateway's access logs; the local gateway writes none",
    "AWS::Lambda::LayerVersion": "the layer's folder is laid out as /opt for every function (lambda_bridge.py)",
    "AWS::Lambda::Permission": "resource policies are not evaluated locally (iam_enforcement.py)",
    "AWS::S3::BucketPolicy": "denies plain HTTP, which the loopback stack speaks (iam_enforcement.py)",
}


def unaccounted_types(template: Template) -> list[str]:
    """Resource types of the translated template the provisioner neither creates nor skips on purpose."""
    kinds = {resource["Type"] for resource in template.cfn["Resources"].values()}
    return sorted(kinds - CREATED - set(NOT_CREATED))


def _placeholder_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README", "code runs in the local stack's execution environments (lambda_bridge.py)")
    return buffer.getvalue()


@dataclass(frozen=True)
class RelayedRule:
    """An EventBridge rule whose Lambda targets moto cannot invoke: its events land in `queue_url` instead."""

    name: str
    queue_url: str
    functions: tuple[str, ...]  # target function names
    retries: int  # the function's EventInvokeConfig MaximumRetryAttempts (Lambda's default is 2)
    failure_queue_url: str | None


@dataclass(frozen=True)
class QueueSource:
    """An SQS event source mapping: moto keeps the mapping but never polls, so the relay does."""

    queue_url: str
    function: str
    batch_size: int
    partial_failures: bool


@dataclass(frozen=True)
class FunctionConfig:
    """A created function as Lambda would run it."""

    name: str
    arn: str
    role_arn: str
    handler: str
    timeout: int
    memory: int
    environment: dict[str, str]


@dataclass
class Provisioned:
    """Physical names of what was created, by logical id."""

    resolver: Resolver
    functions: dict[str, str] = field(default_factory=dict)  # logical -> function name
    configs: dict[str, FunctionConfig] = field(default_factory=dict)  # logical -> config
    state_machine_arn: str = ""
    state_machine_role: str = ""  # role name
    rules: list[RelayedRule] = field(default_factory=list)
    queue_sources: list[QueueSource] = field(default_factory=list)


class Provisioner:
    def __init__(self, template: Template, clients: Clients, region: str, stack_name: str, secrets: dict[str, str]) -> None:
        self.t = template
        self.aws = clients
        self.region = region
        self.stack = stack_name
        self.secrets = secrets
        self.r = Resolver(template, region, stack_name)

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{ACCOUNT}:{resource}"

    def run(self) -> Provisioned:
        unknown = unaccounted_types(self.t)
        if unknown:
            raise ValueError(f"the local stack does not know how to provision {unknown}: add each to CREATED or NOT_CREATED")
        out = Provisioned(self.r)
        self._predict_names()
        self._tables()
        self._buckets()
        self._buses()
        self._secrets()
        self._queues()
        self._queue_policies()
        self._topics()
        self._log_groups()
        self._roles()
        out.configs = self._functions()
        out.functions = {logical: config.name for logical, config in out.configs.items()}
        self._function_settings()
        out.state_machine_arn, out.state_machine_role = self._state_machines()
        out.rules = self._rules()
        out.queue_sources = self._queue_sources()
        self._alarms()
        self._dashboards()
        return out

    def _wanted(self, kind: str) -> dict[str, dict[str, Any]]:
        """The template's resources of a kind that CloudFormation would create (their Condition holds)."""
        return {
            logical: resource
            for logical, resource in self.t.resources(kind).items()
            if "Condition" not in resource or self.r.condition(resource["Condition"])
        }

    def _name(self, logical: str) -> str:
        return f"{self.stack}-{logical}"[:64]

    def _predict_names(self) -> None:
        """Functions and state machines are referenced (in policies) before they exist."""
        for logical in self.t.resources("AWS::Lambda::Function"):
            name = self._name(logical)
            self.r.refs[logical] = name
            self.r.attrs[(logical, "Arn")] = self.arn("lambda", f"function:{name}")
        for logical, resource in self.t.resources("AWS::StepFunctions::StateMachine").items():
            name = self.r.resolve(resource["Properties"].get("StateMachineName")) or self._name(logical)
            self.r.refs[logical] = self.arn("states", f"stateMachine:{name}")
            self.r.attrs[(logical, "Name")] = name
        for logical in self.t.resources("AWS::Lambda::LayerVersion"):
            self.r.refs[logical] = self.arn("lambda", f"layer:{logical}:1")
        for logical in self.t.resources("AWS::ApiGateway::RestApi"):
            self.r.refs[logical] = "local"

    def _tables(self) -> None:
        dynamodb = self.aws("dynamodb")
        for logical, resource in self.t.resources("AWS::DynamoDB::Table").items():
            props = self.r.resolve(resource["Properties"])
            name = props.get("TableName") or self._name(logical)
            args = {k: props[k] for k in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes") if k in props}
            dynamodb.create_table(TableName=name, BillingMode=props.get("BillingMode", "PAY_PER_REQUEST"), **args)
            if "TimeToLiveSpecification" in props:
                dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=props["TimeToLiveSpecification"])
            self.r.refs[logical] = name
            self.r.attrs[(logical, "Arn")] = self.arn("dynamodb", f"table/{name}")

    def _buckets(self) -> None:
        s3 = self.aws("s3")
        for logical, resource in self.t.resources("AWS::S3::Bucket").items():
            props = self.r.resolve(resource["Properties"])
            name = props.get("BucketName") or self._name(logical).lower()
            s3.create_bucket(Bucket=name)
            if "BucketEncryption" in props:
                rules = [
                    {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
                    for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                ]  # CFN names it differently
                s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
            if "PublicAccessBlockConfiguration" in props:
                s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
            if "VersioningConfiguration" in props:
                s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
            if props.get("NotificationConfiguration", {}).get("EventBridgeConfiguration", {}).get("EventBridgeEnabled"):
                s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={"EventBridgeConfiguration": {}})
            self.r.refs[logical] = name
            self.r.attrs[(logical, "Arn")] = f"arn:aws:s3:::{name}"

    def _buses(self) -> None:
        events = self.aws("events")
        for logical, resource in self.t.resources("AWS::Events::EventBus").items():
            name = self.r.resolve(resource["Properties"]["Name"])
            arn = events.create_event_bus(Name=name)["EventBusArn"]
            self.r.refs[logical] = name
            self.r.attrs[(logical, "Arn")] = arn
            self.r.attrs[(logical, "Name")] = name

    def _secrets(self) -> None:
        manager = self.aws("secretsmanager")
        for logical in self.t.resources("AWS::SecretsManager::Secret"):
            value = self.secrets.get(logical)
            if value is None:
                raise KeyError(f"the local stack has no value for secret {logical}")
            arn = manager.create_secret(Name=self._name(logical), SecretString=value)["ARN"]
            self.r.refs[logical] = arn

    def _queues(self) -> None:
        sqs = self.aws("sqs")
        queues = self.t.resources("AWS::SQS::Queue")
        # dead-letter queues first: a redrive policy names its target's ARN
        for logical in sorted(queues, key=lambda name: "RedrivePolicy" in queues[name].get("Properties", {})):
            props = self.r.resolve(queues[logical].get("Properties", {}))
            attributes = {k: str(props[k]) for k in ("VisibilityTimeout", "MessageRetentionPeriod") if k in props}
            if "RedrivePolicy" in props:
                attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
            url = sqs.create_queue(QueueName=self._name(logical), Attributes=attributes)["QueueUrl"]
            self.r.refs[logical] = url
            self.r.attrs[(logical, "Arn")] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            self.r.attrs[(logical, "QueueName")] = self._name(logical)

    def _queue_policies(self) -> None:
        """Set as written, though not enforced: iam_enforcement.py evaluates identity policies only."""
        sqs = self.aws("sqs")
        for resource in self._wanted("AWS::SQS::QueuePolicy").values():
            props = self.r.resolve(resource["Properties"])
            for url in props["Queues"]:
                sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])})

    def _topics(self) -> None:
        sns = self.aws("sns")
        for logical, resource in self._wanted("AWS::SNS::Topic").items():
            props = self.r.resolve(resource.get("Properties", {}))
            arn = sns.create_topic(Name=props.get("TopicName") or self._name(logical))["TopicArn"]
            self.r.refs[logical] = arn
            self.r.attrs[(logical, "TopicArn")] = arn
        for logical, resource in self._wanted("AWS::SNS::Subscription").items():
            props = self.r.resolve(resource["Properties"])
            arn = sns.subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"])
            self.r.refs[logical] = arn["SubscriptionArn"]

    def _log_groups(self) -> None:
        """Before the functions and the state machine, which name them (LoggingConfig, Logging)."""
        logs = self.aws("logs")
        for logical, resource in self._wanted("AWS::Logs::LogGroup").items():
            props = self.r.resolve(resource.get("Properties", {}))
            name = props.get("LogGroupName") or self._name(logical)
            logs.create_log_group(logGroupName=name)
            if "RetentionInDays" in props:
                logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
            self.r.refs[logical] = name
            self.r.attrs[(logical, "Arn")] = self.arn("logs", f"log-group:{name}:*")

    def _function_settings(self) -> None:
        """Reserved concurrency and asynchronous-invoke settings, recorded in moto as Lambda would keep them.
        The local bridge caps every function at Options.function_concurrency environments whatever is reserved;
        the event relay (event_relay.py) applies the invoke configs' retries and OnFailure queues."""
        lam = self.aws("lambda")
        for logical, resource in self.t.resources("AWS::Lambda::Function").items():
            reserved = resource["Properties"].get("ReservedConcurrentExecutions")
            if reserved is not None:
                lam.put_function_concurrency(
                    FunctionName=self.r.refs[logical], ReservedConcurrentExecutions=int(self.r.resolve(reserved))
                )
        for resource in self._wanted("AWS::Lambda::EventInvokeConfig").values():
            props = self.r.resolve(resource["Properties"])
            settings = {k: int(props[k]) for k in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds") if k in props}
            if "DestinationConfig" in props:
                settings["DestinationConfig"] = props["DestinationConfig"]
            lam.put_function_event_invoke_config(FunctionName=props["FunctionName"], Qualifier=props["Qualifier"], **settings)

    def _alarms(self) -> None:
        """Created as written (moto stores them and evaluates nothing: no metric reaches it from the bridge)."""
        cloudwatch = self.aws("cloudwatch")
        numbers = {"Period": int, "EvaluationPeriods": int, "DatapointsToAlarm": int, "Threshold": float}
        for logical, resource in self._wanted("AWS::CloudWatch::Alarm").items():
            props = self.r.resolve(resource["Properties"])
            name = props.pop("AlarmName", None) or self._name(logical)
            args = {key: numbers[key](value) if key in numbers else value for key, value in props.items()}
            for query in args.get("Metrics", []):
                if "MetricStat" in query:
                    query["MetricStat"]["Period"] = int(query["MetricStat"]["Period"])
            cloudwatch.put_metric_alarm(AlarmName=name, **args)
            self.r.refs[logical] = name
            self.r.attrs[(logical, "Arn")] = self.arn("cloudwatch", f"alarm:{name}")

    def _dashboards(self) -> None:
        cloudwatch = self.aws("cloudwatch")
        for logical, resource in self._wanted("AWS::CloudWatch::Dashboard").items():
            props = self.r.resolve(resource["Properties"])
            name = props.get("DashboardName") or self._name(logical)
            cloudwatch.put_dashboard(DashboardName=name, DashboardBody=props["DashboardBody"])
            self.r.refs[logical] = name

    def _rules(self) -> list[RelayedRule]:
        """Each rule is created as written; its Lambda targets are replaced by one relay queue (glue)."""
        events, sqs = self.aws("events"), self.aws("sqs")
        invoke_configs = {
            self.r.resolve(c["Properties"]["FunctionName"]): c["Properties"]
            for c in self.t.resources("AWS::Lambda::EventInvokeConfig").values()
        }
        relayed = []
        for logical, resource in self.t.resources("AWS::Events::Rule").items():
            props = self.r.resolve(resource["Properties"])
            name, bus = self._name(logical), props.get("EventBusName", "default")
            events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(props["EventPattern"]), State="ENABLED")
            functions = tuple(t["Arn"].rsplit(":", 1)[-1] for t in props.get("Targets", []) if ":function:" in t["Arn"])
            queue_url = sqs.create_queue(QueueName=f"{name}-relay"[:80])["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "local-relay", "Arn": queue_arn}])
            config = invoke_configs.get(functions[0], {}) if functions else {}
            failure = config.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            failure_url = next((url for q, url in self.r.refs.items() if self.r.attrs.get((q, "Arn")) == failure), None)
            relayed.append(RelayedRule(name, queue_url, functions, int(config.get("MaximumRetryAttempts", 2)), failure_url))
        return relayed

    def _queue_sources(self) -> list[QueueSource]:
        sources = []
        for resource in self.t.resources("AWS::Lambda::EventSourceMapping").values():
            props = self.r.resolve(resource["Properties"])
            queue = next(
                (q for q in self.t.resources("AWS::SQS::Queue") if self.r.attrs.get((q, "Arn")) == props["EventSourceArn"]), None
            )
            if queue is None:
                continue  # only SQS sources are relayed
            partial = "ReportBatchItemFailures" in props.get("FunctionResponseTypes", [])
            sources.append(QueueSource(self.r.refs[queue], props["FunctionName"], int(props.get("BatchSize", 10)), partial))
        return sources

    def _roles(self) -> None:
        iam = self.aws("iam")
        for logical, resource in self.t.resources("AWS::IAM::Role").items():
            props = self.r.resolve(resource["Properties"])
            name = self._name(logical)
            role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(props["AssumeRolePolicyDocument"]))["Role"]
            for policy in props.get("Policies", []):
                # SAM's policy templates omit Version (IAM then assumes 2008-10-17); moto insists on one
                document = {"Version": "2012-10-17", **policy["PolicyDocument"]}
                iam.put_role_policy(RoleName=name, PolicyName=policy["PolicyName"], PolicyDocument=json.dumps(document))
            self.r.refs[logical] = name
            self.r.attrs[(logical, "Arn")] = role["Arn"]

    def _functions(self) -> dict[str, FunctionConfig]:
        lam = self.aws("lambda")
        configs: dict[str, FunctionConfig] = {}
        code = _placeholder_zip()
        for logical, resource in self.t.resources("AWS::Lambda::Function").items():
            props = self.r.resolve(resource["Properties"])
            name = self.r.refs[logical]
            env = {k: str(v) for k, v in props.get("Environment", {}).get("Variables", {}).items()}
            config = FunctionConfig(
                name, self.r.attrs[(logical, "Arn")], props["Role"], props["Handler"],
                int(props.get("Timeout", 3)), int(props.get("MemorySize", 128)), env,
            )  # fmt: skip
            lam.create_function(
                FunctionName=name,
                Runtime=props["Runtime"],
                Role=config.role_arn,
                Handler=config.handler,
                Code={"ZipFile": code},
                Timeout=config.timeout,
                MemorySize=config.memory,
                Environment={"Variables": env},
                # as Lambda takes it (moto 5.2.5 drops it; the bridge writes each function's log to a file)
                **({"LoggingConfig": props["LoggingConfig"]} if "LoggingConfig" in props else {}),
            )
            configs[logical] = config
        return configs

    def _state_machines(self) -> tuple[str, str]:
        """(ARN, role name) of the template's state machine."""
        sfn = self.aws("stepfunctions")
        arn = role = ""
        for logical, resource in self.t.resources("AWS::StepFunctions::StateMachine").items():
            props = resource["Properties"]
            definition = self.r.resolve(props["DefinitionString"])
            for key, value in self.r.resolve(props.get("DefinitionSubstitutions", {})).items():
                definition = definition.replace("${" + key + "}", str(value))
            role_arn = self.r.resolve(props["RoleArn"])
            logging = props.get("LoggingConfiguration")
            arn = sfn.create_state_machine(
                name=self.r.attrs[(logical, "Name")],
                definition=definition,
                roleArn=role_arn,
                type=props.get("StateMachineType", "STANDARD"),
                **({"loggingConfiguration": _logging_configuration(self.r.resolve(logging))} if logging else {}),
            )["stateMachineArn"]
            role = role_arn.rsplit("/", 1)[-1]
        return arn, role


def _logging_configuration(cfn: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's LoggingConfiguration in the API's spelling (camelCase keys)."""
    return {
        "level": cfn.get("Level", "OFF"),
        "includeExecutionData": bool(cfn.get("IncludeExecutionData", False)),
        "destinations": [
            {"cloudWatchLogsLogGroup": {"logGroupArn": d["CloudWatchLogsLogGroup"]["LogGroupArn"]}}
            for d in cfn.get("Destinations", [])
        ],
    }
