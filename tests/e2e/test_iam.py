"""IAM is enforced on the local stack as deployed: each function acts with its own role's policies only."""

import json
import subprocess
import sys
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError
from samtranslator.yaml_helper import yaml_parse

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def as_function(stack, logical: str):
    """A boto3 session with the function's own execution-role credentials (what its handlers get)."""
    credentials = stack.bridge.credentials(stack.resources.configs[logical].role_arn)
    return boto3.Session(
        credentials["AWS_ACCESS_KEY_ID"],
        credentials["AWS_SECRET_ACCESS_KEY"],
        credentials["AWS_SESSION_TOKEN"],
        region_name="us-east-1",
    )


def denied(call) -> bool:
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"] == "AccessDeniedException"
    return False


def test_each_action_is_checked_against_the_resource_it_names(stack):
    submit = as_function(stack, "SubmitFunction").client("dynamodb", endpoint_url=stack.aws_endpoint)
    key = {"pk": {"S": "JOB#nothing"}}
    submit.get_item(TableName=stack.table, Key=key)  # allowed on the jobs table
    assert denied(lambda: submit.delete_item(TableName=stack.table, Key=key))  # not in Submit's policy
    schema = {
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    }
    stack.client("dynamodb").create_table(TableName="elsewhere", BillingMode="PAY_PER_REQUEST", **schema)
    assert denied(lambda: submit.get_item(TableName="elsewhere", Key=key))  # the action, on another resource


def test_a_query_is_allowed_on_the_index_it_was_granted_and_not_on_the_table(stack):
    api = as_function(stack, "ApiFunction").client("dynamodb", endpoint_url=stack.aws_endpoint)
    condition = {"KeyConditionExpression": "tenant_id = :t", "ExpressionAttributeValues": {":t": {"S": "acme"}}}
    api.query(TableName=stack.table, IndexName="ByTenant", **condition)
    assert denied(
        lambda: api.query(TableName=stack.table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "x"}})
    )


def test_only_functions_that_call_vendors_may_read_the_vendor_secret(stack):
    secret = stack.resources.resolver.ref("VendorSecret")
    for logical in ("SubmitFunction", "PollFunction", "CollectFunction", "VendorWebhookFunction", "ApiFunction"):
        as_function(stack, logical).client("secretsmanager", endpoint_url=stack.aws_endpoint).get_secret_value(SecretId=secret)
    for logical in ("FailFunction", "AwaitWebhookFunction", "NotifierFunction"):
        manager = as_function(stack, logical).client("secretsmanager", endpoint_url=stack.aws_endpoint)
        assert denied(lambda manager=manager: manager.get_secret_value(SecretId=secret)), logical


def test_events_go_only_to_the_jobs_bus(stack):
    events = as_function(stack, "FailFunction").client("events", endpoint_url=stack.aws_endpoint)
    entry = {"Source": "adforge.jobs", "DetailType": "probe", "Detail": "{}"}
    bus = stack.resources.resolver.ref("EventBus")
    assert events.put_events(Entries=[{**entry, "EventBusName": bus}])["FailedEntryCount"] == 0
    assert denied(lambda: events.put_events(Entries=[{**entry, "EventBusName": "default"}]))


def test_a_presigned_url_carries_only_its_signers_permissions(stack, acme):
    submit = as_function(stack, "SubmitFunction").client("s3", endpoint_url=stack.aws_endpoint)
    readable = submit.generate_presigned_url("get_object", Params={"Bucket": stack.bucket, "Key": acme.upload_key})
    assert httpx.get(readable).status_code == 200
    writable = submit.generate_presigned_url("put_object", Params={"Bucket": stack.bucket, "Key": "tenants/acme/uploads/x.png"})
    assert httpx.put(writable, content=b"x").status_code == 403  # Submit may not write objects
    assert httpx.get(f"{stack.aws_endpoint}/{stack.bucket}/{acme.upload_key}").status_code == 403  # anonymous


REMOVED_PERMISSION_RUN = """
import json, sys
from pathlib import Path
from adforge_local.stack import LocalStack, Options
options = Options(webhook_wait_seconds=2, poll_initial_seconds=1, poll_max_seconds=2, job_deadline_seconds=8,
                  processing_seconds=0.2, template=Path(sys.argv[1]))
with LocalStack(options) as stack:
    key = stack.create_tenant("acme")
    stack.client("s3").put_object(Bucket=stack.bucket, Key="tenants/acme/uploads/p.png", Body=Path(sys.argv[2]).read_bytes())
    import httpx
    api = httpx.Client(base_url=stack.api.url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
    request = {"prompt": "a red mug", "vendor": "creativeai", "image": {"key": "tenants/acme/uploads/p.png"}}
    job = api.post("/v1/jobs", json=request).json()
    execution = stack.wait_for_execution(job["id"], 60)
    history = stack.history(job["id"])
    failures = [e["lambdaFunctionFailedEventDetails"] for e in history if "lambdaFunctionFailedEventDetails" in e]
    print(json.dumps({"job": api.get(f"/v1/jobs/{job['id']}").json(), "execution": execution["status"],
                      "error": execution.get("error"), "failures": failures}))
"""


def without(template: dict, function: str, action: str) -> dict:
    for policy in template["Resources"][function]["Properties"]["Policies"]:
        for statement in policy["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            statement["Action"] = [a for a in actions if a != action]
        policy["Statement"] = [s for s in policy["Statement"] if s["Action"]]
    return template


def test_a_permission_removed_from_the_template_fails_the_path_that_needs_it(tmp_path):
    """On a copy of template.yaml without Submit's dynamodb:PutItem, the job fails with AccessDenied, as deployed."""
    template = without(yaml_parse((ROOT / "template.yaml").read_text()), "SubmitFunction", "dynamodb:PutItem")
    copy = tmp_path / "template.json"
    copy.write_text(json.dumps(template))  # CloudFormation reads JSON templates too
    sample = ROOT / "local" / "assets" / "sample-product.png"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT / 'layers/core'}:{ROOT / 'local'}"}
    run = subprocess.run(
        [sys.executable, "-c", REMOVED_PERMISSION_RUN, str(copy), str(sample)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    submit_failures = [f["cause"] for f in outcome["failures"] if "PutItem" in f["cause"]]
    assert submit_failures and all("AccessDenied" in cause for cause in submit_failures)
    assert "is not authorized to perform: dynamodb:PutItem" in submit_failures[0]
    assert (outcome["job"]["status"], outcome["execution"]) == ("failed", "FAILED")
    assert outcome["error"] == outcome["job"]["error"]["code"]
