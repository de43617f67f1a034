"""A small fault run (issue 9): whatever the vendors do, nobody pays twice, nothing paid is lost track of,
a cancelled job leaves nothing behind, and every job ends with exactly one terminal event.

The run is `adforge_local.bench_scale.FaultRun` (the same one `make bench` prints at scale): 14 jobs over every
vendor and `auto`, arriving over 10 s, while the sandboxes limit creations per key, accept and answer after
the client's timeout, answer 5xx bursts, and jobs are cancelled at each stage. What the vendors billed comes
from each sandbox's ledger (`GET /_sandbox/ledger`).
"""

import pytest

from adforge_local.bench_scale import FaultRun, FaultSettings
from tests.e2e.conftest import SAMPLE

pytestmark = pytest.mark.e2e
SETTINGS = FaultSettings(jobs=14, seed=3, limit_per_minute=10, arrival_seconds=10, cancel_share=0.3, late_events=2,
                         burst_events=2, slow_submits_ms=600, senders=3)  # fmt: skip


@pytest.fixture(scope="module")
def report(stack):
    tenant = "fault-run"
    key = stack.create_tenant(tenant)
    upload = f"tenants/{tenant}/uploads/product.png"
    stack.client("s3").put_object(Bucket=stack.bucket, Key=upload, Body=SAMPLE.read_bytes())
    stack.reset_sandboxes()
    stack.forget_vendor_health()
    deadline = SETTINGS.arrival_seconds + stack.options.job_deadline_seconds + 40
    return FaultRun(stack, tenant, key, upload, SETTINGS).run(deadline)


def _story(report) -> str:
    cancels = sorted(f"{wanted}<-{seen}:{status}" for wanted, seen, status in report.cancels.values())
    statuses = sorted(f"{job['status']}/{(job.get('error') or {}).get('code', '-')}" for job in report.jobs.values())
    return f"jobs {statuses}; cancels {cancels}; faults {[(e.at, e.sandbox, e.faults) for e in report.applied]}"


def billing(report):
    """What the vendors billed, attributed to jobs; only from sandboxes that keep a ledger."""
    assert report.ledgers_available, "a sandbox answers no GET /_sandbox/ledger: what was billed is unknown"
    return report.billing


def test_every_job_ended(report):
    assert len(report.jobs) == SETTINGS.jobs, _story(report)  # every request is one the vendor can serve
    assert all(job["status"] in ("completed", "failed", "cancelled", "timed_out") for job in report.jobs.values()), _story(report)


def test_no_job_is_billed_twice_at_one_vendor(report):
    assert billing(report).billed_more_than_once() == [], _story(report)


def test_no_job_is_billed_at_two_vendors(report):
    assert billing(report).billed_at_two_vendors() == [], _story(report)


def test_every_generation_the_vendors_billed_is_referenced_by_its_job(report):
    billing(report)
    unreferenced = [(vendor, generation["id"], job) for vendor, generation, job in report.unreferenced]
    assert unreferenced == [], _story(report)


def test_a_cancelled_job_leaves_no_objects(report):
    assert report.leftovers == {}, _story(report)


def test_every_job_ends_with_exactly_one_terminal_event(report):
    assert report.missing_terminal == [], _story(report)
