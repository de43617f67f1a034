"""What template.yaml must keep for an operator, read from the translated template (never a list of names):
every queue alarmed (dead-letter and failure queues on their depth), every function's logs in a log group kept
`LogRetentionDays`, every alarm notifying someone. Each check answers what is missing ([] when nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adforge_local.template import Template, load

ROOT = Path(__file__).resolve().parents[1]
RETENTION = {"Ref": "LogRetentionDays"}


def translated(path: Path = ROOT / "template.yaml", **parameters: str) -> Template:
    return load(path, {"PublicApiUrl": "https://api.example.com", **parameters}, "us-east-1", ROOT)


def _of(cfn: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in cfn["Resources"].items() if r["Type"] == kind}


def _arn_of(value: Any) -> str | None:
    """The logical id a `Fn::GetAtt [X, Arn]` names."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        name, attribute = value["Fn::GetAtt"]
        return str(name) if attribute == "Arn" else None
    return None


def dead_letter_queues(cfn: dict[str, Any]) -> set[str]:
    """Queues work lands in when it failed: redrive targets, rules' dead-letter queues, OnFailure destinations."""
    found: set[str | None] = set()
    for queue in _of(cfn, "AWS::SQS::Queue").values():
        found.add(_arn_of(queue.get("Properties", {}).get("RedrivePolicy", {}).get("deadLetterTargetArn")))
    for rule in _of(cfn, "AWS::Events::Rule").values():
        found.update(_arn_of(t.get("DeadLetterConfig", {}).get("Arn")) for t in rule["Properties"].get("Targets", []))
    for config in _of(cfn, "AWS::Lambda::EventInvokeConfig").values():
        found.add(_arn_of(config["Properties"].get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")))
    return {name for name in found if name is not None}


def _alarmed_queues(cfn: dict[str, Any], metric: str | None = None) -> set[str]:
    queues = set()
    for alarm in _of(cfn, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props.get("Namespace") != "AWS/SQS" or (metric and props.get("MetricName") != metric):
            continue
        if metric and not (props.get("ComparisonOperator") == "GreaterThanThreshold" and float(props["Threshold"]) == 0):
            continue
        for dimension in props.get("Dimensions", []):
            if dimension["Name"] == "QueueName" and "Fn::GetAtt" in dimension["Value"]:
                queues.add(dimension["Value"]["Fn::GetAtt"][0])
    return queues


def unwatched_queues(cfn: dict[str, Any]) -> list[str]:
    """Queues with no alarm at all, and dead-letter queues without one on any visible message."""
    queues = set(_of(cfn, "AWS::SQS::Queue"))
    missing = queues - _alarmed_queues(cfn)
    missing |= dead_letter_queues(cfn) - _alarmed_queues(cfn, "ApproximateNumberOfMessagesVisible")
    return sorted(missing)


def _retained(cfn: dict[str, Any], group: Any) -> bool:
    """Whether `group` (a Ref or GetAtt Arn of a log group) is a log group kept LogRetentionDays."""
    name = group.get("Ref") if isinstance(group, dict) and "Ref" in group else _arn_of(group)
    resource = cfn["Resources"].get(name or "", {})
    return resource.get("Type") == "AWS::Logs::LogGroup" and resource["Properties"].get("RetentionInDays") == RETENTION


def logs_without_retention(cfn: dict[str, Any]) -> list[str]:
    """Functions, state machines and API stages whose logs are not in a log group kept LogRetentionDays."""
    missing = [
        name
        for name, function in _of(cfn, "AWS::Lambda::Function").items()
        if not _retained(cfn, function["Properties"].get("LoggingConfig", {}).get("LogGroup"))
    ]
    for name, machine in _of(cfn, "AWS::StepFunctions::StateMachine").items():
        logging = machine["Properties"].get("LoggingConfiguration", {})
        destinations = [d.get("CloudWatchLogsLogGroup", {}).get("LogGroupArn") for d in logging.get("Destinations", [])]
        if not destinations or not all(_retained(cfn, d) for d in destinations):
            missing.append(name)
    for name, stage in _of(cfn, "AWS::ApiGateway::Stage").items():
        if not _retained(cfn, stage["Properties"].get("AccessLogSetting", {}).get("DestinationArn")):
            missing.append(name)
    return missing


def alarms_without_action(cfn: dict[str, Any]) -> list[str]:
    """Alarms that notify no SNS topic of the stack, or leave missing data to CloudWatch's default."""
    topics = set(_of(cfn, "AWS::SNS::Topic"))
    return [
        name
        for name, alarm in _of(cfn, "AWS::CloudWatch::Alarm").items()
        if not any(action.get("Ref") in topics for action in alarm["Properties"].get("AlarmActions", []))
        or "TreatMissingData" not in alarm["Properties"]
    ]


def functions_without_alarms(cfn: dict[str, Any]) -> list[str]:
    """Functions lacking an Errors or a Throttles alarm on their own FunctionName."""
    watched: dict[str, set[str]] = {}
    for alarm in _of(cfn, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        for dimension in props.get("Dimensions", []) if props.get("Namespace") == "AWS/Lambda" else []:
            if dimension["Name"] == "FunctionName" and "Ref" in dimension["Value"]:
                watched.setdefault(dimension["Value"]["Ref"], set()).add(props["MetricName"])
    return sorted(name for name in _of(cfn, "AWS::Lambda::Function") if not {"Errors", "Throttles"} <= watched.get(name, set()))


def vendors_without_failure_alarm(cfn: dict[str, Any], vendors: list[str]) -> list[str]:
    """Vendors no alarm computes a failure rate for from VendorCalls (5xx and timeout outcomes among all five)."""
    alarmed = set()
    for alarm in _of(cfn, "AWS::CloudWatch::Alarm").values():
        queries = alarm["Properties"].get("Metrics", [])
        stats = [q["MetricStat"]["Metric"] for q in queries if "MetricStat" in q]
        calls = [m for m in stats if m["Namespace"] == "AdForge" and m["MetricName"] == "VendorCalls"]
        outcomes = {d["Value"] for m in calls for d in m["Dimensions"] if d["Name"] == "outcome"}
        named = {d["Value"] for m in calls for d in m["Dimensions"] if d["Name"] == "vendor"}
        if outcomes == {"ok", "4xx", "429", "5xx", "timeout"} and len(named) == 1:
            alarmed |= named
    return sorted(set(vendors) - alarmed)


def unjustified_checkov_skips(sam: dict[str, Any]) -> list[str]:
    """`Metadata: checkov: skip:` entries (of the template as written) without a check id and a reason."""
    return sorted(
        f"{name}:{skip.get('id', '?')}"
        for name, resource in sam["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
        if not str(skip.get("id", "")).startswith("CKV") or len(str(skip.get("comment", "")).strip()) < 10
    )
