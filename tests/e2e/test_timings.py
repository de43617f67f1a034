"""A dropped webhook is noticed once the vendor's declared render time and webhook retries have passed, not after a
fixed wait, and an unsigned notification costs at most one status call: measured on the sandboxes' own timelines
(`GET /_sandbox/ledger`), on a stack waiting as deployed (the template's 180 s ceiling) with every declared timing
and the sandboxes' pace compressed alike.

The run has a stack of its own (production ceilings), in a subprocess (one local stack per process):
adforge_local.bench_timings, whose figures are in the vendor's seconds.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adforge.domain.capabilities import WAIT_STARTS_LATE_SECONDS
from adforge.domain.models import JobKind
from adforge.vendors import creativeai

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.4  # (20 s + 35 s - 1 s) x 0.4 -> 21 s: whole seconds, as Step Functions waits are
STAMP_SECONDS = 0.001  # execution history timestamps are whole milliseconds: a wait may read 1 ms short
TRANSITION_SECONDS = 0.5  # one state to the next (timed out -> PollNow -> Poll), in real seconds: no Wait between
CEILING = 180  # the template's WebhookWaitSeconds, the one wait before issue 10


@pytest.fixture(scope="module")
def measured() -> dict[str, dict]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT / 'layers/core'}:{ROOT / 'local'}"}
    env |= {name: value for name, value in os.environ.items() if name in ("HOME", "TMPDIR")}
    run = subprocess.run(
        [sys.executable, "-m", "adforge_local.bench_timings", "--json", "--scale", str(SCALE), "--jobs", "2",
         "creativeai:image:dropped", "adcreative_stock:image"],
        capture_output=True, text=True, timeout=300, env=env, check=False, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    results = [json.loads(line) for line in run.stdout.strip().splitlines() if line.startswith("{")]
    return {result["case"]: result for result in results}


@pytest.fixture
def dropped(measured) -> dict:
    return measured["creativeai:image:dropped"]


def test_a_dropped_webhook_on_a_creativeai_image_job_is_noticed_within_its_render_time_plus_its_retries(dropped):
    timings = creativeai.TIMINGS
    render, retries = timings.render_seconds(JobKind.IMAGE), timings.webhook_retry_seconds
    assert dropped["statuses"] == ["completed"] * 2 and dropped["webhooks"] is True
    # the state machine was told the declared wait, in the stack's compressed seconds: the window less our late start
    wait = math.floor((render + retries - WAIT_STARTS_LATE_SECONDS) * SCALE)
    assert dropped["declared_wait"] == wait < CEILING
    wait /= SCALE  # in the vendor's seconds
    assert render + retries - WAIT_STARTS_LATE_SECONDS - 1 / SCALE < wait <= render + retries - WAIT_STARTS_LATE_SECONDS
    # noticed (the first status call after the render ended) after the declared wait once our own Lambda steps are
    # taken out (Submit's tail and the Poll step, measured from the execution history; a loaded machine stretches
    # them, not the wait), and within render + retries as long as those steps take less than the allowance
    noticed, hook_wait, to_poll, our_steps = (
        dropped[name] for name in ("noticed_after_start", "hook_wait", "to_poll", "our_steps")
    )
    assert len(noticed) == len(hook_wait) == 2, dropped
    transition = TRANSITION_SECONDS / SCALE
    for job in range(2):
        assert wait - STAMP_SECONDS / SCALE <= hook_wait[job] <= wait + transition, dropped  # the declared wait
        assert to_poll[job] <= transition, dropped  # polled at once: no Wait after the timeout
        assert wait - STAMP_SECONDS / SCALE <= noticed[job] - our_steps[job] <= wait + 2 * transition, dropped
        assert noticed[job] < CEILING
    # one status call, the one that saw the result: no poll while the vendor could still deliver
    assert dropped["status_calls"] == [1, 1]


def test_an_unsigned_adcreative_notification_costs_one_status_call_per_job_on_the_final_one_only(measured):
    stock = measured["adcreative_stock:image"]
    assert stock["statuses"] == ["completed"] * 2 and stock["webhooks"] is True
    # the job ended by its notification (no poll: the wait had not run out), confirmed by one status call
    assert stock["status_calls"] == [1, 1]
    assert all(noticed < stock["declared_wait"] / SCALE for noticed in stock["noticed_after_start"]), stock
