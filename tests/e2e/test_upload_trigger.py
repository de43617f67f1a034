"""A photo dropped under tenants/<tenant>/incoming/ (S3 -> EventBridge -> function) becomes a job, once per version."""

import json
import uuid

import pytest

from tests.e2e.conftest import SAMPLE, finish

pytestmark = pytest.mark.e2e


def jobs_for_key(tenant, key: str) -> list[dict]:
    jobs = tenant.api.get("/v1/jobs", params={"limit": 100}).json()["jobs"]
    return [job for job in jobs if (job["request"]["image"] or {}).get("key") == key]


def test_a_dropped_photo_with_a_recipe_in_its_metadata_becomes_a_job(stack, acme):
    key = f"tenants/acme/incoming/{uuid.uuid4().hex}.png"
    recipe = {"prompt": "studio shot on white, soft shadow", "count": 1}
    stack.client("s3").put_object(Bucket=stack.bucket, Key=key, Body=SAMPLE.read_bytes(), Metadata={"recipe": json.dumps(recipe)})
    stack.wait_until(lambda: len(jobs_for_key(acme, key)) == 1, timeout=20)
    job = finish(stack, acme, jobs_for_key(acme, key)[0]["id"])
    assert (job["status"], job["request"]["prompt"]) == ("completed", recipe["prompt"])


def test_the_tenant_default_recipe_applies_and_a_redelivered_event_makes_no_second_job(stack, globex):
    stack.set_default_recipe("globex", {"prompt": "globex default lifestyle recipe"})
    key = f"tenants/globex/incoming/{uuid.uuid4().hex}.png"
    version = stack.client("s3").put_object(Bucket=stack.bucket, Key=key, Body=SAMPLE.read_bytes())["VersionId"]
    stack.wait_until(lambda: len(jobs_for_key(globex, key)) == 1, timeout=20)
    event = {"source": "aws.s3", "detail-type": "Object Created",
             "detail": {"bucket": {"name": stack.bucket}, "object": {"key": key, "version-id": version}}}  # fmt: skip
    answer = stack.client("lambda").invoke(
        FunctionName=stack.resources.functions["UploadTriggerFunction"], Payload=json.dumps(event)
    )
    assert json.loads(answer["Payload"].read())["job_id"] == jobs_for_key(globex, key)[0]["id"]
    assert len(jobs_for_key(globex, key)) == 1
    finish(stack, globex, jobs_for_key(globex, key)[0]["id"])


def test_no_recipe_or_outside_incoming_makes_no_job(stack, acme):
    loose = f"tenants/acme/incoming/{uuid.uuid4().hex}.png"  # acme has no default recipe
    elsewhere = f"tenants/acme/uploads/{uuid.uuid4().hex}.png"
    s3 = stack.client("s3")
    s3.put_object(Bucket=stack.bucket, Key=loose, Body=SAMPLE.read_bytes())
    s3.put_object(
        Bucket=stack.bucket, Key=elsewhere, Body=SAMPLE.read_bytes(), Metadata={"recipe": json.dumps({"prompt": "x y z"})}
    )
    stack.wait_until(stack.relay_idle, timeout=10)
    assert jobs_for_key(acme, loose) == [] and jobs_for_key(acme, elsewhere) == []
    # the rule's pattern takes only incoming/ keys: the other object never invoked the function
    handled = (stack.logs / f"{stack.resources.functions['UploadTriggerFunction']}.log").read_text()
    assert loose in handled and elsewhere not in handled
