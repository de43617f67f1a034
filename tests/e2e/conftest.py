"""One embedded local stack per test process: moto server, template.yaml, in-process Lambdas, sandbox."""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from adforge_local.stack import LocalStack, Options

SAMPLE = Path(__file__).resolve().parents[2] / "local" / "assets" / "sample-product.png"
FINISHED = {"completed", "failed", "cancelled", "timed_out"}


@pytest.fixture(scope="session")
def stack():
    # Margins for a loaded 2-core machine: a webhook (through a possibly cold VendorWebhook environment) has
    # 5 s before the poll fallback starts, and a healthy job finishes far inside the 20 s deadline.
    options = Options(webhook_wait_seconds=5, poll_initial_seconds=1, poll_max_seconds=2, job_deadline_seconds=20,
                      processing_seconds=0.4, webhook_retry_delays=[0.0, 0.3, 1.0], vendor_timeout_seconds=5)  # fmt: skip
    with LocalStack(options) as running:
        yield running


@pytest.fixture(autouse=True)
def clean_faults(stack):
    stack.reset_sandboxes()
    stack.forget_vendor_health()
    yield


@dataclass
class Tenant:
    id: str
    api: httpx.Client
    upload_key: str


def _tenant(stack, name: str) -> Tenant:
    key = stack.create_tenant(name)
    upload = f"tenants/{name}/uploads/product.png"
    stack.client("s3").put_object(Bucket=stack.bucket, Key=upload, Body=SAMPLE.read_bytes())
    return Tenant(name, httpx.Client(base_url=stack.api.url, headers={"Authorization": f"Bearer {key}"}, timeout=30), upload)


@pytest.fixture(scope="session")
def acme(stack) -> Tenant:
    return _tenant(stack, "acme")


@pytest.fixture(scope="session")
def globex(stack) -> Tenant:
    return _tenant(stack, "globex")


def finish(stack, tenant: Tenant, job_id: str, timeout: float = 30) -> dict:
    """Wait for the execution to end, then return the job as the API shows it."""
    execution = stack.wait_for_execution(job_id, timeout)
    deadline = time.time() + 5
    while time.time() < deadline:
        job = tenant.api.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in FINISHED:
            assert_execution_agrees(job, execution)
            job["_execution"] = execution
            return job
        time.sleep(0.05)
    raise AssertionError(f"execution ended {execution['status']} but job {job_id} is {job['status']}")


def assert_execution_agrees(job: dict, execution: dict) -> None:
    """DescribeExecution tells the record's story: an operator's alarm on failed executions sees every failed job."""
    if job["status"] == "completed":
        assert execution["status"] == "SUCCEEDED", execution
    elif job["status"] == "cancelled":
        assert execution["status"] == "ABORTED", execution
    else:
        assert (execution["status"], execution.get("error")) == ("FAILED", job["error"]["code"]), (job["error"], execution)


def submit(tenant: Tenant, **request) -> str:
    body = {"prompt": "a red mug on marble, morning light", "image": {"key": tenant.upload_key}, **request}
    answer = tenant.api.post("/v1/jobs", json=body)
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def stored(stack, job_id: str) -> dict:
    """The job record as the repository keeps it (internal fields included)."""
    item = stack.client("dynamodb").get_item(TableName=stack.table, Key={"pk": {"S": f"JOB#{job_id}"}})["Item"]
    return json.loads(item["doc"]["S"])
