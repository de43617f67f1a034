"""A dropped webhook is noticed once the vendor's declared render time and webhook retries have passed, not after a
fixed wait: measured on the CreativeAI sandbox's own timeline (`GET /_sandbox/ledger`), on a stack waiting as
deployed (the template's 180 s ceiling) with every declared timing and the sandbox's pace compressed alike.

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

from adforge.domain.models import JobKind
from adforge.vendors import creativeai

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.4  # 20 s + 35 s -> 22 s: a whole number of seconds, as Step Functions waits are
STEPS_SECONDS = 1.0  # our own warm Lambda steps around the wait (Submit's answer, the Poll step), in real seconds
CEILING = 180  # the template's WebhookWaitSeconds, the one wait before issue 10


@pytest.fixture(scope="module")
def dropped() -> dict:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT / 'layers/core'}:{ROOT / 'local'}"}
    env |= {name: value for name, value in os.environ.items() if name in ("HOME", "TMPDIR")}
    run = subprocess.run(
        [sys.executable, "-m", "adforge_local.bench_timings", "--json", "--scale", str(SCALE), "--jobs", "2",
         "creativeai:image:dropped"],
        capture_output=True, text=True, timeout=300, env=env, check=False, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_a_dropped_webhook_on_a_creativeai_image_job_is_noticed_within_its_render_time_plus_its_retries(dropped):
    timings = creativeai.TIMINGS
    render, retries = timings.render_seconds(JobKind.IMAGE), timings.webhook_retry_seconds
    assert dropped["statuses"] == ["completed"] * 2 and dropped["webhooks"] is True
    # the state machine was told the declared wait, in the stack's compressed seconds
    assert dropped["declared_wait"] == math.ceil((render + retries) * SCALE) < CEILING
    # noticed (the first status call after the render ended) by render + retries, plus our own steps; never before
    # the vendor's last retry was due
    bound = render + retries + STEPS_SECONDS / SCALE
    assert all(render + retries <= noticed <= bound for noticed in dropped["noticed_after_start"]), dropped
    assert len(dropped["noticed_after_start"]) == 2
    # one status call, the one that saw the result: no poll while the vendor could still deliver
    assert dropped["status_calls"] == [1, 1]
