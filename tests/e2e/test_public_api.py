"""Uploads, listing, cancelling and idempotent creation through the public API on the local stack."""

import httpx
import pytest

from tests.e2e.conftest import SAMPLE, assert_execution_agrees, finish, submit

pytestmark = pytest.mark.e2e


def test_a_presigned_upload_becomes_a_job(stack, acme):
    photo = SAMPLE.read_bytes()
    ticket = acme.api.post("/v1/uploads", json={"content_type": "image/png", "content_length": len(photo)}).json()
    assert ticket["key"].startswith("tenants/acme/uploads/") and ticket["key"].endswith(".png")
    put = httpx.put(ticket["url"], content=photo, headers=ticket["headers"])
    assert put.status_code == 200
    job_id = acme.api.post("/v1/jobs", json={"prompt": "a red mug on marble", "image": {"key": ticket["key"]}}).json()["id"]
    assert finish(stack, acme, job_id)["status"] == "completed"


@pytest.mark.parametrize(
    "body", [{"content_type": "image/gif", "content_length": 10}, {"content_type": "image/png", "content_length": 30 * 2**20}]
)
def test_uploads_outside_the_limits_are_refused(acme, body):
    answer = acme.api.post("/v1/uploads", json=body)
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "validation_error")


def test_listing_is_per_tenant_newest_first_and_paginated(stack, acme, globex):
    mine = [submit(globex, prompt=f"globex product {n}", image=None) for n in range(3)]
    for job_id in mine:
        stack.wait_for_execution(job_id)
    first = globex.api.get("/v1/jobs", params={"limit": 2}).json()
    second = globex.api.get("/v1/jobs", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    listed = [job["id"] for job in first["jobs"] + second["jobs"]]
    assert listed[:3] == list(reversed(mine))
    assert all(job["id"] not in listed for job in acme.api.get("/v1/jobs", params={"limit": 100}).json()["jobs"])
    stolen = acme.api.get("/v1/jobs", params={"cursor": first["next_cursor"]})
    assert (stolen.status_code, stolen.json()["error"]["code"]) == (400, "invalid_cursor")


def test_cancel_stops_a_running_job_and_a_finished_job_is_not_changed(stack, acme):
    stack.creativeai.set_faults(never_finish=True)
    stack.drain_events()
    job_id = submit(acme, image=None)  # text-to-image: waits for CreativeAI's webhook (a photo edit is answered at once)
    stack.wait_until(lambda: acme.api.get(f"/v1/jobs/{job_id}").json()["status"] == "submitted")
    cancelled = acme.api.post(f"/v1/jobs/{job_id}/cancel")
    assert (cancelled.status_code, cancelled.json().get("status")) == (200, "cancelled"), cancelled.text
    assert_execution_agrees(acme.api.get(f"/v1/jobs/{job_id}").json(), stack.wait_for_execution(job_id))  # ABORTED
    entered = [e["stateEnteredEventDetails"]["name"] for e in stack.history(job_id) if "stateEnteredEventDetails" in e]
    assert entered[-1] == "AwaitWebhook" and sum(stack.creativeai.polls.values()) == 0
    again = acme.api.post(f"/v1/jobs/{job_id}/cancel")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "transition_rejected")
    assert acme.api.get(f"/v1/jobs/{job_id}").json()["status"] == "cancelled"
    assert ("Job Cancelled", job_id) in [(e["detail-type"], e["detail"]["job_id"]) for e in stack.drain_events()]


def test_an_idempotency_key_never_submits_twice(stack, acme):
    body = {"prompt": "a red mug on marble"}  # text-to-image: counted by the sandbox as generate_image
    headers = {"Idempotency-Key": "order-1234-mug"}
    first = acme.api.post("/v1/jobs", json=body, headers=headers)
    replay = acme.api.post("/v1/jobs", json=body, headers=headers)
    assert first.status_code == replay.status_code == 202
    assert first.json()["id"] == replay.json()["id"]
    finish(stack, acme, first.json()["id"])
    assert stack.creativeai.stats["generate_image"] == 1
    changed = acme.api.post("/v1/jobs", json={**body, "prompt": "a blue mug"}, headers=headers)
    assert (changed.status_code, changed.json()["error"]["code"]) == (409, "idempotency_key_reused")


def test_the_same_idempotency_key_in_another_tenant_is_another_request(stack, acme, globex):
    headers = {"Idempotency-Key": "shared-key-1"}
    a = acme.api.post("/v1/jobs", json={"prompt": "a red mug", "image": None}, headers=headers).json()["id"]
    b = globex.api.post("/v1/jobs", json={"prompt": "a red mug", "image": None}, headers=headers).json()["id"]
    assert a != b
    for tenant, job_id in ((acme, a), (globex, b)):
        finish(stack, tenant, job_id)


def test_a_batch_accepts_and_refuses_item_by_item(stack, acme):
    items = [
        {"prompt": "a red mug on marble", "image": {"key": acme.upload_key}},
        {"prompt": "x"},  # invalid on its own
        {"prompt": "a blue mug", "image": {"key": "tenants/globex/uploads/product.png"}},  # not this tenant's
        {"prompt": "a green mug on a shelf"},
    ]
    answer = acme.api.post("/v1/batches", json={"items": items})
    assert answer.status_code == 207
    body = answer.json()
    assert (body["accepted"], body["rejected"]) == (2, 2)
    outcome = {item["index"]: (item["status"], (item["error"] or {}).get("code")) for item in body["items"]}
    assert outcome == {
        0: ("accepted", None),
        1: ("rejected", "validation_error"),
        2: ("rejected", "image_not_found"),
        3: ("accepted", None),
    }
    for item in body["items"]:
        if item["job"]:
            assert finish(stack, acme, item["job"]["id"])["status"] == "completed"


def test_an_empty_or_oversized_batch_is_refused_whole(acme):
    for items in ([], [{"prompt": "a red mug"}] * 51):
        answer = acme.api.post("/v1/batches", json={"items": items})
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "validation_error")
