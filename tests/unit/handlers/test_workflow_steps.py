"""Submit, Poll, AwaitWebhook, Collect and Fail: the state machine's task input in, the step's outcome out."""

import json

import pytest

from adforge.domain.events import JobEvent
from adforge.domain.models import JobError, VendorState, VendorUpdate
from adforge.domain.status import JobStatus
from adforge.ports.vendors import VendorUnavailable
from tests.unit.handlers.conftest import EXAMPLE_JOB, LAMBDA_ENV, NOW, handler, sample

OUTPUT = "https://cdn.creativeai.run/output/image-img_000001.png"


def test_submit_sends_the_named_job_to_its_vendor_and_says_how_to_wait(world, context):
    job = world.seed(JobStatus.QUEUED)
    answer = handler("submit")(sample("submit"), context)
    assert world.called("submitter.submit") == [{"job_id": EXAMPLE_JOB, "slot": None}]
    (sent,) = world.gateway.submissions
    assert (sent.request, sent.reference) == (job.request, EXAMPLE_JOB)
    assert sent.callback_url == f"{LAMBDA_ENV['PUBLIC_API_URL']}/v1/webhooks/creativeai?job={EXAMPLE_JOB}"
    stored = world.jobs.get(EXAMPLE_JOB)
    assert (stored.status, stored.vendor, stored.vendor_job_id) == (JobStatus.SUBMITTED, "creativeai", "creativeai_1")
    assert (answer["state"], answer["vendor"], answer["webhooks"]) == ("processing", "creativeai", True)
    assert 0 < answer["webhook_wait"] <= 180 and 0 < answer["wait"] <= 10  # the settings' ceilings (World.submitter)
    json.dumps(answer)  # Step Functions takes JSON only


def test_submit_passes_the_slot_a_throttled_run_took(world, context):
    world.seed(JobStatus.QUEUED)
    slot = {"vendor": "creativeai", "reserved": NOW - 5, "at": NOW - 1}
    handler("submit")({**sample("submit"), "slot": slot}, context)
    assert world.called("submitter.submit") == [{"job_id": EXAMPLE_JOB, "slot": slot}]


def test_submit_raises_a_retryable_vendor_error_by_its_class_name_for_the_state_machine_retry(world, context):
    world.seed(JobStatus.QUEUED)
    world.gateway.error = VendorUnavailable("creativeai", "provider_unavailable")
    with pytest.raises(VendorUnavailable):  # Retry/Catch match on the class name ("VendorUnavailable")
        handler("submit")(sample("submit"), context)
    assert [a.outcome for a in world.jobs.get(EXAMPLE_JOB).attempts] == ["failed"]


def test_poll_passes_the_last_wait_and_doubles_it_while_the_vendor_works(world, context):
    world.seed(JobStatus.SUBMITTED)
    world.gateway.updates = iter([VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.PROCESSING, progress=40)])
    event = sample("poll")
    answer = handler("poll")(event, context)
    assert world.called("poller.poll") == [{"job_id": EXAMPLE_JOB, "last_wait": event["wait"], "slot": None}]
    assert answer == {"state": "processing", "wait": 2 * event["wait"], "slot": None}
    assert world.jobs.get(EXAMPLE_JOB).result.progress == 40


def test_poll_reports_a_final_state_and_records_it(world, context):
    world.seed(JobStatus.SUBMITTED)
    world.gateway.updates = iter([VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.COMPLETED, outputs=[OUTPUT])])
    assert handler("poll")(sample("poll"), context) == {"state": "completed"}
    stored = world.jobs.get(EXAMPLE_JOB)
    assert (stored.status, stored.result.outputs) == (JobStatus.PROCESSING, [OUTPUT])
    assert world.gateway.status_calls == 1


def test_await_webhook_parks_the_task_token_on_the_job(world, context):
    world.seed(JobStatus.SUBMITTED)
    event = sample("await_webhook")
    assert handler("await_webhook")(event, context) is None
    assert world.called("recorder.wait_for_webhook") == [{"job_id": EXAMPLE_JOB, "task_token": event["task_token"]}]
    assert world.jobs.get(EXAMPLE_JOB).task_token == event["task_token"]
    assert world.tasks.resumed == []


def test_await_webhook_resumes_at_once_when_the_result_came_first(world, context):
    result = VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.COMPLETED, outputs=[OUTPUT])
    world.seed(JobStatus.PROCESSING, result=result)
    event = sample("await_webhook")
    handler("await_webhook")(event, context)
    assert world.tasks.resumed == [(event["task_token"], {"state": "completed"})]


def test_collect_stores_the_outputs_and_completes_the_job(world, context):
    result = VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.COMPLETED, outputs=[OUTPUT])
    world.seed(JobStatus.PROCESSING, result=result)
    answer = handler("collect")(sample("collect"), context)
    assert world.called("completer.collect") == [{"job_id": EXAMPLE_JOB}]
    assert answer == {"state": "finished", "status": "completed", "error": "completed", "cause": "the job is completed",
                      "assets": 1}  # fmt: skip
    assert world.gateway.opened_outputs == [OUTPUT]
    stored = world.jobs.get(EXAMPLE_JOB)
    assert stored.status is JobStatus.COMPLETED
    assert [a.key for a in stored.assets] == [f"tenants/acme/jobs/{EXAMPLE_JOB}/output-0.png"]
    assert set(world.outputs.objects) == {f"tenants/acme/jobs/{EXAMPLE_JOB}/output-0.png"}
    assert world.events.names() == [JobEvent.COMPLETED.value]


def test_fail_maps_the_catch_error_to_its_code_and_the_cause_to_its_message(world, context):
    world.seed(JobStatus.SUBMITTED)
    answer = handler("fail")(sample("fail"), context)
    expected = {"job_id": EXAMPLE_JOB, "code": "vendor_unavailable", "message": "creativeai: provider_unavailable"}
    assert world.called("completer.fail") == [{**expected, "timed_out": False}]
    assert answer == {"state": "finished", "status": "failed", "error": "vendor_unavailable",
                      "cause": "creativeai: provider_unavailable"}  # fmt: skip
    stored = world.jobs.get(EXAMPLE_JOB)
    assert (stored.status, stored.error) == (JobStatus.FAILED, JobError(code=expected["code"], message=expected["message"]))
    assert world.events.names() == [JobEvent.FAILED.value]


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        ({"Error": "States.Timeout", "Cause": ""}, "step_timed_out", "States.Timeout"),  # no cause: the name says it
        ({"Error": "States.TaskFailed", "Cause": "not json"}, "step_failed", "not json"),
        ({"Error": "VendorRejected", "Cause": json.dumps({"errorMessage": "x: bad prompt"})}, "vendor_rejected", "x: bad prompt"),
        ({"Error": "InputRejected", "Cause": json.dumps({"errorMessage": "too big"})}, "input_rejected", "too big"),
        ({"Error": "KeyError", "Cause": json.dumps({"errorMessage": "'job_id'"})}, "internal_error", "'job_id'"),
        ({}, "internal_error", "States.Runtime"),
    ],
)
def test_fail_error_code_mapping(world, context, error, code, message):
    world.seed(JobStatus.SUBMITTED)
    handler("fail")({"job_id": EXAMPLE_JOB, "error": error}, context)
    assert world.called("completer.fail") == [{"job_id": EXAMPLE_JOB, "code": code, "message": message, "timed_out": False}]
    assert world.jobs.get(EXAMPLE_JOB).error == JobError(code=code, message=message)


def test_fail_a_long_cause_is_cut_to_500_characters(world, context):
    world.seed(JobStatus.SUBMITTED)
    handler("fail")({"job_id": EXAMPLE_JOB, "error": {"Error": "States.TaskFailed", "Cause": "x" * 2000}}, context)
    assert world.jobs.get(EXAMPLE_JOB).error.message == "x" * 500


def test_fail_on_the_deadline_times_the_job_out(world, context):
    world.seed(JobStatus.SUBMITTED)
    answer = handler("fail")({"job_id": EXAMPLE_JOB, "reason": "deadline"}, context)
    assert (answer["status"], answer["error"]) == ("timed_out", "deadline_exceeded")
    assert world.called("completer.fail")[0]["timed_out"] is True
    assert world.events.names() == [JobEvent.TIMED_OUT.value]


def test_fail_for_a_vendor_failure_keeps_the_vendors_reason(world, context):
    problem = JobError(code="content_policy_violation", message="the prompt was refused")
    world.seed(JobStatus.PROCESSING, result=VendorUpdate(vendor_job_id="creativeai_1", state=VendorState.FAILED, error=problem))
    answer = handler("fail")({"job_id": EXAMPLE_JOB, "reason": "vendor_failed"}, context)
    assert world.called("completer.vendor_failed") == [{"job_id": EXAMPLE_JOB}]
    assert (answer["status"], answer["error"], answer["cause"]) == ("failed", problem.code, problem.message)
