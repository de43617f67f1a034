"""events/ holds one realistic sample per function (usable with `sam local invoke -e`); each one runs here."""

import json
from pathlib import Path

import pytest

from adforge.adapters.dynamodb_jobs import DynamoDBJobRepository
from adforge.domain.models import Job, JobRequest

pytestmark = pytest.mark.e2e
EVENTS = Path(__file__).resolve().parents[2] / "events"
EXAMPLE_JOB = "job_0123456789abcdef0123456789abcdef"


def invoke(stack, function: str, event: dict) -> tuple[dict, bool]:
    answer = stack.client("lambda").invoke(FunctionName=stack.resources.functions[function], Payload=json.dumps(event))
    return json.loads(answer["Payload"].read()), "FunctionError" in answer


def sample(name: str) -> dict:
    return json.loads((EVENTS / f"{name}.json").read_text())


def test_every_function_in_the_template_has_a_sample_event(stack):
    for logical in stack.resources.functions:
        folder = stack.template.code_paths[logical].name
        assert list(EVENTS.glob(f"{folder}*.json")), f"no events/{folder}*.json for {logical}"


def test_authorizer_sample(stack, acme):
    event = sample("authorizer")
    refused, failed = invoke(stack, "AuthorizerFunction", event)
    assert failed and refused["errorMessage"] == "Unauthorized"
    event["headers"]["Authorization"] = acme.api.headers["Authorization"]
    allowed, failed = invoke(stack, "AuthorizerFunction", event)
    assert not failed and allowed["context"] == {"tenant_id": "acme"}
    assert allowed["policyDocument"]["Statement"][0]["Resource"] == "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*"


def test_api_samples(stack, acme):
    create = sample("api_create_job")
    create["requestContext"]["authorizer"] = {"tenant_id": "acme"}
    create["body"] = json.dumps({**json.loads(create["body"]), "image": {"key": acme.upload_key}})
    created, _ = invoke(stack, "ApiFunction", create)
    assert created["statusCode"] == 202 and json.loads(created["body"])["status"] == "queued"
    missing, _ = invoke(stack, "ApiFunction", sample("api_get_job"))
    assert (missing["statusCode"], json.loads(missing["body"])["error"]["code"]) == (404, "job_not_found")
    stack.wait_for_execution(json.loads(created["body"])["id"])


def test_vendor_webhook_sample_is_validly_signed(stack):
    answer, _ = invoke(stack, "VendorWebhookFunction", sample("vendor_webhook"))
    # the signature passes (else 401); the example job simply does not exist here
    assert (answer["statusCode"], json.loads(answer["body"])["error"]["code"]) == (404, "job_not_found")


def test_workflow_step_samples(stack):
    jobs = DynamoDBJobRepository(stack.resource("dynamodb").Table(stack.table))
    jobs.create(Job(id=EXAMPLE_JOB, tenant_id="acme", request=JobRequest(prompt="a red mug"), vendor_requested="auto"))
    answer, failed = invoke(stack, "FailFunction", sample("fail"))
    job = jobs.get(EXAMPLE_JOB)
    assert (job.status, job.error.code) == ("failed", "vendor_unavailable")
    ended = {"state": "finished", "status": "failed", "error": "vendor_unavailable", "cause": job.error.message}
    assert not failed and answer == ended
    for step in ("submit", "poll", "collect"):
        answer, failed = invoke(stack, f"{step.capitalize()}Function", sample(step))
        assert not failed and answer == ended, step  # a finished job is left alone by every step


@pytest.mark.parametrize(
    ("sample_name", "platform", "shop", "secret"),
    [
        ("product_webhook_shopify", "shopify", "adforge-demo.myshopify.com", "shpss_sample_secret"),
        ("product_webhook_woocommerce", "woocommerce", "https://shop.adforge-demo.example/", "wc_sample_secret"),
    ],
)
def test_product_webhook_samples_are_validly_signed(stack, sample_name, platform, shop, secret):
    stack.register_shop(platform, shop, "acme", secret, {"prompt": "lifestyle ad"})
    answer, failed = invoke(stack, "ProductWebhookFunction", sample(sample_name))
    assert not failed and answer["statusCode"] == 200, answer
    assert json.loads(answer["body"]) == {"accepted": True}
