"""Admission slots on DynamoDB: a burst is spread over the account's rate, each caller with its own slot."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from adforge.adapters.dynamodb_admission import SAFETY, DynamoDBAdmission


@pytest.fixture
def clock():
    return [1_000.0]


@pytest.fixture
def admission(table, clock):
    return DynamoDBAdmission(table, lambda: clock[0])


def test_an_idle_account_sends_at_once_and_a_burst_queues_one_interval_apart(admission):
    waits = [admission.reserve("adsumo#k#create", per_minute=60) for _ in range(5)]
    interval = 60 / (60 * SAFETY)
    assert waits == pytest.approx([0, interval, 2 * interval, 3 * interval, 4 * interval], abs=0.002)


def test_concurrent_callers_never_share_a_slot(admission):
    with ThreadPoolExecutor(8) as pool:
        waits = sorted(pool.map(lambda _: admission.reserve("a#k#create", per_minute=120), range(24)))
    interval = 60 / (120 * SAFETY)
    assert [round(w / interval) for w in waits] == list(range(24))


def test_slots_free_up_as_time_passes(admission, clock):
    admission.reserve("a#k#create", per_minute=6)  # one every 10 s / SAFETY
    clock[0] += 60
    assert admission.reserve("a#k#create", per_minute=6) == 0


def test_a_request_of_several_outputs_takes_as_many_slots(admission):
    admission.reserve("a#k#create", per_minute=60, tokens=3)
    assert admission.reserve("a#k#create", per_minute=60) == pytest.approx(3 * 60 / (60 * SAFETY), abs=0.002)


def test_buckets_are_independent(admission):
    admission.reserve("a#k1#create", per_minute=1)
    assert admission.reserve("a#k2#create", per_minute=1) == 0
    assert admission.reserve("a#k1#status", per_minute=1) == 0


def test_the_vendors_retry_after_holds_every_later_slot(admission, clock):
    admission.hold_off("a#k#create", 30)
    assert admission.reserve("a#k#create", per_minute=60) == pytest.approx(30, abs=0.002)
    admission.hold_off("a#k#create", 5)  # a shorter wait never pulls the queue forward
    assert admission.reserve("a#k#create", per_minute=60) == pytest.approx(30 + 60 / (60 * SAFETY), abs=0.002)


def test_the_concurrency_cap_counts_each_holder_once_and_frees_on_leave(admission):
    assert admission.enter("a#k#running", "job_1", cap=2) and admission.enter("a#k#running", "job_1", cap=2)
    assert admission.enter("a#k#running", "job_2", cap=2)
    assert not admission.enter("a#k#running", "job_3", cap=2)
    assert admission.holders("a#k#running") == {"job_1", "job_2"}
    admission.leave("a#k#running", "job_1")
    admission.leave("a#k#running", "job_1")  # idempotent
    assert admission.enter("a#k#running", "job_3", cap=2) and admission.holders("a#k#running") == {"job_2", "job_3"}


def test_concurrent_entries_never_exceed_the_cap(admission):
    with ThreadPoolExecutor(8) as pool:
        entered = list(pool.map(lambda n: admission.enter("a#k#running", f"job_{n}", cap=5), range(20)))
    assert sum(entered) == 5 and len(admission.holders("a#k#running")) == 5
