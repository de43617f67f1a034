"""The bench's counting rules (adforge_local.bench_scale): windows, DynamoDB units, transitions, attribution."""

import pytest

from adforge_local.bench_scale import (
    attribute,
    generation_ids,
    item_bytes,
    peak_per_window,
    request_units,
    transitions_of,
)


def test_peak_per_window_counts_any_60_seconds_and_a_moment_leaves_at_60():
    assert peak_per_window([]) == 0
    assert peak_per_window([0, 10, 59.9, 60, 61]) == 4  # 10 .. 61
    assert peak_per_window([0, 60, 120]) == 1


def test_item_size_is_names_plus_values_by_dynamodbs_rules():
    assert item_bytes({"pk": {"S": "JOB#1"}}) == 2 + 5
    assert item_bytes({"n": {"N": "123"}}) == 1 + 3  # (3 digits + 1) // 2 + 1
    assert item_bytes({"m": {"M": {"a": {"BOOL": True}}}}) == 1 + 3 + 1 + 1
    assert item_bytes({"l": {"L": [{"S": "ab"}]}}) == 1 + 3 + 1 + 2


def test_request_units_per_call():
    big = {"pk": {"S": "JOB#1"}, "doc": {"S": "x" * 1500}}
    key = '{"pk": {"S": "JOB#1"}}'
    sizes = {key: 5000}
    calls = [
        ("PutItem", {"Item": big}),  # 1.5 KB: 2 WRU
        ("GetItem", {"Key": {"pk": {"S": "JOB#1"}}, "ConsistentRead": True}),  # 5 KB: 2 RRU
        ("GetItem", {"Key": {"pk": {"S": "JOB#1"}}}),  # eventually consistent: half
        ("GetItem", {"Key": {"pk": {"S": "missing"}}, "ConsistentRead": True}),  # nothing there: still 1
        ("UpdateItem", {"Key": {"pk": {"S": "JOB#1"}}, "ExpressionAttributeValues": {":v": {"N": "1"}}}),  # 5 KB: 5 WRU
        ("TransactWriteItems", {"TransactItems": [{"Put": {"Item": {"pk": {"S": "a"}}}}]}),  # twice
        ("Query", {}),  # one 4 KB read, eventually consistent
    ]
    reads, writes = request_units(calls, sizes)
    assert (reads, writes) == (2 + 1 + 1 + 0.5, 2 + 5 + 2)


def test_transitions_are_states_entered_plus_task_retries():
    history = [
        {"type": "ExecutionStarted"},
        {"type": "PassStateEntered"},
        {"type": "TaskStateEntered"},
        {"type": "LambdaFunctionScheduled"},
        {"type": "LambdaFunctionFailed"},
        {"type": "LambdaFunctionScheduled"},  # a retry within the same state entry
        {"type": "ChoiceStateEntered"},
    ]
    assert transitions_of(history) == 4


@pytest.mark.parametrize(
    ("vendor_job_id", "ids"),
    [
        (None, []),
        ("gen-1", ["gen-1"]),
        ("gen-1,gen-2", ["gen-1", "gen-2"]),
        (
            "edited:http://127.0.0.1:9/output/sync-2-0.png http://127.0.0.1:9/output/sync-3-0.png",
            ["/output/sync-2-0.png", "/output/sync-3-0.png"],
        ),
    ],
)
def test_generation_ids_of_a_vendor_job_id(vendor_job_id, ids):
    assert generation_ids(vendor_job_id) == ids


def test_attribution_by_id_by_output_stem_then_by_prompt_tag():
    jobs = {
        "j1": {"id": "j1", "vendor_job_id": "a,b", "attempts": [{"vendor_job_id": "a,b"}]},
        "j2": {"id": "j2", "vendor_job_id": "edited:http://h/output/sync-2-0.png", "attempts": []},
        "j3": {"id": "j3", "vendor_job_id": None, "attempts": [{"vendor_job_id": None, "outcome": "unknown"}]},
        "j4": {"id": "j4", "vendor_job_id": "c", "attempts": [{"vendor_job_id": "old"}, {"vendor_job_id": "c"}]},
    }
    ledgers = {
        "adcreator": {"generations": [{"id": "a"}, {"id": "b"}, {"id": "old"}, {"id": "c"}]},
        "creativeai": {"generations": [{"id": "sync-2"}, {"id": "sync-21", "prompt": "ad, ref-3"}]},
    }
    billing = attribute(ledgers, jobs, {"ref-3": "j3"})
    assert [(vendor, g["id"], job) for vendor, g, job in billing.unreferenced] == [("creativeai", "sync-21", "j3")]
    assert billing.by_job["j2"] == [("creativeai", "sync-2", "edited:http://h/output/sync-2-0.png")]
    assert billing.billed_more_than_once() == ["j4"]  # j1: two generations of one submission; j4: submitted twice
    assert billing.billed_at_two_vendors() == []
