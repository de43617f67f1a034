"""The timings bench's reading rules (adforge_local.bench_timings): which cases run, and the webhook timeout's moments."""

from datetime import UTC, datetime

from adforge.vendors.catalog import CAPABILITIES
from adforge_local.bench_timings import every_case, hook_timeout


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(1_750_000_000 + seconds, UTC)


def test_every_vendor_is_benched_and_only_webhook_vendors_with_their_webhook_dropped():
    cases = every_case()
    assert {case.split(":")[0] for case in cases} == set(CAPABILITIES)
    dropped = {case.split(":")[0] for case in cases if case.endswith(":dropped")}
    assert dropped == {name for name, vendor in CAPABILITIES.items() if vendor.webhooks}


def test_hook_timeout_reads_the_wait_and_the_next_poll_from_the_history():
    history = [
        {"type": "LambdaFunctionScheduled", "timestamp": at(0)},  # Submit
        {"type": "TaskScheduled", "timestamp": at(1)},  # AwaitWebhook
        {"type": "TaskTimedOut", "timestamp": at(23)},
        {"type": "LambdaFunctionScheduled", "timestamp": at(23.5)},  # Poll
        {"type": "LambdaFunctionScheduled", "timestamp": at(30)},  # Collect
    ]
    assert hook_timeout(history) == (at(1).timestamp(), at(23).timestamp(), at(23.5).timestamp())


def test_a_job_its_webhook_ended_has_no_timeout():
    history = [{"type": "TaskScheduled", "timestamp": at(1)}, {"type": "TaskSucceeded", "timestamp": at(3)}]
    assert hook_timeout(history) is None
