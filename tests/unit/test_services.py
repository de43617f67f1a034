import io

import pytest
from PIL import Image

from adforge.adapters.images import PillowFramer
from adforge.api.views import job_view
from adforge.domain.errors import InputRejected, TransitionRejected
from adforge.domain.models import Job, JobError, JobRequest, VendorState, VendorUpdate
from adforge.domain.status import JobStatus
from adforge.ports.vendors import VendorContentPolicy, VendorRateLimited, VendorUnavailable
from adforge.services.completion import Completer
from adforge.services.intake import JobIntake, ServiceUnavailable
from adforge.services.polling import Poller
from adforge.services.submission import Submitter
from adforge.services.tenant_jobs import TenantJobs
from adforge.services.updates import NotYetSubmitted, Recorded, UnknownGeneration, UpdateRecorder
from adforge.vendors.catalog import CAPABILITIES as VENDORS
from tests.fakes import (
    FakeAssets,
    FakeEvents,
    FakeFetcher,
    FakeFramer,
    FakeGateway,
    FakeHealth,
    FakeJobs,
    FakeTasks,
    FakeWorkflow,
)

UPLOAD = "tenants/acme/uploads/p.png"


@pytest.fixture
def world():
    class World:
        jobs = FakeJobs()
        assets = FakeAssets({UPLOAD: b"\x89PNG"})
        events = FakeEvents()
        workflow = FakeWorkflow()
        tasks = FakeTasks()
        gateway = FakeGateway()
        health = FakeHealth()

        @property
        def gateways(self):
            return {"creativeai": self.gateway}

        def intake(self):
            return JobIntake(self.jobs, self.assets, self.events, self.workflow, FakeFetcher(), VENDORS, new_id=lambda: "job_1")

        def submitter(self):
            return Submitter(
                self.jobs, self.assets, self.events, self.gateways, self.health, "https://api.test/", 60, 5, vendors=VENDORS
            )

        def recorder(self):
            return UpdateRecorder(self.jobs, self.events, self.tasks, vendors=VENDORS)

    return World()


def create(world, **request) -> Job:
    return world.intake().create("acme", JobRequest(prompt="red mug", image={"key": UPLOAD}, **request))


# intake --------------------------------------------------------------------------------------
def test_create_records_announces_and_starts(world):
    job = create(world)
    assert world.jobs.get(job.id).status is JobStatus.QUEUED
    assert world.events.names() == ["Job Created"]
    assert world.workflow.started == [job.id]


@pytest.mark.parametrize(
    ("request_fields", "code"),
    [
        ({"vendor": "nope"}, "unknown_vendor"),
        ({"aspect_ratios": ["1:1", "9:16"]}, "no_capable_vendor"),
        ({"vendor": "creativeai", "aspect_ratios": ["1:1", "9:16"]}, "vendor_cannot_serve"),
    ],
)
def test_requests_no_vendor_can_serve_write_nothing(world, request_fields, code):
    with pytest.raises(InputRejected) as raised:
        create(world, **request_fields)
    assert raised.value.code == code
    assert world.jobs.items == {} and world.events.published == [] and world.workflow.started == []


def test_another_tenants_upload_is_not_found(world):
    with pytest.raises(InputRejected) as raised:
        world.intake().create("other", JobRequest(prompt="red mug", image={"key": UPLOAD}))
    assert raised.value.code == "image_not_found"
    assert world.jobs.items == {}


def test_ingested_url_is_removed_when_the_job_cannot_be_recorded(world):
    world.jobs.items["job_1"] = "taken"  # type: ignore[assignment]
    with pytest.raises(Exception, match="job_1"):
        world.intake().create("acme", JobRequest(prompt="red mug", image={"url": "https://shop.example/p.png"}))
    assert "tenants/acme/jobs/job_1/input.png" not in world.assets.objects


def test_a_job_that_cannot_start_is_marked_failed_not_left_queued(world):
    world.workflow.fail = True
    with pytest.raises(ServiceUnavailable):
        create(world)
    job = world.jobs.get("job_1")
    assert (job.status, job.error.code) == (JobStatus.FAILED, "workflow_unavailable")
    assert world.events.names() == ["Job Created", "Job Failed"]


# submission ----------------------------------------------------------------------------------
def test_submit_once_even_when_the_step_runs_again(world):
    job = create(world)
    first = world.submitter().submit(job.id)
    again = world.submitter().submit(job.id)
    assert len(world.gateway.submissions) == 1
    # the job has a product photo: CreativeAI edits it into the scene and answers with the outputs (no webhook to wait for)
    assert first == again
    assert (first["state"], first["vendor"], first["webhooks"]) == ("processing", "creativeai", False)
    sent = world.gateway.submissions[0]
    assert sent.callback_url == f"https://api.test/v1/webhooks/creativeai?job={job.id}"
    assert sent.product_image_url.startswith(f"https://assets.example/{UPLOAD}")
    stored = world.jobs.get(job.id)
    assert (stored.status, stored.vendor, stored.vendor_job_id) == (JobStatus.SUBMITTED, "creativeai", "creativeai_1")


def webp(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 128)).save(out, format="WEBP")
    return out.getvalue()


def test_a_photo_the_vendor_does_not_take_is_converted_once_before_it_is_sent_and_dropped_at_the_end(world):
    upload = "tenants/acme/uploads/p.webp"
    world.assets.objects[upload] = webp(33, 21)
    job = world.intake().create("acme", JobRequest(prompt="red mug", image={"key": upload}))
    submitter = world.submitter()
    submitter.images = PillowFramer(10_000_000)
    submitter.submit(job.id)
    converted = f"tenants/acme/jobs/{job.id}/input-for-creativeai.png"  # CreativeAI takes JPEG or PNG only
    assert world.gateway.submissions[0].product_image_url.startswith(f"https://assets.example/{converted}?")
    with Image.open(io.BytesIO(world.assets.objects[converted])) as png:
        assert (png.format, png.mode, png.size) == ("PNG", "RGBA", (33, 21))
    assert upload in world.assets.objects  # the merchant's own photo is left as it is
    completer(world).fail(job.id, "x", "y")
    assert converted not in world.assets.objects and upload in world.assets.objects


def test_a_photo_the_vendor_takes_is_sent_as_it_is(world):
    job = create(world)
    submitter = world.submitter()
    submitter.images = PillowFramer(10_000_000)
    submitter.submit(job.id)
    assert world.gateway.submissions[0].product_image_url.startswith(f"https://assets.example/{UPLOAD}?")
    assert not any("input-for" in key for key in world.assets.objects)


def test_a_rejected_submission_fails_the_job_with_the_vendor_reason(world):
    job = create(world)
    world.gateway.error = VendorContentPolicy("creativeai", "flagged", vendor_code="content_policy_violation")
    ended = world.submitter().submit(job.id)
    stored = world.jobs.get(job.id)
    assert (stored.status, stored.error.code) == (JobStatus.FAILED, "content_policy_violation")
    assert ended == {"state": "finished", "status": "failed", "error": "content_policy_violation", "cause": "flagged"}
    assert [(a.vendor, a.outcome) for a in stored.attempts] == [("creativeai", "rejected")]
    assert world.events.names()[-1] == "Job Failed"


def test_a_retryable_failure_is_recorded_then_raised_for_the_state_machine(world):
    job = create(world)
    world.gateway.error = VendorUnavailable("creativeai", "503")
    with pytest.raises(VendorUnavailable):
        world.submitter().submit(job.id)
    stored = world.jobs.get(job.id)
    assert stored.status is JobStatus.QUEUED
    assert [(a.outcome, a.error.code) for a in stored.attempts] == [("failed", "vendor_unavailable")]


# vendor updates ------------------------------------------------------------------------------
def submitted(world, **request) -> Job:
    job = create(world, **request)
    world.submitter().submit(job.id)
    return world.jobs.get(job.id)


def done(vendor_job_id="creativeai_1") -> VendorUpdate:
    return VendorUpdate(vendor_job_id=vendor_job_id, state=VendorState.COMPLETED, outputs=["https://cdn/o.png"])


def test_final_update_is_recorded_once_and_resumes_the_waiting_execution(world):
    job = submitted(world)
    world.recorder().wait_for_webhook(job.id, "token-1")
    assert world.recorder().record(job.id, "creativeai", done()) is Recorded.ACCEPTED
    version = world.jobs.get(job.id).version
    assert world.recorder().record(job.id, "creativeai", done()) is Recorded.DUPLICATE
    assert world.jobs.get(job.id).version == version
    assert world.tasks.resumed == [("token-1", {"state": "completed"})]


def test_webhook_before_the_token_is_parked_resumes_at_once(world):
    job = submitted(world)
    world.recorder().record(job.id, "creativeai", done())
    world.recorder().wait_for_webhook(job.id, "late-token")
    assert world.tasks.resumed == [("late-token", {"state": "completed"})]
    assert world.jobs.get(job.id).task_token is None


def test_a_concurrent_write_is_retried_on_the_fresh_record(world):
    job = submitted(world)
    world.jobs.interfere.append(lambda jobs: jobs.amend(jobs.get(job.id), task_token="t-racing"))
    assert world.recorder().record(job.id, "creativeai", done()) is Recorded.ACCEPTED
    assert world.tasks.resumed == [("t-racing", {"state": "completed"})]


def test_finished_jobs_never_move(world):
    job = submitted(world)
    world.recorder().record(job.id, "creativeai", done())
    Completer(world.jobs, world.assets, world.events, {"creativeai": world.gateway}, FakeFramer(), vendors=VENDORS).collect(
        job.id
    )
    before = world.jobs.get(job.id)
    late = VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.FAILED, error=JobError(code="x", message="late"))
    assert world.recorder().record(job.id, "creativeai", late) is Recorded.JOB_FINISHED
    assert world.jobs.get(job.id) == before
    with pytest.raises(TransitionRejected, match="already finished"):
        world.jobs.transition(before, JobStatus.FAILED)


def test_updates_for_someone_elses_generation_or_too_early_are_refused(world):
    job = create(world)
    with pytest.raises(UnknownGeneration):
        world.recorder().record(job.id, "othervendor", done())
    world.jobs.items[job.id] = world.jobs.get(job.id).model_copy(update={"vendor": "creativeai"})
    with pytest.raises(NotYetSubmitted):
        world.recorder().record(job.id, "creativeai", done())
    world.submitter().submit(job.id)
    with pytest.raises(UnknownGeneration):
        world.recorder().record(job.id, "creativeai", done("gen_other"))


# polling and completion ----------------------------------------------------------------------
def poller(world, now: float, deadline: int = 100) -> Poller:
    return Poller(world.jobs, world.recorder(), {"creativeai": world.gateway}, lambda: now, 2, 10, deadline, vendors=VENDORS)


def test_poll_waits_grow_then_cap(world):
    job = submitted(world)
    start = job.created_at.timestamp()
    world.gateway.updates = iter(
        [VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.PROCESSING, progress=p) for p in range(5)]
    )
    waits = [poller(world, start).poll(job.id, last)["wait"] for last in (None, 2, 4, 8, 10)]
    assert waits == [2, 4, 8, 10, 10]


def test_a_rate_limited_poll_waits_what_the_vendor_said_and_changes_nothing(world):
    job = submitted(world)

    def limited():
        raise VendorRateLimited("creativeai", "slow down", retry_after=9)
        yield

    world.gateway.updates = limited()
    assert poller(world, job.created_at.timestamp()).poll(job.id, 2) == {"state": "processing", "wait": 9, "slot": None}
    assert world.jobs.get(job.id) == job


def test_poll_reports_the_deadline_and_skips_the_vendor_once_the_record_knows(world):
    job = submitted(world)
    world.gateway.updates = iter([VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.PROCESSING)])
    assert poller(world, job.created_at.timestamp() + 95).poll(job.id, 8) == {"state": "deadline"}
    world.recorder().record(job.id, "creativeai", done())
    assert poller(world, job.created_at.timestamp()).poll(job.id, 2) == {"state": "completed"}
    assert world.gateway.status_calls == 1


def completer(world) -> Completer:
    return Completer(world.jobs, world.assets, world.events, {"creativeai": world.gateway}, FakeFramer(), vendors=VENDORS)


def completed_with(world, outputs: list[str], count: int | None = None) -> Job:
    """A job of `count` outputs (as many as `outputs` by default) whose vendor delivered `outputs`."""
    job = submitted(world, count=count or len(outputs))
    update = VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.COMPLETED, outputs=outputs)
    world.recorder().record(job.id, "creativeai", update)
    return job


def test_a_failed_collect_keeps_what_it_stored_for_its_retry_and_the_failure_deletes_it(world):
    job = completed_with(world, ["https://cdn/a.png", "https://cdn/b.png"])
    world.assets.fail_on.add("https://cdn/b.png")
    before = set(world.assets.objects)
    with pytest.raises(InputRejected):
        completer(world).collect(job.id)
    kept = world.jobs.get(job.id)
    assert kept.status is JobStatus.PROCESSING and [a.key for a in kept.assets] == [f"tenants/acme/jobs/{job.id}/output-0.png"]
    assert set(world.assets.objects) == before | {kept.assets[0].key}
    assert job_view(kept).assets == []  # not the merchant's until the job completed
    completer(world).fail(job.id, "fetch_failed", "cannot fetch")
    assert set(world.assets.objects) == before and world.jobs.get(job.id).assets == []


def test_a_retried_collect_never_opens_an_output_it_already_stored(world):
    outputs = ["https://cdn/a.png", "https://cdn/b.png", "https://cdn/c.png"]
    job = completed_with(world, outputs)
    world.assets.fail_on.add("https://cdn/c.png")
    with pytest.raises(InputRejected):
        completer(world).collect(job.id)
    world.assets.fail_on.clear()
    ended = completer(world).collect(job.id)
    assert (ended["status"], ended["assets"]) == ("completed", 3)
    assert {ref: world.gateway.opened_outputs.count(ref) for ref in outputs} == {outputs[0]: 1, outputs[1]: 1, outputs[2]: 2}
    done = world.jobs.get(job.id)
    assert [a.key for a in done.assets] == [f"tenants/acme/jobs/{job.id}/output-{i}.png" for i in range(3)]
    assert len(job_view(done).assets) == 3


def test_collect_stores_the_outputs_asked_for_and_never_opens_the_rest(world):
    """A vendor that always makes more (Photoshoot renders 6): the job keeps `count`, and the rest are never
    downloaded (where Download is what the vendor bills, never paid)."""
    outputs = [f"https://cdn/{n}.png" for n in range(6)]
    job = completed_with(world, outputs, count=2)
    assert completer(world).collect(job.id)["assets"] == 2
    assert world.gateway.opened_outputs == outputs[:2]


def test_a_cancel_between_collect_tries_deletes_what_the_first_try_stored(world):
    job = completed_with(world, ["https://cdn/a.png", "https://cdn/b.png"])
    world.assets.fail_on.add("https://cdn/b.png")
    before = set(world.assets.objects)
    with pytest.raises(InputRejected):
        completer(world).collect(job.id)
    assert set(world.assets.objects) != before
    TenantJobs(world.jobs, world.assets, world.events, world.workflow, world.gateways, vendors=VENDORS).cancel("acme", job.id)
    assert set(world.assets.objects) == before and world.jobs.get(job.id).assets == []
    assert completer(world).collect(job.id)["status"] == "cancelled"  # a late retry stores nothing


def test_a_cancel_during_collect_leaves_no_objects_behind(world):
    job = submitted(world)
    update = VendorUpdate(
        vendor_job_id="creativeai_1", state=VendorState.COMPLETED, outputs=["https://cdn/a.png", "https://cdn/b.png"]
    )
    world.recorder().record(job.id, "creativeai", update)
    before = set(world.assets.objects)

    def cancel(jobs):  # the merchant's cancel lands between the last output stored and the completion
        current = jobs.items[job.id]
        jobs.items[job.id] = current.model_copy(update={"status": JobStatus.CANCELLED, "version": current.version + 1})

    world.jobs.interfere.append(cancel)
    ended = Completer(
        world.jobs, world.assets, world.events, {"creativeai": world.gateway}, FakeFramer(), vendors=VENDORS
    ).collect(job.id)
    assert (ended["state"], ended["status"]) == ("finished", "cancelled")
    assert set(world.assets.objects) == before and world.jobs.get(job.id).status is JobStatus.CANCELLED
    assert "Job Completed" not in world.events.names()


def test_fail_is_idempotent_and_marks_the_attempt(world):
    job = submitted(world)
    completer = Completer(world.jobs, world.assets, world.events, {"creativeai": world.gateway}, FakeFramer(), vendors=VENDORS)
    completer.fail(job.id, "deadline_exceeded", "too slow", timed_out=True)
    completer.fail(job.id, "other", "ignored")
    stored = world.jobs.get(job.id)
    assert (stored.status, stored.error.code) == (JobStatus.TIMED_OUT, "deadline_exceeded")
    assert [(a.outcome, a.error.code) for a in stored.attempts] == [("failed", "deadline_exceeded")]
    assert world.events.names()[-1:] == ["Job Timed Out"] and "Job Failed" not in world.events.names()  # one ending
