"""template.yaml keeps every queue, function and log watched; each check is shown to catch a gap."""

import copy

import pytest

from adforge.vendors.catalog import CAPABILITIES as REGISTRY
from adforge_local.provision import Provisioner, unaccounted_types
from adforge_local.template import Resolver
from tests.operations import (
    alarms_without_action,
    dead_letter_queues,
    functions_without_alarms,
    logs_without_retention,
    translated,
    unjustified_checkov_skips,
    unwatched_queues,
    vendors_without_failure_alarm,
)


@pytest.fixture(scope="module")
def cfn():
    return translated().cfn


def test_every_queue_has_an_alarm_and_every_dead_letter_queue_one_on_any_message(cfn):
    assert len(dead_letter_queues(cfn)) >= 5  # the redrive target, the rules' two, the two OnFailure destinations
    assert unwatched_queues(cfn) == []


def test_every_function_the_state_machine_and_the_api_log_to_a_group_kept_the_retention_parameter(cfn):
    assert logs_without_retention(cfn) == []


def test_every_alarm_notifies_the_alarm_topic_and_says_what_missing_data_means(cfn):
    assert alarms_without_action(cfn) == []


def test_every_function_has_an_errors_and_a_throttles_alarm(cfn):
    assert functions_without_alarms(cfn) == []


def test_every_vendor_in_the_catalog_has_a_failure_rate_alarm(cfn):
    assert vendors_without_failure_alarm(cfn, list(REGISTRY)) == []


def test_the_state_machine_logs_errors_without_execution_data(cfn):
    (machine,) = (r for r in cfn["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine")
    logging = machine["Properties"]["LoggingConfiguration"]
    assert (logging["Level"], logging["IncludeExecutionData"]) == ("ERROR", False)


def test_the_alarm_email_is_subscribed_only_when_given():
    def subscribed(**parameters: str) -> bool:
        template = translated(**parameters)
        resolver = Resolver(template, "us-east-1", "s")
        subscriptions = template.resources("AWS::SNS::Subscription").values()
        return any(resolver.condition(s["Condition"]) if "Condition" in s else True for s in subscriptions)

    assert not subscribed()
    assert subscribed(AlarmEmail="ops@example.com")


def test_every_checkov_skip_names_its_check_and_says_why():
    assert unjustified_checkov_skips(translated().sam) == []


def test_every_resource_type_is_provisioned_locally_or_skipped_on_purpose():
    assert unaccounted_types(translated()) == []


def test_a_resource_type_the_local_stack_does_not_know_stops_its_provisioning():
    template = translated()
    template.cfn["Resources"]["Cache"] = {"Type": "AWS::ElastiCache::CacheCluster", "Properties": {}}

    def no_aws(service: str) -> None:
        raise AssertionError(f"{service} called before the template was checked")

    with pytest.raises(ValueError, match=r"AWS::ElastiCache::CacheCluster"):
        Provisioner(template, no_aws, "us-east-1", "s", {}).run()


# each check finds the gap it is for --------------------------------------------------------------


def _without(cfn, name):
    changed = copy.deepcopy(cfn)
    del changed["Resources"][name]
    return changed


def test_a_dead_letter_queue_whose_alarm_is_removed_is_reported(cfn):
    assert unwatched_queues(_without(cfn, "UploadTriggerFailuresWaiting")) == ["UploadTriggerFailures"]


def test_a_new_failure_destination_without_an_alarm_is_reported(cfn):
    changed = copy.deepcopy(cfn)
    changed["Resources"]["NewFailures"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    assert unwatched_queues(changed) == ["NewFailures"]


def test_a_function_without_a_retained_log_group_is_reported(cfn):
    changed = copy.deepcopy(cfn)
    changed["Resources"]["PollFunctionLogs"]["Properties"]["RetentionInDays"] = 7
    del changed["Resources"]["SubmitFunction"]["Properties"]["LoggingConfig"]
    assert sorted(logs_without_retention(changed)) == ["PollFunction", "SubmitFunction"]


def test_an_alarm_without_an_action_is_reported(cfn):
    changed = copy.deepcopy(cfn)
    del changed["Resources"]["Api5xxRate"]["Properties"]["AlarmActions"]
    assert alarms_without_action(changed) == ["Api5xxRate"]


def test_a_function_missing_its_throttles_alarm_and_a_vendor_missing_its_alarm_are_reported(cfn):
    assert functions_without_alarms(_without(cfn, "FailThrottles")) == ["FailFunction"]
    assert vendors_without_failure_alarm(_without(cfn, "AdsumoFailureRate"), list(REGISTRY)) == ["adsumo"]


def test_a_checkov_skip_without_a_reason_is_reported():
    sam = copy.deepcopy(translated().sam)
    sam["Resources"]["AlarmTopic"]["Metadata"]["checkov"]["skip"][0]["comment"] = ""
    assert unjustified_checkov_skips(sam) == ["AlarmTopic:CKV_AWS_26"]
