"""A small fault run (issue 9): whatever the vendors do, nobody pays twice, nothing paid is lost track of,
a cancelled job leaves nothing behind, and every job ends with exactly one terminal event.

The run is `adforge_local.bench_scale.FaultRun` (the one `make bench` prints at scale, there with seeded
timings), here with a scripted plan so that each fault meets a job (after one warm-up job per vendor): 15 jobs
over every vendor and `auto` within 8 s, while sandboxes limit creations per key, carry out a creation and answer
after the client's timeout (a named vendor, a job cancelled meanwhile, an `auto` job), answer a 5xx burst (an
`auto` job fails over), and jobs are cancelled at each stage (queued, while Submit talks to the vendor,
processing, during Collect). What the vendors billed comes from each sandbox's ledger (`GET /_sandbox/ledger`);
a generation no job references is traced to its job by the job's unique prompt tag.
"""

from collections import Counter

import pytest

from adforge_local.bench_scale import STAGES, FaultEvent, FaultRun, FaultSettings, PlannedJob
from tests.e2e.conftest import SAMPLE

pytestmark = pytest.mark.e2e
SETTINGS = FaultSettings(jobs=15, limit_per_minute=10, arrival_seconds=8, senders=3)
LATE = 9  # seconds: past the stack's VendorTimeoutSeconds (5 in the e2e stack)


def job(index: int, at: float, vendor: str, cancel_at: str | None = None) -> PlannedJob:
    return PlannedJob(index, at, vendor, f"ref-fault-{index:02d}", cancel_at)


def late(sandbox: str, *jobs: int, at: float = 0.0) -> FaultEvent:
    """The named jobs' creations (by their prompt tag, whatever order they arrive in) are answered late."""
    tags = [f"ref-fault-{index:02d}" for index in jobs]
    return FaultEvent(at, sandbox, {"answer_late_seconds": LATE, "answer_late_count": 0, "answer_late_match": tags})


PLAN = [
    job(0, 0.3, "adsumo"),  # adsumo carries out its creation and answers late: billed, outcome unknown to us
    job(1, 0.6, "auto"),  # creativeai answers 503 twice: fails over to the next capable vendor
    job(2, 1.0, "creativeai"),
    job(3, 1.6, "adsumo", cancel_at="submitting"),  # answered late too, and cancelled while Submit waits
    job(4, 2.0, "adcreator"),
    job(5, 2.2, "adcreator"),
    job(6, 2.4, "adcreator"),  # adcreator allows 2 a minute: a 429, then waits
    job(7, 4.5, "creativeai", cancel_at="collecting"),  # cancelled when Collect asks; after job 1's retries (2 s, jittered)
    job(8, 3.2, "adsumo", cancel_at="processing"),
    job(9, 3.6, "auto", cancel_at="queued"),
    job(10, 4.0, "adsumo", cancel_at="submitting"),  # answered in time (600 ms): the generation is abandoned
    job(11, 6.3, "auto"),  # creativeai answers late: must not fail over
    job(12, 5.0, "adcreative_stock"),  # text only: no product photo; answered late, found by the job's userId
    job(13, 6.5, "adsumo"),
    job(14, 7.5, "creativeai"),
]
FAULTS = [  # those at 0.0 are in place before the first job is sent
    *(FaultEvent(0.0, name, {"rate_limit_per_minute": 10}) for name in ("creativeai", "adsumo", "adcreative")),
    FaultEvent(0.0, "adcreator", {"rate_limit_per_minute": 2}),
    FaultEvent(0.0, "adsumo", {"latency_ms": 600}),  # every adsumo answer: time to cancel while Submit waits
    late("adsumo", 0, 3),  # (setting a fault restarts counts)
    late("adcreative", 12),
    FaultEvent(0.0, "creativeai", {"error_status": 503, "error_count": 2}),
    FaultEvent(6.0, "creativeai", {**late("creativeai", 11).faults, "error_status": None}),  # (the burst must not restart)
    FaultEvent(8.0, "creativeai", {"answer_late_seconds": 0, "error_status": None}),
]


@pytest.fixture(scope="module")
def report(stack):
    tenant = "fault-run"
    key = stack.create_tenant(tenant)
    upload = f"tenants/{tenant}/uploads/product.png"
    stack.client("s3").put_object(Bucket=stack.bucket, Key=upload, Body=SAMPLE.read_bytes())
    stack.reset_sandboxes()
    stack.forget_vendor_health()
    deadline = SETTINGS.arrival_seconds + stack.options.job_deadline_seconds + 40
    return FaultRun(stack, tenant, key, upload, SETTINGS, plan=PLAN, faults=FAULTS).run(deadline)


def _story(report) -> str:
    cancels = sorted(f"{wanted}<-{seen}:{status}" for wanted, seen, status in report.cancels.values())
    jobs = sorted(
        f"{job['request']['prompt'][-2:]} {job['vendor_requested']}->{job.get('vendor')} {job['status']}"
        f"/{(job.get('error') or {}).get('code', '-')} {[(a['vendor'], a['outcome']) for a in job['attempts']]}"
        for job in report.jobs.values()
    )
    unreferenced = [(vendor, generation["id"], job) for vendor, generation, job in report.unreferenced]
    applied = [(event.at, event.sandbox, event.faults) for event in report.applied]
    answers = sorted(Counter((call.sandbox, call.status) for call in report.vendor_calls).items())
    return (f"\njobs {jobs}\ncancels {cancels}\nunreferenced {unreferenced}\nbilling {report.billing.by_job}"
            f"\nfaults applied {applied}\nvendor answers {answers}")  # fmt: skip


def billing(report):
    """What the vendors billed, attributed to jobs; only from sandboxes that keep a ledger."""
    assert report.ledgers_available, "a sandbox answers no GET /_sandbox/ledger: what was billed is unknown"
    return report.billing


def test_every_job_ended_and_every_fault_met_a_job(report):
    assert len(report.jobs) == len(PLAN), _story(report)
    assert all(job["status"] in ("completed", "failed", "cancelled", "timed_out") for job in report.jobs.values()), _story(report)
    planned = sorted(job.cancel_at for job in PLAN if job.cancel_at)
    assert sorted(wanted for wanted, _, _ in report.cancels.values()) == planned, _story(report)
    # each stage met by a cancel that landed there (a slow cancel may find its job already ended: a 409)
    assert {seen for _, seen, status in report.cancels.values() if status == 200} == set(STAGES), _story(report)
    statuses = [call.status for call in report.vendor_calls]
    assert 429 in statuses and 503 in statuses, _story(report)


def test_no_job_is_billed_twice_at_one_vendor(report):
    assert billing(report).billed_more_than_once() == [], _story(report)


def test_no_job_is_billed_at_two_vendors(report):
    assert billing(report).billed_at_two_vendors() == [], _story(report)


def test_every_generation_the_vendors_billed_is_on_its_job(report):
    """By id, or, at a vendor that gives no way to learn the id of a request whose answer never came (Adsumo,
    CreativeAI's synchronous edits), as that job's `unknown` attempt at that vendor: never on nothing."""
    billing(report)
    assert report.on_nothing == [], _story(report)
    # a list endpoint (adcreator), the job's own userId (AdCreative), a signed webhook naming the job (CreativeAI)
    reconcilable = {"adcreator", "creativeai", "adcreative_stock", "adcreative_photoshoot"}
    late_text_to_image = [
        (vendor, generation["id"])
        for vendor, generation, _ in report.unreferenced
        if vendor in reconcilable and "/v1/images/edits" not in str(generation.get("endpoint"))
    ]
    assert late_text_to_image == [], _story(report)


def test_a_late_answered_adcreative_start_is_adopted_not_sent_again(report):
    """Its start was carried out and answered after our timeout: CheckUserProgress by the job's userId finds it."""
    (stock,) = [job for job in report.jobs.values() if "ref-fault-12" in job["request"]["prompt"]]
    starts = [call for call in report.vendor_calls if call.creates and "StockGeneration" in call.path]
    assert [round(call.answered - call.at) >= LATE for call in starts] == [True], _story(report)  # the fault met it
    assert (stock["status"], [a["outcome"] for a in stock["attempts"]]) == ("completed", ["completed"]), _story(report)
    process = stock["vendor_job_id"].partition("@")[0]
    assert billing(report).by_job[stock["id"]] == [("adcreative_stock", process, stock["vendor_job_id"])], _story(report)


def test_a_cancelled_job_leaves_no_objects(report):
    assert report.leftovers == {}, _story(report)


def test_every_job_ends_with_exactly_one_terminal_event(report):
    assert report.missing_terminal == [], _story(report)
