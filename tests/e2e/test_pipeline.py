"""The whole path on the local stack: API -> state machine (moto's ASL executor) -> vendor sandbox -> S3."""

import hashlib

import pytest

from adforge.domain.media import sniff
from tests.e2e.conftest import finish, stored, submit

pytestmark = pytest.mark.e2e


def job_events(stack, job_id):
    return [(e["detail-type"], e["detail"]["status"]) for e in stack.drain_events() if e["detail"]["job_id"] == job_id]


def states_entered(stack, job_id):
    return [e["stateEnteredEventDetails"]["name"] for e in stack.history(job_id) if "stateEnteredEventDetails" in e]


def vendor_polls(stack, tenant, job_id):
    return stack.creativeai.polls[stored(stack, job_id)["vendor_job_id"]]


def assert_creatives_in_s3(stack, job, count):
    s3 = stack.client("s3")
    assert len(job["assets"]) == count
    for asset in job["assets"]:
        assert asset["key"].startswith(f"tenants/acme/jobs/{job['id']}/output-")
        body = s3.get_object(Bucket=stack.bucket, Key=asset["key"])["Body"].read()
        assert sniff(body) == asset["content_type"] == "image/png"
        assert (len(body), hashlib.sha256(body).hexdigest()) == (asset["size"], asset["sha256"])


def test_webhook_path_completes_without_a_single_status_poll(stack, acme):
    stack.drain_events()
    job_id = submit(acme, image=None)  # text-to-image of one: one generation, one signed webhook
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed" and job["_execution"]["status"] == "SUCCEEDED"
    assert (job["vendor_requested"], job["vendor"]) == ("auto", "creativeai")
    assert_creatives_in_s3(stack, job, 1)
    assert vendor_polls(stack, acme, job_id) == 0
    assert "Poll" not in states_entered(stack, job_id)
    assert job_events(stack, job_id) == [
        ("Job Created", "queued"),
        ("Job Submitted", "submitted"),
        ("Job Processing", "processing"),
        ("Job Completed", "completed"),
    ]


def test_dropped_webhook_completes_through_polling(stack, acme):
    stack.creativeai.set_faults(drop_webhooks=True)
    stack.drain_events()
    job_id = submit(acme, image=None)
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed"
    assert_creatives_in_s3(stack, job, 1)
    assert vendor_polls(stack, acme, job_id) >= 1
    entered = states_entered(stack, job_id)
    assert entered.index("AwaitWebhook") < entered.index("Poll") < entered.index("Collect")
    assert stack.creativeai.stats["webhook_dropped"] == 1
    assert [name for name, _ in job_events(stack, job_id)][-1] == "Job Completed"


def test_badly_signed_webhooks_are_refused_and_polling_finishes_the_job(stack, acme):
    stack.creativeai.set_faults(bad_signature=True)
    job_id = submit(acme, image=None)
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed"
    assert stack.creativeai.stats["webhook_delivered"] == 0
    assert stack.creativeai.stats["webhook_attempt"] == 3  # the vendor's full retry schedule, each answered 401
    assert vendor_polls(stack, acme, job_id) >= 1


def test_duplicate_and_reordered_webhooks_change_nothing(stack, acme):
    stack.creativeai.set_faults(duplicate_webhooks=True, reorder_webhooks=True)
    stack.drain_events()
    job_id = submit(acme, image=None)
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed"
    names = [name for name, _ in job_events(stack, job_id)]
    assert names.count("Job Completed") == 1 and names.count("Job Processing") == 1


def test_vendor_side_failure_fails_the_job_with_the_vendor_reason(stack, acme):
    stack.creativeai.set_faults(fail_generation=True)
    stack.drain_events()
    job_id = submit(acme, image=None)
    job = finish(stack, acme, job_id)
    assert (job["status"], job["error"]["code"], job["_execution"]["status"]) == ("failed", "generation_failed", "FAILED")
    assert job["assets"] == []
    assert [a["outcome"] for a in job["attempts"]] == ["failed"]
    assert job_events(stack, job_id)[-1] == ("Job Failed", "failed")


def test_content_policy_rejection_fails_fast_and_is_not_retried(stack, acme):
    job_id = submit(acme, prompt="a forbidden product shot", image=None)
    job = finish(stack, acme, job_id)
    assert (job["status"], job["error"]["code"]) == ("failed", "content_policy_violation")
    assert stack.creativeai.stats["generate_image"] == 1


def test_rate_limited_submission_is_retried_by_the_state_machine(stack, acme):
    stack.creativeai.set_faults(rate_limit=True, rate_limit_count=1, retry_after=1)
    job_id = submit(acme)
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed"
    assert [(a["outcome"], (a["error"] or {}).get("code")) for a in job["attempts"]] == [
        ("failed", "vendor_rate_limited"), ("completed", None)
    ]  # fmt: skip


def test_a_job_the_vendor_never_finishes_times_out_at_the_deadline(stack, acme):
    stack.creativeai.set_faults(never_finish=True)
    stack.drain_events()
    job_id = submit(acme, image=None)
    job = finish(stack, acme, job_id, timeout=40)
    assert (job["status"], job["error"]["code"]) == ("timed_out", "deadline_exceeded")
    endings = [e for e in job_events(stack, job_id) if e[0] in {"Job Completed", "Job Failed", "Job Timed Out", "Job Cancelled"}]
    assert endings == [("Job Timed Out", "timed_out")]  # exactly one terminal event
    entered = states_entered(stack, job_id)
    assert entered.count("Poll") >= 2 and "DeadlinePassed" in entered


def test_video_job_lands_an_mp4(stack, acme):
    job_id = submit(acme, kind="video", aspect_ratios=["9:16"], count=2)  # one documented batch of two
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed" and len(job["assets"]) == 2
    for asset in job["assets"]:
        body = stack.client("s3").get_object(Bucket=stack.bucket, Key=asset["key"])["Body"].read()
        assert sniff(body) == "video/mp4" and asset["key"].endswith(".mp4")
    assert "Poll" not in states_entered(stack, job_id)  # the batch's one webhook carried both


def test_a_product_photo_job_is_edited_and_collected_without_waiting(stack, acme):
    """CreativeAI edits the photo into the scene (`/v1/images/edits`): the answer carries the outputs, so the
    job is neither waiting for a webhook nor polling the vendor."""
    job_id = submit(acme, count=2)
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed" and job["vendor"] == "creativeai"
    assert_creatives_in_s3(stack, job, 2)
    assert "AwaitWebhook" not in states_entered(stack, job_id) and sum(stack.creativeai.polls.values()) == 0


def test_product_image_by_url_is_fetched_into_the_tenant_prefix(stack, acme):
    source = stack.client("s3").generate_presigned_url("get_object", Params={"Bucket": stack.bucket, "Key": acme.upload_key})
    job_id = submit(acme, image={"url": source})
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed"
    stored = stack.client("s3").get_object(Bucket=stack.bucket, Key=f"tenants/acme/jobs/{job_id}/input.png")["Body"].read()
    assert stored[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_named_vendors_429s_are_waited_out_as_the_vendor_says(stack, acme):
    stack.creativeai.set_faults(rate_limit=True, rate_limit_count=3, retry_after=1)
    job_id = submit(acme, vendor="creativeai")
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed"
    assert [(a["vendor"], a["outcome"]) for a in job["attempts"]] == [("creativeai", "completed")]  # no try spent
    waits = [e for e in stack.history(job_id) if e.get("stateEnteredEventDetails", {}).get("name") == "ThrottledWait"]
    assert len(waits) == 3


def test_a_creation_answered_after_the_timeout_is_adopted_from_the_webhook_naming_the_job(stack, acme):
    """The vendor accepts, then answers after our client gave up: its signed webhook (to our per-job callback)
    names the generation, which the job adopts: no retry, no failover, one generation, and the job completes."""
    stack.creativeai.set_faults(answer_late_seconds=8, answer_late_count=1)  # the stack's vendor timeout is 5 s
    job_id = submit(acme, image=None)
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed" and stack.creativeai.stats["generate_image"] == 1  # exactly one paid
    assert {a["vendor"] for a in job["attempts"]} == {"creativeai"} and job["attempts"][-1]["outcome"] == "completed"


def test_a_lost_answer_from_a_vendor_with_a_list_is_looked_up_and_adopted(stack, acme):
    """adcreator takes no reference, but lists generations: the one with our prompt and model is ours."""
    stack.adcreator.set_faults(answer_late_seconds=8, answer_late_count=1)
    job_id = submit(acme, vendor="adcreator", prompt="a lost answer, found in the list", image=None)  # POST 1: generate
    job = finish(stack, acme, job_id)
    assert job["status"] == "completed" and stack.adcreator.stats["generate"] == 1
    assert stored(stack, job_id)["vendor_job_id"] == next(iter(stack.adcreator.generations))
