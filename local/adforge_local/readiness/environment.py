"""One function as Lambda would run it: its properties, its variables, and what the runtime sets around them.

The variables are the template's for that function alone (Globals', then its own, which win), every
value resolved for the deployment; Lambda's own (region, function name, task root, handler,
credentials, X-Ray's when tracing is active) are set over them, as a python3.12 execution environment holds.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adforge_local.readiness.template import Deployment, Placeholders, Template, function_globals, function_property, properties

RUNTIME = "python3.12"

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
XRAY = {
    "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
    "_AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129",
    "_AWS_XRAY_DAEMON_PORT": "2000",
}


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
    layers = [*function_globals(template).get("Layers", []), *properties(template, logical).get("Layers", [])]  # SAM appends
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


def template_environment(template: Template, logical: str, deployment: Deployment) -> dict[str, str]:
    """The function's variables: the Globals' merged with its own (its own win), every value resolved."""
    resolver = Placeholders(template, deployment)
    merged = {**_variables(function_globals(template)), **_variables(properties(template, logical))}
    return {name: resolver.resolve(value) for name, value in merged.items()}


def _variables(section: Mapping[str, Any]) -> dict[str, Any]:
    return dict(section.get("Environment", {}).get("Variables", {}))


def lambda_environment(
    spec: FunctionSpec, variables: Mapping[str, str], deployment: Deployment, task_root: str, runtime_dir: str
) -> dict[str, str]:
    """What a python3.12 execution environment holds: the function's variables, then what Lambda sets."""
    stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
    return {
        **variables,
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
        **(XRAY if spec.tracing else {}),
    }
