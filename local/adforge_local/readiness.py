"""`make deploy-check`: would what `sam build` makes start and run in Lambda?

1. `sam build` of template.yaml exactly as written (the artifact `sam deploy` would upload), then that
   artifact is verified on disk: every function's handler file, the layer's own packages file for file,
   every pinned requirement at its pinned version, and every native extension built for the template's
   architecture (ELF machine of each `.so`, manylinux tags no newer than Lambda's glibc).
2. Architecture. The template says arm64. On an arm64 host the artifact of step 1 is also the one that
   is run. On any other host (CI is x86_64) its aarch64 wheels (pydantic-core) cannot be loaded, so a
   second `sam build` is made from a copy of the template whose architectures alone are switched to the
   host's (`retarget`; nothing else in it changes), and the two artifacts are compared: the same
   distributions at the same versions and the same bytes in every file but the native binaries and
   their wheel metadata. Step 3 runs that host build. What is run is therefore the deployable artifact
   except for the compiled extensions, and those are the very wheels pip picks for the other platform.
   Emulating arm64 (qemu) or a container was rejected: neither is available on CI, and both are slow.
3. Every function of the template, in its own clean `python3.12 -I -S -B` process (no site-packages, no
   user site, no PYTHON* variables, nothing written into the artifact), with `sys.path` built as Lambda
   builds it: the task root (`<build>/<Function>/`), the built layer as `/opt/python`, the standard
   library, and last a directory holding only boto3 and botocore and their dependencies (what the
   python3.12 runtime ships), installed here from PyPI at the pins of requirements-dev.txt. Its
   environment is the template's for that function alone (Globals, then its own Variables; parameter
   defaults and samconfig.toml's overrides; placeholders for resource Refs and GetAtts) plus what
   Lambda sets (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, LAMBDA_TASK_ROOT, _HANDLER, credentials, ...). The
   handler module is imported (the cold start, timed) and the handler called with each of the
   function's events/ samples (`events/<code dir>.json` or `events/<code dir>_*.json`).
4. No AWS is reachable: AWS_ENDPOINT_URL points at a stub on 127.0.0.1, one per function, that answers
   every call with a non-retryable 400 `ReadinessCheckNoAws`, so the first AWS call fails at once as an
   AWS error. A function is ready when its module imports and each invocation either returns or raises
   an error that came from an AWS call (botocore ClientError, EndpointConnectionError, ...; anywhere in
   the exception's chain) or is one of the app's mapped errors (domain, vendor, fetch errors). Any
   ImportError, NameError, AttributeError, TypeError, KeyError or SettingsError raised (or explicitly
   chained as the cause) means it is not, and so does any other unexpected error. An aggregate (an
   SQS batch whose every record failed: Powertools' BatchProcessingError; an exception group) and a
   partial batch response are judged by the record failures behind them.
   The stub's error stops each invocation at its first AWS call, so what a handler would do after a
   successful call is not reached here (the e2e tests on the local stack cover those paths).

Build directories and caches are under .aws-sam-check/ (`sam build --cached`; the runtime SDK is
installed once per pin set). Exit status 1 when any build, artifact or function is not ready.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
import tomllib
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

from samtranslator.yaml_helper import yaml_parse

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("readiness_runner.py")
CHECK_DIR = REPO / ".aws-sam-check"
ACCOUNT = "123456789012"
RUNTIME = "python3.12"

Template = dict[str, Any]

# ---------------------------------------------------------------------------------------------------
# The template, read for one function: its properties, its environment, placeholders for what deploy makes
# ---------------------------------------------------------------------------------------------------

PSEUDO = ("AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::StackName", "AWS::URLSuffix", "AWS::StackId")
NAME_PROPERTY = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Events::EventBus": "Name",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::Serverless::StateMachine": "Name",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Serverless::Function": "FunctionName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Serverless::LayerVersion": "LayerName",
}
# What `Ref` returns for each type, when it is not the physical name.
REF_FORMAT = {
    "AWS::SQS::Queue": "https://sqs.{region}.amazonaws.com/{account}/{name}",
    "AWS::SNS::Topic": "arn:{partition}:sns:{region}:{account}:{name}",
    "AWS::SecretsManager::Secret": "arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-AbCdEf",
    "AWS::Serverless::StateMachine": "arn:{partition}:states:{region}:{account}:stateMachine:{name}",
    "AWS::StepFunctions::StateMachine": "arn:{partition}:states:{region}:{account}:stateMachine:{name}",
    "AWS::Serverless::LayerVersion": "arn:{partition}:lambda:{region}:{account}:layer:{name}:1",
}
ARN_FORMAT = {
    "AWS::DynamoDB::Table": "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
    "AWS::S3::Bucket": "arn:{partition}:s3:::{name}",
    "AWS::Events::EventBus": "arn:{partition}:events:{region}:{account}:event-bus/{name}",
    "AWS::SQS::Queue": "arn:{partition}:sqs:{region}:{account}:{name}",
    "AWS::Serverless::Function": "arn:{partition}:lambda:{region}:{account}:function:{name}",
    "AWS::Lambda::Function": "arn:{partition}:lambda:{region}:{account}:function:{name}",
}
# Set by Lambda itself; a template may not set them (deploy would refuse the function).
LAMBDA_RESERVED = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",
    }
)


class TemplateError(ValueError):
    """The template holds something this check cannot read."""


@dataclass(frozen=True)
class Deployment:
    """What `sam deploy` would be given: stack, region, parameter overrides (samconfig.toml)."""

    stack_name: str = "adforge"
    region: str = "us-east-1"
    account: str = ACCOUNT
    parameters: Mapping[str, str] = field(default_factory=dict)


def load_template(path: Path) -> Template:
    """The template with CloudFormation's short tags (`!Ref`) in their long form."""
    return cast(Template, yaml_parse(path.read_text()))


def deployment_from_samconfig(path: Path, env: str = "default") -> Deployment:
    if not path.exists():
        return Deployment()
    config = tomllib.loads(path.read_text()).get(env, {})
    common = config.get("global", {}).get("parameters", {})
    deploy = {**common, **config.get("deploy", {}).get("parameters", {})}
    overrides = deploy.get("parameter_overrides", "")
    pairs = overrides if isinstance(overrides, list) else shlex.split(overrides)
    parameters = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
    return Deployment(str(deploy.get("stack_name", "adforge")), str(deploy.get("region", "us-east-1")), ACCOUNT, parameters)


def serverless_functions(template: Template) -> list[str]:
    return [name for name, r in template.get("Resources", {}).items() if r.get("Type") == "AWS::Serverless::Function"]


def function_property(template: Template, logical: str, key: str, default: Any = None) -> Any:
    """A function's property, or the Globals' one (SAM's rule for everything but maps and lists merged below)."""
    props = template["Resources"][logical].get("Properties", {})
    if key in props:
        return props[key]
    return template.get("Globals", {}).get("Function", {}).get(key, default)


class Placeholders:
    """Resolves Ref / Fn::GetAtt / Fn::Sub / Fn::Join to what deploy would give, or a look-alike placeholder."""

    def __init__(self, template: Template, deployment: Deployment) -> None:
        self._resources: dict[str, Any] = template.get("Resources", {})
        declared: dict[str, Any] = template.get("Parameters", {})
        self.parameters = {name: _scalar(spec["Default"]) for name, spec in declared.items() if "Default" in spec}
        self.parameters.update({name: value for name, value in deployment.parameters.items() if name in declared})
        for name in declared:
            self.parameters.setdefault(name, f"placeholder-{name}")
        self._d = deployment
        self.pseudo = {
            "AWS::Region": deployment.region,
            "AWS::AccountId": deployment.account,
            "AWS::Partition": "aws",
            "AWS::StackName": deployment.stack_name,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": f"arn:aws:cloudformation:{deployment.region}:{deployment.account}:stack/{deployment.stack_name}/0",
        }

    def resolve(self, value: Any) -> str:
        if isinstance(value, bool | str | int | float):
            return _scalar(value)
        if isinstance(value, dict) and len(value) == 1:
            ((function, argument),) = value.items()
            if function == "Ref":
                return self.ref(str(argument))
            if function == "Fn::GetAtt":
                logical, attribute = argument if isinstance(argument, list) else str(argument).split(".", 1)
                return self.get_att(logical, attribute)
            if function == "Fn::Sub":
                return self.sub(argument)
            if function == "Fn::Join":
                delimiter, items = argument
                return str(delimiter).join(self.resolve(item) for item in items)
        raise TemplateError(f"cannot resolve {json.dumps(value)[:120]}")

    def ref(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        kind, physical = self._named(name)
        return REF_FORMAT.get(kind, "{name}").format(name=physical, **self._where())

    def get_att(self, logical: str, attribute: str) -> str:
        kind, physical = self._named(logical)
        if attribute == "Arn":
            if kind in ARN_FORMAT:
                return ARN_FORMAT[kind].format(name=physical, **self._where())
            if kind in REF_FORMAT and REF_FORMAT[kind].startswith("arn:"):
                return self.ref(logical)
            return "arn:aws:placeholder:{region}:{account}:{name}".format(name=logical, **self._where())
        if (kind, attribute) == ("AWS::SQS::Queue", "QueueUrl"):
            return self.ref(logical)
        if attribute in ("Name", "QueueName", "TopicName"):
            return physical
        return f"placeholder-{logical}-{attribute}"

    def sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])

        def replace(match: re.Match[str]) -> str:
            inner = match.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            if inner in variables:
                return self.resolve(variables[inner])
            if "." in inner and inner not in self.pseudo:
                return self.get_att(*inner.split(".", 1))
            return self.ref(inner)

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def _named(self, logical: str) -> tuple[str, str]:
        if logical not in self._resources:
            raise TemplateError(f"Ref to {logical}: no such parameter or resource")
        resource = self._resources[logical]
        kind = str(resource.get("Type", ""))
        declared = resource.get("Properties", {}).get(NAME_PROPERTY.get(kind, ""))
        if declared is not None:
            return kind, self.resolve(declared)
        physical = f"{self._d.stack_name}-{logical}-placeholder"[:63]
        return kind, physical.lower() if kind == "AWS::S3::Bucket" else physical

    def _where(self) -> dict[str, str]:
        return {"region": self._d.region, "account": self._d.account, "partition": "aws"}


def _scalar(value: Any) -> str:
    """A template scalar as CloudFormation hands it to Lambda (booleans as `true`/`false`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def template_environment(template: Template, logical: str, deployment: Deployment) -> dict[str, str]:
    """The function's variables: the Globals' merged with its own (its own win), every value resolved."""
    globals_env = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    own = template["Resources"][logical].get("Properties", {}).get("Environment", {}).get("Variables", {})
    resolver = Placeholders(template, deployment)
    return {name: resolver.resolve(value) for name, value in {**globals_env, **own}.items()}


@dataclass(frozen=True)
class FunctionSpec:
    logical: str
    handler: str
    code_uri: str
    runtime: str
    architectures: tuple[str, ...]
    memory_mb: int
    timeout_s: int
    tracing: bool
    function_name: str
    layers: tuple[str, ...]  # logical ids of the template's layers; other entries are reported by `external_layers`
    external_layers: tuple[str, ...]


def function_spec(template: Template, logical: str, deployment: Deployment) -> FunctionSpec:
    resolver = Placeholders(template, deployment)
    layers = list(template.get("Globals", {}).get("Function", {}).get("Layers", []))
    layers += template["Resources"][logical].get("Properties", {}).get("Layers", [])  # SAM appends the function's
    local = tuple(str(entry["Ref"]) for entry in layers if isinstance(entry, dict) and entry.get("Ref") in template["Resources"])
    external = tuple(json.dumps(entry) for entry in layers if not (isinstance(entry, dict) and entry.get("Ref") in local))
    name = function_property(template, logical, "FunctionName")
    return FunctionSpec(
        logical=logical,
        handler=str(function_property(template, logical, "Handler", "")),
        code_uri=str(function_property(template, logical, "CodeUri", "")),
        runtime=str(function_property(template, logical, "Runtime", "")),
        architectures=tuple(function_property(template, logical, "Architectures", ["x86_64"])),
        memory_mb=int(function_property(template, logical, "MemorySize", 128)),
        timeout_s=int(function_property(template, logical, "Timeout", 3)),
        tracing=function_property(template, logical, "Tracing") == "Active",
        function_name=resolver.resolve(name) if name is not None else f"{deployment.stack_name}-{logical}-Placeholder"[:64],
        layers=local,
        external_layers=external,
    )


def lambda_environment(
    spec: FunctionSpec, variables: Mapping[str, str], deployment: Deployment, task_root: str, runtime_dir: str
) -> dict[str, str]:
    """What a python3.12 execution environment holds: the function's variables, then what Lambda sets."""
    stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
    env = dict(variables)
    env.update(
        {
            "_HANDLER": spec.handler,
            "AWS_REGION": deployment.region,
            "AWS_DEFAULT_REGION": deployment.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
            "AWS_ACCESS_KEY_ID": "ASIAREADINESSCHECK00",
            "AWS_SECRET_ACCESS_KEY": "readiness-check-secret-access-key",
            "AWS_SESSION_TOKEN": "readiness-check-session-token",
            "LAMBDA_TASK_ROOT": task_root,
            "LAMBDA_RUNTIME_DIR": runtime_dir,
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "PATH": "/usr/local/bin:/usr/bin:/bin",
        }
    )
    if spec.tracing:
        env.update(
            {
                "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
                "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
                "_AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129",
                "_AWS_XRAY_DAEMON_PORT": "2000",
            }
        )
    return env


def sample_events(events_dir: Path, code_uri: str) -> list[Path]:
    """`events/<code dir>.json` and `events/<code dir>_<case>.json` (how tests/e2e/test_sample_events.py names them)."""
    folder = Path(code_uri).name
    return sorted(p for p in events_dir.glob(f"{folder}*.json") if p.stem == folder or p.stem.startswith(f"{folder}_"))


def retarget(template: Template, arch: str) -> Template:
    """A copy of the template with every function and layer built for `arch`; nothing else differs."""
    copy = deepcopy(template)
    function_globals = copy.get("Globals", {}).get("Function")
    in_globals = isinstance(function_globals, dict) and "Architectures" in function_globals
    if in_globals:
        function_globals["Architectures"] = [arch]
    for resource in copy.get("Resources", {}).values():
        if resource.get("Type") not in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
            continue
        props = resource.setdefault("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and ("Architectures" in props or not in_globals):
            props["Architectures"] = [arch]
        if resource.get("Type") == "AWS::Serverless::LayerVersion":
            if "CompatibleArchitectures" in props:
                props["CompatibleArchitectures"] = [arch]
            resource.setdefault("Metadata", {})["BuildArchitecture"] = arch
    return copy


def deploy_architecture(template: Template) -> str:
    """The one architecture the template builds for (functions and layers alike)."""
    found = {
        str(a) for name in serverless_functions(template) for a in function_property(template, name, "Architectures", ["x86_64"])
    }
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::LayerVersion":
            found.add(str(resource.get("Metadata", {}).get("BuildArchitecture", "x86_64")))
    if len(found) != 1:
        raise TemplateError(f"the template mixes architectures: {sorted(found)}")
    return found.pop()


# ---------------------------------------------------------------------------------------------------
# Judging an invocation from the runner's report
# ---------------------------------------------------------------------------------------------------

DEFECTS = (
    "builtins.ImportError",  # ModuleNotFoundError too
    "builtins.NameError",
    "builtins.AttributeError",
    "builtins.TypeError",
    "builtins.KeyError",  # os.environ["..."] of a variable the function lacks
    "adforge.settings.SettingsError",
)
AWS_ERRORS = (
    "botocore.exceptions.ClientError",
    "botocore.exceptions.EndpointConnectionError",
    "botocore.exceptions.ConnectTimeoutError",
    "botocore.exceptions.HTTPClientError",
)
MAPPED_ERRORS = (
    "adforge.domain.errors.DomainError",
    "adforge.vendors.errors.VendorError",
    "adforge.services.intake.ServiceUnavailable",
    "adforge.adapters.http_fetch.FetchFailed",
    "adforge.adapters.ssrf_guard.FetchRefused",
)


@dataclass(frozen=True)
class Outcome:
    ready: bool
    summary: str


def _first(link: Mapping[str, Any], names: Sequence[str]) -> str | None:
    return next((name for name in link["types"] if name in names), None)


def _short(link: Mapping[str, Any]) -> str:
    return str(link["types"][0]).rsplit(".", 1)[-1]


def _said(link: Mapping[str, Any]) -> str:
    message = " / ".join(line.strip() for line in str(link["message"]).strip().splitlines()[:3])
    return f"{_short(link)}: {message[:200]}" if message else _short(link)


def classify_import(error: Mapping[str, Any]) -> Outcome:
    return Outcome(False, f"import failed: {_said(error['chain'][0])}")


def classify(invocation: Mapping[str, Any]) -> Outcome:
    """Ready: it returned, or it raised because an AWS call failed (or as one of the app's mapped errors).

    A partial batch response is judged by the record failures behind it, and so is an aggregate error
    (Powertools' BatchProcessingError, an exception group): ready only when every one of them is.
    """
    if "returned" in invocation:
        answer = invocation["returned"]
        said = "returned" + "".join(f" {answer[k]}" for k in ("status", "code") if answer.get(k) is not None)
        failures = [classify_error(failure) for failure in invocation.get("failures", [])]
        if answer.get("batch_item_failures") and not failures:
            return Outcome(False, f"{said} {answer['batch_item_failures']} batch item failures, none seen")
        bad = next((f for f in failures if not f.ready), None)
        if bad is not None:
            return Outcome(False, f"{said}, a batch item failed: {bad.summary}")
        return Outcome(True, said + (f" ({len(failures)} batch item failures: {failures[0].summary})" if failures else ""))
    return classify_error(invocation["error"])


def classify_error(error: Mapping[str, Any]) -> Outcome:
    """Defects are looked for in the raised exception and what it was explicitly raised from (`from`); an
    exception merely being handled when another was raised (`context`) is not one. The AWS error that
    caused it may be anywhere in the chain (a library's own error raised while handling a ClientError)."""
    chain: list[Mapping[str, Any]] = error["chain"]
    top = chain[0]
    for link in itertools.takewhile(lambda item: item["via"] != "context", chain):
        if _first(link, DEFECTS):
            return Outcome(False, _said(link))
    children = [classify_error(child) for child in error.get("children", [])]
    if children:
        bad = next((c for c in children if not c.ready), None)
        if bad is not None:
            return Outcome(False, f"{_short(top)} of {bad.summary}")
        return Outcome(True, f"{_short(top)} of {len(children)}: {children[0].summary}")
    aws = next((link for link in chain if _first(link, AWS_ERRORS)), None)
    if aws is not None:
        return Outcome(True, f"AWS error {_short(top)}" + ("" if aws is top else f" <- {_short(aws)}"))
    if _first(top, MAPPED_ERRORS):
        return Outcome(True, f"app error {_short(top)}")
    return Outcome(False, f"unexpected {_said(top)}")


# ---------------------------------------------------------------------------------------------------
# The AWS stand-in: every call fails at once with a generic, non-retryable AWS error
# ---------------------------------------------------------------------------------------------------

STUB_CODE = "ReadinessCheckNoAws"
STUB_MESSAGE = "no AWS in the deploy-readiness check: every call answers this error"
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


class _Refuse(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _StubServer

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                data += self.rfile.read(size)
                self.rfile.readline()
            while self.rfile.readline().strip():  # trailers
                pass
            return data
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self) -> None:
        body = self._body()
        scope = _SCOPE.search(self.headers.get("Authorization", ""))
        service = scope.group(1) if scope else "unsigned"
        target = self.headers.get("X-Amz-Target", "")
        action = re.match(rb"Action=([A-Za-z0-9]+)", body)
        if target or action:
            operation = target.rsplit(".", 1)[-1] if target else action.group(1).decode() if action else ""
        else:  # REST (S3): path-style /bucket[/key]
            operation = f"{self.command} {'object' if '/' in self.path.split('?')[0].strip('/') else 'bucket'}"
        self.server.calls.append(f"{service}:{operation}"[:80])
        if target or "json" in self.headers.get("Content-Type", ""):
            content_type = "application/x-amz-json-1.0"
            payload = json.dumps({"__type": STUB_CODE, "message": STUB_MESSAGE}).encode()
        elif action:
            content_type = "text/xml"
            payload = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{STUB_CODE}</Code><Message>{STUB_MESSAGE}</Message></Error>"
                "<RequestId>readiness</RequestId></ErrorResponse>"
            ).encode()
        else:
            content_type = "application/xml"
            payload = f"<Error><Code>{STUB_CODE}</Code><Message>{STUB_MESSAGE}</Message></Error>".encode()
        self.send_response(400)
        self.send_header("Content-Type", content_type)
        self.send_header("x-amzn-ErrorType", STUB_CODE)
        self.send_header("x-amzn-query-error", f"{STUB_CODE};Sender")
        self.send_header("x-amzn-RequestId", "readiness")
        self.send_header("x-amz-request-id", "readiness")
        self.send_header("Content-Length", "0" if self.command == "HEAD" else str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Calls are counted, not logged."""


class _StubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Refuse)
        self.calls: list[str] = []


@contextmanager
def aws_stub() -> Iterator[_StubServer]:
    server = _StubServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------------------------------
# Builds and the artifact on disk
# ---------------------------------------------------------------------------------------------------

LAMBDA_GLIBC = (2, 34)  # the python3.12 runtime is Amazon Linux 2023
ELF_MACHINE = {62: "x86_64", 183: "arm64"}
WHEEL_ARCH = {"x86_64": "x86_64", "arm64": "aarch64"}
HOST_ARCH = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}
LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
NOT_PORTABLE = re.compile(r"(\.so(\.\d+)*$|\.dist-info/(RECORD|WHEEL|sboms/.*)$)")  # native binaries, their wheel metadata
RUNTIME_SDK_CLOSURE = frozenset({"boto3", "botocore", "jmespath", "s3transfer", "python_dateutil", "six", "urllib3"})


@dataclass
class Build:
    arch: str
    purpose: str
    template: Path  # what `sam build` is given
    root: Path  # .aws-sam-check/<arch>/
    seconds: float = 0.0
    warm: bool = False
    ok: bool = False

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def log(self) -> Path:
        return self.root / "sam-build.log"


def sam_build(sam: Path, python: Path, build: Build) -> None:
    cache = build.root / "cache"
    build.warm = (build.root / "build.toml").exists()
    command = [
        str(sam),
        "build",
        "--template-file",
        str(build.template),
        "--base-dir",
        str(REPO),
        "--build-dir",
        str(build.build_dir),
        "--cache-dir",
        str(cache),
        "--cached",
        "--config-file",
        str(REPO / "samconfig.toml"),
    ]
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    started = time.perf_counter()
    with build.log.open("w") as log:  # cwd: SAM keeps the dependencies of `--cached` builds in ./.aws-sam/deps/
        done = subprocess.run(command, cwd=build.root, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    build.seconds = time.perf_counter() - started
    build.ok = done.returncode == 0


def elf_machine(path: Path) -> str | None:
    with path.open("rb") as handle:
        header = handle.read(20)
    if header[:4] != b"\x7fELF":
        return None
    machine = int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
    return ELF_MACHINE.get(machine, f"e_machine {machine}")


def wheel_problems(tags: Sequence[str], arch: str) -> list[str]:
    """A binary wheel's tags must all be CPython 3.12 (or abi3) manylinux for `arch`, glibc <= Lambda's."""
    problems = []
    for tag in tags:
        python_tag, abi, platform_tag = tag.split("-")
        if abi not in ("cp312", "abi3", "none") or not python_tag.startswith(("cp3", "py3")):
            problems.append(f"{tag}: not for CPython 3.12")
        for one in platform_tag.split("."):
            match = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", one)
            legacy = re.fullmatch(r"(manylinux1|manylinux2010|manylinux2014)_(\w+)", one)
            if match:
                glibc, machine = (int(match.group(1)), int(match.group(2))), match.group(3)
            elif legacy:
                glibc, machine = LEGACY_MANYLINUX[legacy.group(1)], legacy.group(2)
            else:
                problems.append(f"{tag}: {one} is not a manylinux platform")
                continue
            if machine != WHEEL_ARCH[arch]:
                problems.append(f"{tag}: built for {machine}, not {WHEEL_ARCH[arch]}")
            if glibc > LAMBDA_GLIBC:
                problems.append(f"{tag}: needs glibc {glibc[0]}.{glibc[1]}, Lambda has {LAMBDA_GLIBC[0]}.{LAMBDA_GLIBC[1]}")
    return problems


def distributions(site: Path) -> dict[str, str]:
    """Installed distributions in a directory: normalised name -> version."""
    found = {}
    for info in site.glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        found[re.sub(r"[-_.]+", "_", name).lower()] = version
    return found


def pins(requirements: Path) -> dict[str, str]:
    found = {}
    for line in requirements.read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==", 1)
            found[re.sub(r"[-_.]+", "_", name.split("[")[0].strip()).lower()] = version.strip()
    return found


def _py_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def portable_digest(root: Path) -> dict[str, str]:
    """Every file of an artifact but the native binaries and their wheel metadata: relative path -> sha256."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and not NOT_PORTABLE.search(str(p.relative_to(root)))
    }


def verify_artifact(build: Build, source: Template) -> tuple[list[str], list[str]]:
    """(problems, notes) of one build directory against the source template."""
    built_path = build.build_dir / "template.yaml"
    if not built_path.exists():
        return [f"{_shown(built_path)} missing"], []
    built = load_template(built_path)
    problems = _verify_functions(build, source, built)
    notes: list[str] = []
    for logical, resource in source.get("Resources", {}).items():
        if resource.get("Type") == "AWS::Serverless::LayerVersion":
            problems += _verify_layer(build, logical, REPO / resource["Properties"]["ContentUri"], built, notes)
    for binary in sorted(build.build_dir.rglob("*.so*")):
        machine = elf_machine(binary) if binary.is_file() else None
        if machine is not None and machine != build.arch:
            problems.append(f"{binary.relative_to(build.build_dir)}: ELF for {machine}, not {build.arch}")
    return problems, notes


def _verify_functions(build: Build, source: Template, built: Template) -> list[str]:
    problems = []
    for logical in serverless_functions(source):
        if logical not in built.get("Resources", {}):
            problems.append(f"{logical}: not in the built template")
            continue
        spec = function_spec(built, logical, Deployment())
        task_root = build.build_dir / spec.code_uri
        module = spec.handler.rsplit(".", 1)[0].replace(".", "/")
        if not ((task_root / f"{module}.py").is_file() or (task_root / module / "__init__.py").is_file()):
            problems.append(f"{logical}: handler {spec.handler} has no {module}.py in {_shown(task_root)}")
        if spec.runtime != RUNTIME:
            problems.append(f"{logical}: runtime {spec.runtime}, expected {RUNTIME}")
        if spec.architectures != (build.arch,):
            problems.append(f"{logical}: architectures {list(spec.architectures)}, built for {build.arch}")
        source_code = REPO / str(function_property(source, logical, "CodeUri"))
        if task_root.is_dir() and _py_files(source_code) != _py_files(task_root):
            problems.append(f"{logical}: built code differs from {_shown(source_code)}")
    return problems


def _verify_layer(build: Build, logical: str, source_dir: Path, built: Template, notes: list[str]) -> list[str]:
    """The layer's own packages file for file, every pin at its version, binary wheels for the architecture."""
    site = build.build_dir / built["Resources"][logical]["Properties"]["ContentUri"] / "python"
    if not site.is_dir():
        return [f"{logical}: {_shown(site)} missing"]
    problems = [
        f"{logical}: package {package.name} in the layer differs from {_shown(package)}"
        for package in sorted(p for p in source_dir.iterdir() if (p / "__init__.py").is_file())
        if _py_files(package) != _py_files(site / package.name)
    ]
    installed = distributions(site)
    requirements = source_dir / "requirements.txt"
    for name, version in (pins(requirements) if requirements.exists() else {}).items():
        if installed.get(name) != version:
            problems.append(f"{logical}: {name}=={version} pinned, layer has {installed.get(name, 'nothing')}")
    for info in sorted(site.glob("*.dist-info")):
        wheel = (info / "WHEEL").read_text() if (info / "WHEEL").exists() else ""
        if "Root-Is-Purelib: false" in wheel:
            tags = re.findall(r"^Tag: (\S+)$", wheel, re.MULTILINE)
            problems += [f"{logical}: {info.name}: {p}" for p in wheel_problems(tags, build.arch)]
            notes.append(f"{info.name.removesuffix('.dist-info')} ({', '.join(tags)})")
    return problems


def compare_artifacts(deployed: Build, run: Build, source: Template) -> list[str]:
    """What the host build runs must be the deployable artifact but for its native binaries."""
    problems = []
    for logical, resource in source.get("Resources", {}).items():
        if resource.get("Type") not in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
            continue
        a, b = deployed.build_dir / logical, run.build_dir / logical
        if (a / "python").is_dir() and distributions(a / "python") != distributions(b / "python"):
            problems.append(f"{logical}: {deployed.arch} and {run.arch} layers hold different distributions")
        left, right = portable_digest(a), portable_digest(b)
        differing = sorted(set(left) ^ set(right) | {k for k in set(left) & set(right) if left[k] != right[k]})
        if differing:
            problems.append(f"{logical}: {deployed.arch} and {run.arch} builds differ in {', '.join(differing[:5])}")
    return problems


def runtime_sdk(python: Path, sdk_pins: Mapping[str, str], cache: Path) -> Path:
    """boto3 + botocore and their dependencies only, as the python3.12 runtime ships them (installed once)."""
    wanted = [f"{name}=={version}" for name, version in sorted(sdk_pins.items())]
    target = cache / "runtime-sdk" / hashlib.sha256(" ".join(wanted).encode()).hexdigest()[:12]
    marker = target / ".complete"
    if not marker.exists():
        shutil.rmtree(target, ignore_errors=True)
        command = [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--compile",
            "--target",
            str(target),
            "--only-binary=:all:",
            *wanted,
        ]
        env = {
            k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
        }  # the runtime's is compiled
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode:
            raise RuntimeError(f"pip install of the runtime SDK failed:\n{done.stdout}{done.stderr}")
        installed = set(distributions(target))
        if not set(sdk_pins) <= installed <= RUNTIME_SDK_CLOSURE:
            raise RuntimeError(f"{target}: expected only {sorted(RUNTIME_SDK_CLOSURE)}, found {sorted(installed)}")
        marker.write_text(" ".join(wanted))
    return target


def find_python(given: str | None) -> Path:
    """The interpreter to run functions with and to build with: the given one, else pyenv's newest 3.12."""
    pyenv = sorted(
        Path("/root/.pyenv/versions").glob("3.12*/bin/python3.12"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parts[-3])],
    )
    candidates = [given] if given else [*(str(p) for p in reversed(pyenv)), "python3.12"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return Path(found)
    raise SystemExit(f"deploy-check: no python3.12 found ({', '.join(candidates)})")


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


# ---------------------------------------------------------------------------------------------------
# One function in its clean interpreter
# ---------------------------------------------------------------------------------------------------


@dataclass
class FunctionResult:
    logical: str
    log: Path
    ready: bool = False
    import_ms: float | None = None
    outcomes: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        verdict = "ready    " if self.ready else "NOT READY"
        cold = f"{self.import_ms:6.0f} ms" if self.import_ms is not None else "     - ms"
        said = "; ".join(self.problems + self.outcomes)
        calls = f" [AWS calls: {', '.join(dict.fromkeys(self.calls))}]" if self.calls else ""
        return f"{verdict} {self.logical:23} cold import {cold}  {said}{calls}"


@dataclass(frozen=True)
class Run:
    """What every function's check shares: the build it runs, the interpreter, the runtime SDK, where to write."""

    build: Build
    built: Template  # the template `sam build` wrote (code locations)
    source: Template  # template.yaml (code dirs, which name the samples)
    deployment: Deployment
    python: Path
    sdk: Path
    run_dir: Path
    events_dir: Path


def _prepare(logical: str, run: Run, result: FunctionResult) -> tuple[dict[str, Any], dict[str, str]] | None:
    """(runner spec, environment) for one function, or None with `result.problems` saying why not."""
    spec = function_spec(run.built, logical, run.deployment)
    try:
        variables = template_environment(run.built, logical, run.deployment)
    except TemplateError as error:
        result.problems.append(f"environment: {error}")
        return None
    reserved = sorted(LAMBDA_RESERVED & set(variables))
    if reserved:
        result.problems.append(f"sets Lambda's reserved variables {reserved}")
    if spec.external_layers:
        result.problems.append(f"layers this check cannot provide: {', '.join(spec.external_layers)}")
    code_dir = str(function_property(run.source, logical, "CodeUri", ""))
    events = sample_events(run.events_dir, code_dir)
    if not events:
        result.problems.append(f"no events/{Path(code_dir).name}*.json sample")
    opt_dirs = [run.build.build_dir / run.built["Resources"][layer]["Properties"]["ContentUri"] for layer in spec.layers]
    if len(opt_dirs) != 1:
        result.problems.append(f"{len(opt_dirs)} layers: this check runs with exactly one as /opt")
    if result.problems:
        return None
    task_root = run.build.build_dir / spec.code_uri
    env = lambda_environment(spec, variables, run.deployment, str(task_root), str(run.sdk))
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(run.run_dir / "no-aws-config")  # not the host's
    runner_spec = {
        "task_root": str(task_root),
        "opt_dir": str(opt_dirs[0]),
        "sdk_dir": str(run.sdk),
        "handler": spec.handler,
        "events": [str(p) for p in events],
        "tracing": spec.tracing,
        "result": str(run.run_dir / f"{logical}.result.json"),
        "context": {
            "function_name": spec.function_name,
            "function_arn": f"arn:aws:lambda:{run.deployment.region}:{run.deployment.account}:function:{spec.function_name}",
            "memory_mb": spec.memory_mb,
            "log_group": env["AWS_LAMBDA_LOG_GROUP_NAME"],
            "log_stream": env["AWS_LAMBDA_LOG_STREAM_NAME"],
            "timeout_s": spec.timeout_s,
        },
    }
    return runner_spec, env


def check_function(logical: str, run: Run) -> FunctionResult:
    """Import the handler and invoke it with each sample, in a clean interpreter against a fresh AWS stub."""
    result = FunctionResult(logical, run.run_dir / f"{logical}.log")
    prepared = _prepare(logical, run, result)
    if prepared is None:
        return result
    runner_spec, env = prepared
    spec_path = run.run_dir / f"{logical}.spec.json"
    spec_path.write_text(json.dumps(runner_spec, indent=1))
    result_path = Path(runner_spec["result"])
    result_path.unlink(missing_ok=True)
    timeout = 60 + int(runner_spec["context"]["timeout_s"]) * len(runner_spec["events"])
    with aws_stub() as stub, result.log.open("w") as log:
        env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{stub.server_address[1]}"
        command = [str(run.python), "-I", "-S", "-B", str(RUNNER), str(spec_path)]
        try:
            subprocess.run(  # noqa: S603 - our interpreter, our script
                command, cwd=runner_spec["task_root"], env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            result.problems.append(f"timed out after {timeout} s")
        result.calls = list(stub.calls)
    if not result.problems and not result_path.exists():
        result.problems.append(f"the runner died before reporting (see {_shown(result.log)})")
    if result.problems:
        return result
    report = json.loads(result_path.read_text())
    leaks = foreign_paths(report, runner_spec)
    if leaks:
        result.problems.append(f"not a clean interpreter: sys.path also holds {', '.join(leaks)}")
        return result
    result.import_ms = report["import_ms"]
    if "import_error" in report:
        result.problems.append(classify_import(report["import_error"]).summary)
        _append_traceback(result.log, report["import_error"])
        return result
    result.ready = True
    for invocation in report["invocations"]:
        outcome = classify(invocation)
        result.ready = result.ready and outcome.ready
        result.outcomes.append(f"{invocation['event']}: {outcome.summary}")
        if not outcome.ready and "error" in invocation:
            _append_traceback(result.log, invocation["error"])
    return result


def foreign_paths(report: Mapping[str, Any], runner_spec: Mapping[str, Any]) -> list[str]:
    """`sys.path` entries of the function's process that are neither its code, its layer, the runtime SDK
    nor the interpreter's own standard library (no site-packages of any kind)."""
    layer = Path(runner_spec["opt_dir"]) / "python"
    ours = {runner_spec["task_root"], str(layer / "lib" / "python3.12" / "site-packages"), str(layer), runner_spec["sdk_dir"]}
    base = Path(report["base_prefix"])
    return [
        entry
        for entry in report["sys_path"]
        if entry not in ours and not (Path(entry).is_relative_to(base) and "site-packages" not in Path(entry).parts)
    ]


def _append_traceback(log: Path, error: Mapping[str, Any]) -> None:
    with log.open("a") as handle:
        handle.write("\n--- deploy-check: traceback ---\n" + str(error.get("traceback", "")))


# ---------------------------------------------------------------------------------------------------


def _builds(source: Template, template: Path, check_dir: Path) -> list[Build]:
    """The deployable build, and when this host cannot run it, the retargeted one that is run."""
    deploy_arch = deploy_architecture(source)
    host_arch = HOST_ARCH.get(platform.machine().lower(), platform.machine())
    builds = [Build(deploy_arch, "as the template says (deployable)", template, check_dir / deploy_arch)]
    if host_arch != deploy_arch:
        root = check_dir / host_arch
        root.mkdir(parents=True, exist_ok=True)
        retargeted = root / "template.json"
        retargeted.write_text(json.dumps(retarget(source, host_arch), indent=1, default=str))
        builds.append(Build(host_arch, f"retargeted to this {platform.machine()} host, to run", retargeted, root))
    for build in builds:
        build.root.mkdir(parents=True, exist_ok=True)
    return builds


def _report_builds(builds: list[Build], source: Template) -> bool:
    """Prints each build's time and findings; True when every artifact is sound."""
    sound = True
    for build in builds:
        cache = "cached" if build.warm else "cold cache"
        print(f"sam build {build.arch:7} {build.purpose}: {build.seconds:5.1f} s ({cache}) -> {_shown(build.build_dir)}")
        if not build.ok:
            tail = "\n".join(build.log.read_text().splitlines()[-15:])
            print(f"  FAILED, see {_shown(build.log)}:\n{tail}")
            sound = False
            continue
        problems, notes = verify_artifact(build, source)
        for note in notes:
            print(f"  native: {note}")
        for problem in problems:
            print(f"  PROBLEM: {problem}")
        sound = sound and not problems
    if len(builds) == 2 and all(b.ok for b in builds):
        differences = compare_artifacts(builds[0], builds[1], source)
        for problem in differences:
            print(f"  PROBLEM: {problem}")
        if not differences:
            print(
                f"  {builds[1].arch} build = {builds[0].arch} build file for file, but native binaries and their wheel metadata"
            )
        sound = sound and not differences
    return sound


def _python_version(python: Path) -> str:
    probe = [str(python), "-I", "-S", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
    return subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adforge_local.readiness", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--python", help="the Python 3.12 interpreter (default: pyenv's newest 3.12, else python3.12)")
    parser.add_argument("--sam", type=Path, default=REPO / ".venv-sam" / "bin" / "sam")
    parser.add_argument("--check-dir", type=Path, default=CHECK_DIR, help="build dirs and caches (default .aws-sam-check/)")
    parser.add_argument("--template", type=Path, default=REPO / "template.yaml", help="code paths relative to the repo")
    parser.add_argument("--function", action="append", help="check only this function (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="functions checked at once (default 2)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    python = find_python(args.python)
    if (version := _python_version(python)) != "3.12":
        print(f"deploy-check: {python} is Python {version}; the functions run on {RUNTIME}")
        return 1
    source = load_template(args.template.resolve())
    unknown = set(args.function or ()) - set(serverless_functions(source))
    if unknown:
        print(f"deploy-check: no such function in the template: {', '.join(sorted(unknown))}")
        return 2
    check_dir: Path = args.check_dir.resolve()
    builds = _builds(source, args.template.resolve(), check_dir)
    with ThreadPoolExecutor(max_workers=2) as pool:  # the two builds side by side
        list(pool.map(lambda build: sam_build(args.sam.absolute(), python, build), builds))
    sound = _report_builds(builds, source)
    if not builds[-1].ok:
        print(f"deploy-check: NOT READY (no {builds[-1].arch} build to run), {time.perf_counter() - started:.1f} s")
        return 1
    sdk_pins = {name: v for name, v in pins(REPO / "requirements-dev.txt").items() if name in ("boto3", "botocore")}
    run = Run(
        build=builds[-1],
        built=load_template(builds[-1].build_dir / "template.yaml"),
        source=source,
        deployment=deployment_from_samconfig(REPO / "samconfig.toml"),
        python=python,
        sdk=runtime_sdk(python, sdk_pins, check_dir),
        run_dir=check_dir / "run",
        events_dir=REPO / "events",
    )
    shutil.rmtree(run.run_dir, ignore_errors=True)
    run.run_dir.mkdir(parents=True)
    names = [name for name in serverless_functions(source) if not args.function or name in args.function]
    print(f"functions ({RUNTIME} -I -S -B; sys.path: task root, layer, stdlib, {_shown(run.sdk)}):")
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda name: check_function(name, run), names))
    for result in results:
        print(result.line())
    not_ready = [r.logical for r in results if not r.ready]
    elapsed = time.perf_counter() - started
    if not_ready:
        print(f"deploy-check: NOT READY: {', '.join(not_ready)} (logs: {_shown(run.run_dir)}/<Function>.log), {elapsed:.1f} s")
    else:
        print(f"deploy-check: {'ready' if sound else 'NOT READY (artifact)'}: {len(results)} functions, {elapsed:.1f} s")
    return 0 if sound and not not_ready else 1


if __name__ == "__main__":
    sys.exit(main())
