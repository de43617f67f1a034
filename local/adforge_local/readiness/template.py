"""template.yaml and samconfig.toml as `sam deploy` reads them, for one deployment.

`Placeholders` resolves Ref, Fn::GetAtt, Fn::Sub and Fn::Join to what deploy would give (parameter
defaults and samconfig.toml's overrides, pseudo parameters, declared physical names) or, for what only
deploy creates, a look-alike in the resource type's own format (names, ARNs, queue URLs).
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from samtranslator.yaml_helper import yaml_parse

FUNCTION = "AWS::Serverless::Function"
LAYER = "AWS::Serverless::LayerVersion"
ACCOUNT = "123456789012"

Template = dict[str, Any]

NAME_PROPERTY = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Events::EventBus": "Name",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::Serverless::StateMachine": "Name",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    FUNCTION: "FunctionName",
    "AWS::Lambda::Function": "FunctionName",
    LAYER: "LayerName",
}
# What `Ref` returns for each type, when it is not the physical name.
REF_FORMAT = {
    "AWS::SQS::Queue": "https://sqs.{region}.amazonaws.com/{account}/{name}",
    "AWS::SNS::Topic": "arn:{partition}:sns:{region}:{account}:{name}",
    "AWS::SecretsManager::Secret": "arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-AbCdEf",
    "AWS::Serverless::StateMachine": "arn:{partition}:states:{region}:{account}:stateMachine:{name}",
    "AWS::StepFunctions::StateMachine": "arn:{partition}:states:{region}:{account}:stateMachine:{name}",
    LAYER: "arn:{partition}:lambda:{region}:{account}:layer:{name}:1",
}
ARN_FORMAT = {
    "AWS::DynamoDB::Table": "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
    "AWS::S3::Bucket": "arn:{partition}:s3:::{name}",
    "AWS::Events::EventBus": "arn:{partition}:events:{region}:{account}:event-bus/{name}",
    "AWS::SQS::Queue": "arn:{partition}:sqs:{region}:{account}:{name}",
    FUNCTION: "arn:{partition}:lambda:{region}:{account}:function:{name}",
    "AWS::Lambda::Function": "arn:{partition}:lambda:{region}:{account}:function:{name}",
}


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


def resources(template: Template, *kinds: str) -> dict[str, Any]:
    """The template's resources of these types, by logical id, in template order."""
    return {name: r for name, r in template.get("Resources", {}).items() if r.get("Type") in kinds}


def serverless_functions(template: Template) -> list[str]:
    return list(resources(template, FUNCTION))


def function_globals(template: Template) -> dict[str, Any]:
    """The template's `Globals: Function:` section (empty when it has none)."""
    return cast(dict[str, Any], template.get("Globals", {}).get("Function") or {})


def properties(template: Template, logical: str) -> dict[str, Any]:
    """The resource's own `Properties`."""
    return cast(dict[str, Any], template["Resources"][logical].get("Properties", {}))


def function_property(template: Template, logical: str, key: str, default: Any = None) -> Any:
    """A function's property, or the Globals' one (SAM's rule for all but the maps and lists `environment` merges)."""
    own = properties(template, logical)
    return own[key] if key in own else function_globals(template).get(key, default)


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
        return self._format(REF_FORMAT.get(kind, "{name}"), physical)

    def get_att(self, logical: str, attribute: str) -> str:
        kind, physical = self._named(logical)
        if attribute == "Arn":
            if kind in ARN_FORMAT:
                return self._format(ARN_FORMAT[kind], physical)
            if kind in REF_FORMAT and REF_FORMAT[kind].startswith("arn:"):
                return self.ref(logical)
            return self._format("arn:aws:placeholder:{region}:{account}:{name}", logical)
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
        """(type, physical name): the declared name resolved, else one in the style of CloudFormation's."""
        if logical not in self._resources:
            raise TemplateError(f"Ref to {logical}: no such parameter or resource")
        resource = self._resources[logical]
        kind = str(resource.get("Type", ""))
        declared = resource.get("Properties", {}).get(NAME_PROPERTY.get(kind, ""))
        if declared is not None:
            return kind, self.resolve(declared)
        physical = f"{self._d.stack_name}-{logical}-placeholder"[:63]
        return kind, physical.lower() if kind == "AWS::S3::Bucket" else physical

    def _format(self, pattern: str, name: str) -> str:
        return pattern.format(name=name, region=self._d.region, account=self._d.account, partition="aws")


def _scalar(value: Any) -> str:
    """A template scalar as CloudFormation hands it to Lambda (booleans as `true`/`false`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
