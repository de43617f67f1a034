"""What every sandbox gets from base.py and clock.py: time from an injectable clock, latency, the webhook retry
schedule, reset and the `hold` fault. Driven by a `ManualClock`, so no case waits on (or races) the wall clock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from adforge_local.sandboxes.adsumo import AdsumoSandbox
from adforge_local.sandboxes.clock import ManualClock, RealClock
from adforge_local.sandboxes.creativeai import CreativeAISandbox

PACE = 0.5  # processing_seconds; binary fractions keep the clock's sums exact
TEXT = {"prompt": "white sneakers on marble", "model": "fast", "aspect_ratio": "1:1"}


class Hook:
    """A webhook receiver answering each delivery with the next of `statuses` (the last one repeats)."""

    def __init__(self, *statuses: int) -> None:
        self.statuses, self.hits = list(statuses), 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                status = hook.statuses[min(hook.hits, len(hook.statuses) - 1)]
                hook.hits += 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(start=1_750_000_000.0)


@pytest.fixture(scope="module")
def adsumo_server(clock: ManualClock) -> Iterator[AdsumoSandbox]:
    box = AdsumoSandbox(clock=clock).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def creativeai_server(clock: ManualClock) -> Iterator[CreativeAISandbox]:
    box = CreativeAISandbox(clock=clock).start()
    yield box
    box.stop()


@pytest.fixture
def adsumo(adsumo_server: AdsumoSandbox) -> AdsumoSandbox:
    adsumo_server.reset()
    adsumo_server.set_faults(processing_seconds=PACE)
    return adsumo_server


@pytest.fixture
def creativeai(creativeai_server: CreativeAISandbox) -> CreativeAISandbox:
    creativeai_server.reset()
    return creativeai_server


def submit(box: AdsumoSandbox) -> str:
    reply = httpx.post(f"{box.url}/api/v1/images/text-to-image", json=TEXT, headers={"Authorization": f"Bearer {box.api_key}"})
    assert reply.status_code == 202, reply.text
    return str(reply.json()["generation_id"])


def status(box: AdsumoSandbox, generation_id: str) -> str:
    reply = httpx.get(f"{box.url}/api/v1/generations/{generation_id}", headers={"Authorization": f"Bearer {box.api_key}"})
    return str(reply.json()["status"])


def stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_with_webhook(box: CreativeAISandbox, hook: Hook) -> None:
    headers = {"Authorization": f"Bearer {box.api_key}"}
    body = {"prompt": "a red mug", "webhook_url": hook.url}
    assert httpx.post(f"{box.url}/api/v1/model/generateImage", json=body, headers=headers).status_code == 202


# the clocks ----------------------------------------------------------------------------------
def test_manual_clock_runs_due_callbacks_in_order_only_when_advanced() -> None:
    clock, ran = ManualClock(start=100.0), []
    clock.call_later(2.0, lambda: ran.append(("b", clock.now())))
    clock.call_later(1.0, lambda: ran.append(("a", clock.now())))
    clock.call_later(0.0, lambda: clock.call_later(0.5, lambda: ran.append(("chained", clock.now()))))
    assert (ran, clock.pending) == ([], 3)
    clock.advance(1.5)
    assert ran == [("chained", 100.5), ("a", 101.0)] and clock.now() == 101.5
    clock.advance(0.5)
    assert ran[-1] == ("b", 102.0) and clock.pending == 0
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_manual_sleep_lasts_until_the_clock_reaches_its_deadline() -> None:
    clock, woke = ManualClock(start=0.0), threading.Event()
    sleeper = threading.Thread(target=lambda: (clock.sleep(2.0), woke.set()), daemon=True)
    sleeper.start()
    assert clock.wait_for_sleepers(1)
    clock.advance(1.5)
    assert clock.sleepers == 1 and not woke.is_set()
    clock.advance(0.5)
    sleeper.join(10)
    assert woke.is_set() and clock.sleepers == 0
    clock.sleep(0)  # no time to wait: returns at once


def test_real_clock_reads_and_schedules_on_wall_time() -> None:
    clock, fired = RealClock(), threading.Event()
    before = clock.now()
    clock.call_later(0.0, fired.set)
    assert fired.wait(10) and clock.now() >= before


# latency -------------------------------------------------------------------------------------
def test_concurrent_calls_with_latency_do_not_serialize(adsumo: AdsumoSandbox, clock: ManualClock) -> None:
    """Both calls sleep their latency at once: a sleep under the sandbox lock would leave the second one queued."""
    adsumo.set_faults(latency_ms=500)
    replies: list[int] = []

    def call() -> None:
        url = f"{adsumo.url}/api/v1/generations/nope"
        replies.append(httpx.get(url, headers={"Authorization": f"Bearer {adsumo.api_key}"}, timeout=30).status_code)

    calls = [threading.Thread(target=call, daemon=True) for _ in range(2)]
    for thread in calls:
        thread.start()
    try:
        assert clock.wait_for_sleepers(2), "the second call never started its latency: calls are serialized"
        clock.advance(0.25)
        assert (clock.sleepers, replies) == (2, [])  # both still in their latency
        clock.advance(0.25)
        for thread in calls:
            thread.join(10)
        assert replies == [404, 404] and adsumo.stats["generation"] == 2
    finally:
        for _ in range(10):  # a failed case must not leave a caller asleep
            if not any(thread.is_alive() for thread in calls):
                break
            clock.advance(1.0)
            calls[-1].join(0.1)


# webhooks ------------------------------------------------------------------------------------
def test_webhook_retries_follow_the_schedule_on_the_clock(creativeai: CreativeAISandbox, clock: ManualClock) -> None:
    hook = Hook(503)
    try:
        creativeai.set_faults(processing_seconds=1.0, webhook_retry_delays=[0.0, 4.0, 32.0])
        render_with_webhook(creativeai, hook)
        attempts = []
        for step in (0.5, 0.5, 3.5, 0.5, 31.5, 0.5, 100.0):
            clock.advance(step)
            attempts.append(creativeai.stats["webhook_attempt"])
        assert attempts == [0, 1, 1, 2, 2, 3, 3] and hook.hits == 3
        assert (creativeai.stats["webhook_gave_up"], creativeai.stats["webhook_delivered"]) == (1, 0)
    finally:
        hook.close()


def test_a_retried_webhook_is_delivered_once_accepted(creativeai: CreativeAISandbox, clock: ManualClock) -> None:
    hook = Hook(503, 200)
    try:
        creativeai.set_faults(processing_seconds=1.0, webhook_retry_delays=[0.0, 4.0, 32.0])
        render_with_webhook(creativeai, hook)
        clock.advance(100.0)
        assert (hook.hits, creativeai.stats["webhook_delivered"], creativeai.stats["webhook_gave_up"]) == (2, 1, 0)
    finally:
        hook.close()


def test_reset_cancels_pending_progress_and_retries(creativeai: CreativeAISandbox, clock: ManualClock) -> None:
    hook = Hook(503)
    try:
        creativeai.set_faults(processing_seconds=1.0, webhook_retry_delays=[0.0, 4.0, 32.0])
        render_with_webhook(creativeai, hook)
        clock.advance(1.0)
        render_with_webhook(creativeai, hook)  # still rendering at the reset
        assert hook.hits == 1
        creativeai.reset()
        clock.advance(100.0)
        assert hook.hits == 1 and creativeai.stats["webhook_attempt"] == 0
    finally:
        hook.close()


# timestamps ----------------------------------------------------------------------------------
def test_timestamps_come_from_the_clock(adsumo: AdsumoSandbox, clock: ManualClock) -> None:
    clock.advance(3600.0 - clock.now() % 3600.0)  # to the top of an hour: 2025-06-15T16:00:00Z or later
    started = clock.now()
    adsumo.set_faults(processing_seconds=61.0)
    generation_id = submit(adsumo)
    clock.advance(100.0)
    reply = httpx.get(f"{adsumo.url}/api/v1/generations/{generation_id}", headers={"Authorization": f"Bearer {adsumo.api_key}"})
    body = reply.json()
    assert (body["created_at"], body["completed_at"]) == (stamp(started), stamp(started + 61.0))
    assert body["created_at"].endswith(":00:00Z") and body["completed_at"].endswith(":01:01Z")


# hold ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("end", ["release", "hold false", "delete faults"])
def test_a_hold_keeps_new_jobs_in_progress_until_it_ends(adsumo: AdsumoSandbox, clock: ManualClock, end: str) -> None:
    admin = f"{adsumo.url}/_sandbox"
    assert httpx.post(f"{admin}/faults", json={"hold": True}).json()["hold"] is True
    held = submit(adsumo)
    clock.advance(100 * PACE)
    assert status(adsumo, held) == "processing"
    if end == "release":
        assert httpx.post(f"{admin}/release").json() == {"released": 1}
    elif end == "hold false":
        assert httpx.post(f"{admin}/faults", json={"hold": False}).json()["hold"] is False
    else:
        assert httpx.delete(f"{admin}/faults").json()["hold"] is False
    assert httpx.get(f"{admin}/faults").json()["hold"] is False
    assert status(adsumo, held) == "processing"  # its pace starts at the end of the hold
    clock.advance(PACE)
    assert status(adsumo, held) == "completed"
    after = submit(adsumo)
    clock.advance(adsumo.faults.processing_seconds)  # DELETE also put the pace back to its default
    assert status(adsumo, after) == "completed"  # new jobs are no longer held


def test_a_hold_spares_running_jobs_and_reset_drops_held_ones(adsumo: AdsumoSandbox, clock: ManualClock) -> None:
    running = submit(adsumo)
    adsumo.set_faults(hold=True)
    held = submit(adsumo)
    clock.advance(PACE)
    assert (status(adsumo, running), status(adsumo, held)) == ("completed", "processing")
    adsumo.reset()
    assert adsumo.faults.hold is False and adsumo.release() == 0


# the ledger's timeline -------------------------------------------------------------------------
def test_the_timeline_has_when_a_job_ended_and_every_status_call_on_the_sandbox_clock(
    adsumo: AdsumoSandbox, clock: ManualClock
) -> None:
    started = clock.now()
    generation = submit(adsumo)
    clock.advance(PACE / 2)
    assert status(adsumo, generation) == "processing"
    clock.advance(PACE)
    assert status(adsumo, generation) == "completed"
    timeline = httpx.get(f"{adsumo.url}/_sandbox/ledger").json()["timeline"]
    assert timeline == {generation: {"finished_at": started + PACE, "status_calls": [started + PACE / 2, started + 1.5 * PACE]}}


def test_a_dropped_webhook_still_ends_the_job_on_the_timeline(creativeai: CreativeAISandbox, clock: ManualClock) -> None:
    hook = Hook(200)
    try:
        creativeai.set_faults(processing_seconds=PACE, drop_webhooks=True)
        started = clock.now()
        render_with_webhook(creativeai, hook)
        clock.advance(PACE + sum(creativeai.faults.webhook_retry_delays))
        [entry] = creativeai.ledger.public()["timeline"].values()
        assert entry == {"finished_at": started + PACE, "status_calls": []} and hook.hits == 0
    finally:
        hook.close()
