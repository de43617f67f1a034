"""The public API function: API Gateway proxy events in, proxy responses out, errors in the one error shape."""

import json

from adforge.domain.events import JobEvent
from adforge.domain.models import JobRequest
from adforge.domain.status import JobStatus
from tests.unit.handlers.conftest import EXAMPLE_JOB, api_body, handler, sample

TENANT = "demo-merchant"  # the samples' requestContext.authorizer.tenant_id
UPLOAD = "tenants/demo-merchant/uploads/sample-product.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def content_type(answer):
    """A REST API proxy answer carries its headers in `headers` or `multiValueHeaders` (Powertools uses the latter)."""
    single = answer.get("headers") or {}
    return single.get("Content-Type") or (answer.get("multiValueHeaders") or {}).get("Content-Type", [None])[0]


def error_of(answer):
    assert content_type(answer) == "application/json"
    body = api_body(answer)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "request_id"}
    return answer["statusCode"], body["error"]


def test_create_job_makes_the_tenants_job_and_answers_202_with_it(world, context):
    world.inputs.objects[UPLOAD] = PNG
    event = sample("api_create_job")
    answer = handler("api")(event, context)
    assert answer["statusCode"] == 202, answer
    body = api_body(answer)
    (call,) = world.called("intake.create")
    assert call["tenant_id"] == TENANT
    assert call["request"] == JobRequest.model_validate(json.loads(event["body"]))
    assert (body["id"], body["status"], body["request"]["count"]) == (world.jobs.get(body["id"]).id, "queued", 2)
    stored = world.jobs.get(body["id"])
    assert (stored.tenant_id, stored.input_key, stored.request.metadata) == (TENANT, UPLOAD, {"sku": "MUG-RED-01"})
    assert world.workflow.started == [body["id"]]
    assert world.events.names() == [JobEvent.CREATED.value]


def test_get_job_of_a_job_that_does_not_exist_is_404_in_the_error_shape(world, context):
    event = sample("api_get_job")
    status, error = error_of(handler("api")(event, context))
    assert (status, error["code"], error["request_id"]) == (404, "job_not_found", event["requestContext"]["requestId"])
    assert world.called("tenant_jobs.own") == [{"tenant_id": TENANT, "job_id": EXAMPLE_JOB}]


def test_get_job_answers_the_tenants_own_job_and_hides_another_tenants(world, context):
    world.jobs.create(world.seed(JobStatus.QUEUED).model_copy(update={"id": "job_" + "c" * 32, "tenant_id": TENANT}))
    mine = sample("api_get_job")
    mine["path"], mine["pathParameters"] = f"/v1/jobs/job_{'c' * 32}", {"job_id": "job_" + "c" * 32}
    answer = handler("api")(mine, context)
    assert answer["statusCode"] == 200 and api_body(answer)["id"] == "job_" + "c" * 32
    status, error = error_of(handler("api")(sample("api_get_job"), context))  # EXAMPLE_JOB exists, but is acme's
    assert (status, error["code"]) == (404, "job_not_found")


def test_an_invalid_body_is_422_in_the_error_shape_and_makes_nothing(world, context):
    world.inputs.objects[UPLOAD] = PNG
    event = sample("api_create_job")
    event["body"] = json.dumps({**json.loads(event["body"]), "count": 0})
    status, error = error_of(handler("api")(event, context))
    assert (status, error["code"]) == (422, "validation_error")
    assert "count" in error["message"] and error["request_id"] == event["requestContext"]["requestId"]
    assert world.called("intake.create") == [] and world.jobs.items == {} and world.workflow.started == []


def test_a_body_that_is_not_json_is_400_before_routing(world, context):
    event = {**sample("api_create_job"), "body": "{not json"}
    status, error = error_of(handler("api")(event, context))
    assert (status, error["code"]) == (400, "malformed_json")
    assert world.jobs.items == {}


def test_a_request_without_the_authorizers_tenant_is_401(world, context):
    event = sample("api_get_job")
    del event["requestContext"]["authorizer"]
    status, error = error_of(handler("api")(event, context))
    assert (status, error["code"]) == (401, "unauthorized")
    assert world.called("tenant_jobs.own") == []


class Dwindling:
    """A Lambda context whose time left drops by `step_ms` each time it is read (an injected clock)."""

    function_name = "adforge-test-function"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:adforge-test-function"
    aws_request_id = "52fdfc07-2182-154f-163f-5f0f9a621d72"

    def __init__(self, left_ms: int, step_ms: int) -> None:
        self.left_ms, self.step_ms = left_ms, step_ms

    def get_remaining_time_in_millis(self) -> int:
        left, self.left_ms = self.left_ms, self.left_ms - self.step_ms
        return left


def test_a_batch_answers_the_items_it_has_no_time_for_as_not_attempted_and_makes_none_of_them(world):
    world.new_ids[:] = [f"job_{n:032d}" for n in range(4)]
    event = sample("api_create_job")
    items = [{"prompt": f"a red mug, take {n}"} for n in range(4)]
    event = {**event, "path": "/v1/batches", "resource": "/v1/batches", "body": json.dumps({"items": items})}
    answer = handler("api")(event, Dwindling(left_ms=7_000, step_ms=1_000))  # 7 s, 6 s, 5 s, then under the reserve
    assert answer["statusCode"] == 207, answer
    body = api_body(answer)
    assert [item["status"] for item in body["items"]] == ["accepted", "accepted", "accepted", "rejected"]
    assert body["items"][3]["error"]["code"] == "not_attempted" and (body["accepted"], body["rejected"]) == (3, 1)
    assert len(world.called("intake.create")) == 3 and len(world.workflow.started) == 3
