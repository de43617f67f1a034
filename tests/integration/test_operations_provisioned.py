"""The local stack provisions the template's operations resources in moto as CloudFormation would."""

import json

import boto3

from adforge_local.provision import Provisioner
from tests.operations import translated


def provision(**parameters: str):
    template = translated(**parameters)
    return template, Provisioner(template, boto3.client, "us-east-1", "ops", {"VendorSecret": "{}"}).run()


def test_alarms_log_groups_and_dashboard_are_created_as_written(aws):
    template, provisioned = provision(LogRetentionDays="14")
    cloudwatch, logs = boto3.client("cloudwatch"), boto3.client("logs")
    topic = provisioned.resolver.ref("AlarmTopic")
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms(MaxRecords=100)["MetricAlarms"]}
    assert len(alarms) == len(template.resources("AWS::CloudWatch::Alarm"))
    assert all(alarm["AlarmActions"] == [topic] for alarm in alarms.values())
    rate = alarms["ops-AdsumoFailureRate"]
    assert {q["Id"] for q in rate["Metrics"]} == {"ok", "c4xx", "c429", "c5xx", "timeout", "bad", "total", "rate"}
    assert "IF(total >= 20," in next(q["Expression"] for q in rate["Metrics"] if q["Id"] == "rate")

    groups = {g["logGroupName"]: g.get("retentionInDays") for g in logs.describe_log_groups()["logGroups"]}
    assert len(groups) == len(template.resources("AWS::Logs::LogGroup"))
    assert set(groups.values()) == {14}
    assert provisioned.resolver.ref("PollFunctionLogs") in groups  # what PollFunction's LoggingConfig names

    machine = boto3.client("stepfunctions").describe_state_machine(stateMachineArn=provisioned.state_machine_arn)
    assert machine["loggingConfiguration"]["level"] == "ERROR"

    body = json.loads(cloudwatch.get_dashboard(DashboardName="ops-operations")["DashboardBody"])
    (listed,) = (w["properties"]["alarms"] for w in body["widgets"] if w["type"] == "alarm")
    assert sorted(listed) == sorted(a["AlarmArn"] for a in alarms.values())


def test_the_alarm_email_is_subscribed_only_when_given(aws):
    _, provisioned = provision()
    sns = boto3.client("sns")
    assert sns.list_subscriptions_by_topic(TopicArn=provisioned.resolver.ref("AlarmTopic"))["Subscriptions"] == []


def test_a_given_alarm_email_is_subscribed(aws):
    _, provisioned = provision(AlarmEmail="ops@example.com")
    sns = boto3.client("sns")
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=provisioned.resolver.ref("AlarmTopic"))["Subscriptions"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "ops@example.com")


def test_vendor_functions_reserve_the_vendor_concurrency(aws):
    _, provisioned = provision(VendorConcurrency="7")
    lam = boto3.client("lambda")
    reserved = {
        logical: lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
        for logical, name in provisioned.functions.items()
    }
    assert {logical for logical, value in reserved.items() if value == 7} == {"SubmitFunction", "PollFunction", "CollectFunction"}
    assert {value for logical, value in reserved.items() if value != 7} == {None}
    invoke = lam.get_function_event_invoke_config(FunctionName=provisioned.functions["UploadTriggerFunction"])
    assert invoke["DestinationConfig"]["OnFailure"]["Destination"].endswith(":ops-UploadTriggerFailures")
