"""Each vendor's declared timings set a job's waits: the webhook wait is the job's expected render time (per kind)
plus the vendor's webhook retry window, the first poll the vendor's interval; the settings are ceilings."""

import math
from pathlib import Path

import pytest
import yaml

from adforge.domain.capabilities import WAIT_STARTS_LATE_SECONDS, Timings
from adforge.domain.models import JobKind, JobRequest, VendorState, VendorUpdate
from adforge.services.intake import JobIntake
from adforge.services.polling import Poller
from adforge.services.submission import Submitter
from adforge.services.updates import UpdateRecorder
from adforge.vendors import creativeai
from adforge.vendors.catalog import CAPABILITIES
from adforge_local.sandboxes.base import Faults
from tests.fakes import FakeAssets, FakeEvents, FakeFetcher, FakeGateway, FakeHealth, FakeJobs, FakeTasks, FakeWorkflow

ROOT = Path(__file__).resolve().parents[2]
UPLOAD = "tenants/acme/uploads/p.png"
CREATIVEAI = creativeai.TIMINGS


class World:
    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.jobs = FakeJobs()
        self.assets = FakeAssets({UPLOAD: b"\x89PNG"})
        self.gateway = FakeGateway(name=vendor)
        self.events = FakeEvents()

    def create(self, **request):
        intake = JobIntake(self.jobs, self.assets, self.events, FakeWorkflow(), FakeFetcher(), CAPABILITIES,
                           new_id=lambda: "job_1")  # fmt: skip
        return intake.create("acme", JobRequest(prompt="a red mug on marble", vendor=self.vendor, **request))

    def submit(self, ceiling: int = 600, poll_ceiling: int = 60, scale: float = 1.0, **request) -> dict:
        job = self.create(**request)
        submitter = Submitter(self.jobs, self.assets, self.events, {self.vendor: self.gateway}, FakeHealth(),
                              "https://api.test", ceiling, poll_ceiling, timing_scale=scale,
                              vendors=CAPABILITIES)  # fmt: skip
        return submitter.submit(job.id)


# the declarations, against their documented sources ----------------------------------------------
def test_creativeai_declares_its_documented_webhook_retries_and_poll_interval():
    assert CREATIVEAI.webhook_retry_seconds == sum(Faults().webhook_retry_delays)  # the sandbox's copy of "0s, 5s, 30s"
    assert CREATIVEAI.poll_interval_seconds == 10  # "Poll with job ID every 10s"
    assert CREATIVEAI.render_seconds(JobKind.VIDEO) == 2 * 60 + 43  # the text-to-video example, 16:10:00 -> 16:12:43


@pytest.mark.parametrize("vendor", sorted(CAPABILITIES))
def test_every_vendor_declares_its_timings(vendor):
    """No vendor runs on the undeclared defaults: each package names its figures (or its guesses)."""
    capabilities = CAPABILITIES[vendor]
    assert "timings" in capabilities.model_fields_set
    assert all(capabilities.timings.render_seconds(kind) > 0 for kind in capabilities.kinds)


# the computation -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("timings", "kind", "ceiling", "scale", "wait"),
    [
        (Timings(image_render_seconds=20, video_render_seconds=163, webhook_retry_seconds=35), JobKind.IMAGE, 600, 1, 54),
        (Timings(image_render_seconds=20, video_render_seconds=163, webhook_retry_seconds=35), JobKind.VIDEO, 600, 1, 197),
        (Timings(image_render_seconds=20, video_render_seconds=163, webhook_retry_seconds=35), JobKind.VIDEO, 180, 1, 180),
        (Timings(image_render_seconds=20, webhook_retry_seconds=35), JobKind.VIDEO, 600, 1, 54),  # video as image
        (Timings(image_render_seconds=20, webhook_retry_seconds=35), JobKind.IMAGE, 600, 0.2, 10),
        (Timings(image_render_seconds=20.5, webhook_retry_seconds=0), JobKind.IMAGE, 600, 1, 19),  # whole seconds, down
        (Timings(image_render_seconds=0.1), JobKind.IMAGE, 600, 0.01, 1),  # never 0 (Step Functions)
    ],
)
def test_webhook_wait_is_render_plus_retries_less_our_late_start_at_most_the_ceiling(timings, kind, ceiling, scale, wait):
    assert timings.webhook_wait(kind, ceiling, scale) == wait


@pytest.mark.parametrize(
    ("interval", "ceiling", "scale", "wait"), [(10, 60, 1, 10), (10, 4, 1, 4), (10, 60, 0.2, 2), (5, 60, 0.1, 1)]
)
def test_first_poll_is_the_vendors_interval_at_most_the_ceiling(interval, ceiling, scale, wait):
    assert Timings(poll_interval_seconds=interval).first_poll_wait(ceiling, scale) == wait


# what the state machine is told --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vendor", "request_fields", "kind"),
    [
        ("creativeai", {}, JobKind.IMAGE),  # text to image: the native API's webhook
        ("creativeai", {"kind": "video", "aspect_ratios": ["16:9"]}, JobKind.VIDEO),
        ("adcreative_stock", {}, JobKind.IMAGE),
    ],
)
def test_submit_tells_the_state_machine_the_vendors_webhook_wait_for_the_jobs_kind(vendor, request_fields, kind):
    timings = CAPABILITIES[vendor].timings
    answer = World(vendor).submit(ceiling=600, poll_ceiling=60, **request_fields)
    assert answer["webhooks"] is True
    assert answer["webhook_wait"] == math.floor(timings.webhook_window(kind) - WAIT_STARTS_LATE_SECONDS)
    assert answer["wait"] == math.ceil(timings.poll_interval_seconds)


def test_image_and_video_waits_differ_by_their_render_times():
    image = World("creativeai").submit()["webhook_wait"]
    video = World("creativeai").submit(kind="video", aspect_ratios=["16:9"])["webhook_wait"]
    assert video - image == CREATIVEAI.render_seconds(JobKind.VIDEO) - CREATIVEAI.render_seconds(JobKind.IMAGE)


def test_the_setting_is_a_ceiling_not_the_wait():
    long = World("creativeai").submit(ceiling=180, kind="video", aspect_ratios=["16:9"])
    short = World("creativeai").submit(ceiling=180)
    assert long["webhook_wait"] == 180 and short["webhook_wait"] < 180


def test_the_local_stacks_scale_shrinks_every_declared_figure_alike():
    answer = World("creativeai").submit(scale=0.2)
    assert answer["webhook_wait"] == math.floor((CREATIVEAI.webhook_window(JobKind.IMAGE) - WAIT_STARTS_LATE_SECONDS) * 0.2)
    assert answer["wait"] == math.ceil(CREATIVEAI.poll_interval_seconds * 0.2)


@pytest.mark.parametrize("vendor", ["adsumo", "adcreator"])
def test_a_poll_only_vendor_is_polled_from_its_own_interval(vendor):
    answer = World(vendor).submit(poll_ceiling=60)
    assert answer["webhooks"] is False
    assert answer["wait"] == math.ceil(CAPABILITIES[vendor].timings.poll_interval_seconds)


def test_poll_cadence_starts_at_the_vendors_interval_then_doubles_up_to_the_maximum():
    world = World("adsumo")
    world.submit()
    job = world.jobs.get("job_1")
    now = job.created_at.timestamp()  # the injected clock: the deadline is far
    world.gateway.updates = iter([VendorUpdate(vendor_job_id="adsumo_1", state=VendorState.PROCESSING)] * 4)
    recorder = UpdateRecorder(world.jobs, world.events, FakeTasks(), vendors=CAPABILITIES)
    poller = Poller(world.jobs, recorder, {"adsumo": world.gateway}, lambda: now, 60, 40, 3600, vendors=CAPABILITIES)
    interval = math.ceil(CAPABILITIES["adsumo"].timings.poll_interval_seconds)
    waits = [poller.poll(job.id, last)["wait"] for last in (None, interval, 2 * interval, 32)]
    assert waits == [interval, 2 * interval, 4 * interval, 40]


# the state machine -----------------------------------------------------------------------------------
def states() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=Loader)
    return template["Resources"]["JobStateMachine"]["Properties"]["Definition"]["States"]


def test_the_state_machine_waits_for_the_webhook_as_submit_said_then_polls_at_once():
    machine = states()
    hook = machine["AwaitWebhook"]
    assert hook["TimeoutSecondsPath"] == "$.submit.webhook_wait"
    timeout = next(c for c in hook["Catch"] if "States.Timeout" in c["ErrorEquals"])
    after = machine[timeout["Next"]]
    assert after["Type"] == "Pass" and machine[after["Next"]]["Type"] == "Task"  # no Wait between the timeout and Poll
    assert after["Next"] == "Poll"
    assert machine["StartPolling"]["Parameters"]["wait.$"] == "$.submit.wait"
    assert machine["WaitBeforePoll"]["SecondsPath"] == "$.poll.wait"
