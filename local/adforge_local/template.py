"""template.yaml, read the way CloudFormation would: SAM-translated offline, intrinsics resolved.

The local stack takes everything it creates from here (functions, routes, tables, bus, state
machine); nothing about the application is written down twice.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

CODE_BUCKET = "s3://local-code/"
ACCOUNT = "123456789012"


class _NoManagedPolicies:
    """The translator asks for AWS managed policy ARNs only for policy names we never use."""

    def load(self) -> dict[str, str]:
        return {}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str
    authorized: bool


@dataclass(frozen=True)
class Authorizer:
    function: str
    identity_header: str
    ttl_seconds: int


@dataclass
class Template:
    root: Path
    sam: dict[str, Any]
    cfn: dict[str, Any]
    parameters: dict[str, str]
    code_paths: dict[str, Path] = field(default_factory=dict)

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: r for name, r in self.cfn["Resources"].items() if r["Type"] == kind}

    def routes(self) -> list[Route]:
        found = []
        for name, resource in self.sam["Resources"].items():
            if resource["Type"] != "AWS::Serverless::Function":
                continue
            for event in resource["Properties"].get("Events", {}).values():
                if event["Type"] == "Api":
                    props = event["Properties"]
                    auth = props.get("Auth", {}).get("Authorizer")
                    found.append(Route(props["Method"].upper(), props["Path"], name, auth != "NONE"))
        return found

    def authorizer(self) -> Authorizer | None:
        for resource in self.sam["Resources"].values():
            if resource["Type"] != "AWS::Serverless::Api":
                continue
            auth = resource["Properties"].get("Auth", {})
            default = auth.get("DefaultAuthorizer")
            if default:
                spec = auth["Authorizers"][default]
                identity = spec.get("Identity", {})
                return Authorizer(
                    function=spec["FunctionArn"]["Fn::GetAtt"][0],
                    identity_header=identity.get("Headers", ["Authorization"])[0],
                    ttl_seconds=int(identity.get("ReauthorizeEvery", 300)),
                )
        return None

    def layer_paths(self) -> list[Path]:
        """Where each layer's code is (Lambda puts layer contents on the import path)."""
        kinds = {name: r["Type"] for name, r in self.sam["Resources"].items()}
        return [path for name, path in self.code_paths.items() if kinds.get(name) == "AWS::Serverless::LayerVersion"]

    def gateway_responses(self) -> dict[str, tuple[int | None, str]]:
        """API Gateway's own responses, as the template overrides them: type -> (status, JSON template)."""
        found: dict[str, tuple[int | None, str]] = {}
        for resource in self.sam["Resources"].values():
            if resource["Type"] == "AWS::Serverless::Api":
                for kind, spec in resource["Properties"].get("GatewayResponses", {}).items():
                    status = spec.get("StatusCode")
                    found[kind] = (int(status) if status else None, spec.get("ResponseTemplates", {}).get("application/json", ""))
        return found

    def handler(self, function: str) -> tuple[Path, str]:
        """(code directory, `module.function`) of a function, as the template names them."""
        return self.code_paths[function], self.cfn["Resources"][function]["Properties"]["Handler"]


def load(path: Path, parameters: dict[str, str], region: str, base: Path | None = None) -> Template:
    """`base` is where code paths are relative to (the template's folder unless it is a copy elsewhere)."""
    base = base or path.parent
    sam = yaml_parse(path.read_text())
    for name, param in sam.get("Parameters", {}).items():
        if "Default" in param:
            parameters.setdefault(name, str(param["Default"]))
    packaged = copy.deepcopy(sam)
    code_paths: dict[str, Path] = {}
    for name, resource in packaged["Resources"].items():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str):
                code_paths[name] = (base / props[key]).resolve()
                props[key] = CODE_BUCKET + props[key]  # what `sam package` would do
    os.environ.setdefault("AWS_DEFAULT_REGION", region)  # the translator reads the region from boto's session
    cfn = transform(packaged, {**parameters, "AWS::Region": region}, _NoManagedPolicies())
    return Template(base, sam, cfn, parameters, code_paths)


class Resolver:
    """Resolves Ref / Fn::GetAtt / Fn::Sub / Fn::Join against what the provisioner created."""

    def __init__(self, template: Template, region: str, stack_name: str) -> None:
        self._template = template
        self.pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::StackName": stack_name,
            "AWS::URLSuffix": "amazonaws.com",
        }
        self.refs: dict[str, str] = {}
        self.attrs: dict[tuple[str, str], str] = {}

    def ref(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self._template.parameters:
            return self._template.parameters[name]
        if name not in self.refs:
            raise KeyError(f"Ref {name}: not created (yet)")
        return self.refs[name]

    def condition(self, name: str) -> bool:
        """A template Condition, evaluated as CloudFormation would (Fn::Equals/Not/And/Or, Condition)."""
        return self._holds(self._template.cfn.get("Conditions", {})[name])

    def _holds(self, expression: Any) -> bool:
        if isinstance(expression, bool):
            return expression
        ((key, arg),) = expression.items()
        if key == "Condition":
            return self.condition(arg)
        if key == "Fn::Equals":
            left, right = (self.resolve(item) for item in arg)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not self._holds(arg[0])
        if key == "Fn::And":
            return all(self._holds(item) for item in arg)
        if key == "Fn::Or":
            return any(self._holds(item) for item in arg)
        raise ValueError(f"condition function {key} is not supported locally")

    def get_att(self, name: str, attribute: str) -> str:
        if (name, attribute) not in self.attrs:
            raise KeyError(f"GetAtt {name}.{attribute}: not created (yet)")
        return self.attrs[(name, attribute)]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                name, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(name, attribute)
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::Join":
                separator, items = arg
                return separator.join(str(self.resolve(item)) for item in items)
        return {key: self.resolve(item) for key, item in value.items()}

    def _sub(self, arg: Any) -> str:
        text, local = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def one(match: re.Match[str]) -> str:
            token = match.group(1)
            if token.startswith("!"):
                return "${" + token[1:] + "}"
            if token in local:
                return str(local[token])
            if "." in token:
                name, attribute = token.split(".", 1)
                return self.get_att(name, attribute)
            return self.ref(token)

        return re.sub(r"\$\{([^}]+)\}", one, text)
