"""Vendor callbacks straight at the API: bad signatures, duplicates and late messages change nothing."""

import hashlib
import hmac
import json

import httpx
import pytest

from tests.e2e.conftest import finish, stored, submit

pytestmark = pytest.mark.e2e


def deliver(stack, job_id: str, payload: dict, secret: str | None = None) -> httpx.Response:
    body = json.dumps(payload).encode()
    signature = hmac.new((secret or stack.creativeai.signing_secret).encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "X-CreativeAI-Signature": f"sha256={signature}",
        "X-CreativeAI-Delivery-Id": payload["id"],
        "Content-Type": "application/json",
    }
    return httpx.post(f"{stack.api.url}/v1/webhooks/creativeai", params={"job": job_id}, content=body, headers=headers)


@pytest.fixture
def completed_job(stack, acme):
    stack.creativeai.set_faults(drop_webhooks=True)
    job_id = submit(acme, image=None)  # text-to-image of one: a job CreativeAI's webhooks name
    assert finish(stack, acme, job_id)["status"] == "completed"
    return stored(stack, job_id)


def test_bad_signature_gets_401_and_changes_nothing(stack, completed_job):
    payload = {"id": completed_job["vendor_job_id"], "status": "failed", "error": {"code": "x", "message": "forged"}}
    answer = deliver(stack, completed_job["id"], payload, secret="attacker-guess")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "invalid_signature"
    assert stored(stack, completed_job["id"]) == completed_job


def test_a_webhook_for_a_finished_job_changes_nothing(stack, completed_job):
    payload = {"id": completed_job["vendor_job_id"], "status": "failed", "error": {"code": "late", "message": "late failure"}}
    answer = deliver(stack, completed_job["id"], payload)
    assert (answer.status_code, answer.json()["recorded"]) == (200, "job_finished")
    assert stored(stack, completed_job["id"]) == completed_job


def test_a_duplicate_delivery_changes_nothing(stack, acme):
    stack.creativeai.set_faults(never_finish=True)
    job_id = submit(acme, image=None)
    stack.wait_until(lambda: stored(stack, job_id)["task_token"] is not None)  # submitted, and parked for its webhook
    vendor_job_id = stored(stack, job_id)["vendor_job_id"]
    progress = {"id": vendor_job_id, "status": "processing", "progress": 40}
    assert deliver(stack, job_id, progress).json()["recorded"] == "accepted"
    before = stored(stack, job_id)
    assert deliver(stack, job_id, progress).json()["recorded"] == "duplicate"
    assert stored(stack, job_id) == before
    failed = {"id": vendor_job_id, "status": "failed", "error": {"code": "gpu_lost", "message": "renderer crashed"}}
    assert deliver(stack, job_id, failed).json()["recorded"] == "accepted"
    stack.wait_for_execution(job_id)
    settled = stored(stack, job_id)
    assert (settled["status"], settled["error"]["code"]) == ("failed", "gpu_lost")
    assert deliver(stack, job_id, failed).json()["recorded"] == "job_finished"
    assert stored(stack, job_id) == settled


def test_a_delivery_signed_with_the_api_key_is_refused_when_a_signing_secret_is_configured(stack, completed_job):
    payload = {"id": completed_job["vendor_job_id"], "status": "failed", "error": {"code": "x", "message": "forged"}}
    answer = deliver(stack, completed_job["id"], payload, secret=stack.creativeai.api_key)
    assert answer.status_code == 401
    assert stored(stack, completed_job["id"]) == completed_job


def test_a_webhook_naming_another_generation_or_job_is_refused(stack, completed_job):
    other = deliver(stack, completed_job["id"], {"id": "img_999999", "status": "completed", "output_url": "https://x/y.png"})
    assert (other.status_code, other.json()["error"]["code"]) == (404, "unknown_generation")
    missing = deliver(stack, "job_does_not_exist", {"id": "img_1", "status": "completed", "output_url": "https://x/y.png"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "job_not_found")
    unknown_vendor = httpx.post(f"{stack.api.url}/v1/webhooks/nobody", params={"job": completed_job["id"]}, content=b"{}")
    assert unknown_vendor.status_code == 404
    assert stored(stack, completed_job["id"]) == completed_job
