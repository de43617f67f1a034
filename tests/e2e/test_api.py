"""The public API on the local stack: auth, tenancy, validation, error shape."""

import httpx
import pytest

from tests.e2e.conftest import finish, submit

pytestmark = pytest.mark.e2e


def job_items(stack) -> int:
    scan = stack.client("dynamodb").scan(
        TableName=stack.table, FilterExpression="begins_with(pk, :p)", ExpressionAttributeValues={":p": {"S": "JOB#"}}
    )
    return int(scan["Count"])


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer afk_wrong"}, {"Authorization": "Basic abc"}])
def test_no_key_or_a_wrong_key_is_refused(stack, headers):
    answer = httpx.post(f"{stack.api.url}/v1/jobs", json={"prompt": "a red mug"}, headers=headers)
    assert answer.status_code == 401
    error = answer.json()["error"]
    assert (error["code"], error["message"]) == ("unauthorized", "missing or invalid API key") and error["request_id"]


def test_an_unknown_route_answers_in_the_same_error_shape(stack, acme):
    answer = acme.api.get("/v1/nothing-here")
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "QUERY"])
def test_a_method_no_route_takes_gets_the_gateways_answer_in_the_same_error_shape(stack, acme, method):
    answer = acme.api.request(method, "/v1/jobs")
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "not_found")


def test_head_gets_the_gateways_answer_without_a_body(stack, acme):
    answer = acme.api.head("/v1/vendors")
    assert answer.status_code == 404 and answer.content == b"" and int(answer.headers["Content-Length"]) > 0


def test_a_body_over_the_gateways_payload_limit_is_refused_before_any_function(stack, acme):
    before = job_items(stack)
    answer = acme.api.post("/v1/jobs", content=b"{" + b" " * (10 * 2**20) + b"}", headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.json()["error"]["code"]) == (413, "payload_too_large")
    assert job_items(stack) == before


def test_another_tenants_job_looks_exactly_like_a_missing_one(stack, acme, globex):
    job_id = submit(acme)
    finish(stack, acme, job_id)
    theirs = globex.api.get(f"/v1/jobs/{job_id}")
    missing = globex.api.get("/v1/jobs/job_00000000000000000000000000000000")
    assert theirs.status_code == missing.status_code == 404
    strip = lambda body: {**body["error"], "request_id": None}  # noqa: E731
    assert (
        strip(theirs.json()) == strip(missing.json()) == {"code": "job_not_found", "message": "no such job", "request_id": None}
    )
    assert acme.api.get(f"/v1/jobs/{job_id}").status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"prompt": "x"}, 422, "validation_error"),
        ({"prompt": "a red mug", "count": 9}, 422, "validation_error"),
        ({"prompt": "a red mug", "vendor": "nobody"}, 422, "unknown_vendor"),
        ({"prompt": "a red mug", "aspect_ratios": ["1:1", "16:9"]}, 422, "no_capable_vendor"),
        ({"prompt": "a red mug", "image": {"key": "tenants/globex/uploads/product.png"}}, 422, "image_not_found"),
        ({"prompt": "a red mug", "image": {"url": "http://10.0.0.8/p.png"}}, 422, "url_not_allowed"),
        ({"prompt": "a red mug", "image": {"url": "https://169.254.169.254/latest/meta-data/"}}, 422, "url_not_allowed"),
    ],
)
def test_bad_input_gets_a_clear_error_and_writes_nothing(stack, acme, globex, body, status, code):
    before = job_items(stack)
    answer = acme.api.post("/v1/jobs", json=body)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code and error["message"] and error["request_id"]
    assert job_items(stack) == before


def test_a_job_is_announced_with_the_vendor_asked_for_and_the_one_that_served(stack, acme):
    job_id = submit(acme, vendor="creativeai")
    job = finish(stack, acme, job_id)
    assert (job["vendor_requested"], job["vendor"], job["status"]) == ("creativeai", "creativeai", "completed")
    assert "task_token" not in job
    downloaded = httpx.get(job["assets"][0]["url"])
    assert downloaded.status_code == 200 and downloaded.content[:4] == b"\x89PNG"


def test_every_api_route_function_answers_within_api_gateways_integration_limit(stack):
    """API Gateway gives up after 29 s (504 while the function runs on): no route's function may be allowed longer."""
    from adforge_local.api_gateway import INTEGRATION_TIMEOUT_SECONDS

    for route in stack.template.routes():
        assert stack.resources.configs[route.function].timeout < INTEGRATION_TIMEOUT_SECONDS, route


def test_an_integration_past_the_limit_answers_504_in_the_one_error_shape(stack, acme):
    stack.api.integration_timeout = 0  # no function answers in no time
    try:
        answer = acme.api.get("/v1/vendors")
    finally:
        stack.api.integration_timeout = 29
    assert (answer.status_code, answer.json()["error"]["code"]) == (504, "internal_error")
