"""The local stack's other seams into moto (IAM per resource, stopped executions). If moto moves them, this
fails loudly; the pure parts (which resource a request names) are checked here too."""

import inspect
import json
from importlib.metadata import version
from types import SimpleNamespace

from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.responses import BaseResponse
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.utils import boto_client

from adforge_local import iam_enforcement, stop_fidelity
from adforge_local.iam_enforcement import EXECUTOR_ACCESS_KEY, resource_arns


def test_the_iam_seam_is_where_the_local_stack_expects_it():
    assert version("moto") == "5.2.5"
    assert iam_enforcement.ORIGINAL.__qualname__ == "ActionAuthenticatorMixin._authenticate_and_authorize_action"
    assert list(inspect.signature(iam_enforcement.ORIGINAL).parameters) == ["self", "iam_request_cls", "resource"]
    assert "self._authenticate_and_authorize_action(IAMRequest, resource)" in inspect.getsource(
        ActionAuthenticatorMixin._authenticate_and_authorize_normal_action
    )
    assert "self._authenticate_and_authorize_normal_action(resource)" in inspect.getsource(BaseResponse.call_action)
    assert f'aws_access_key_id="{EXECUTOR_ACCESS_KEY}"' in inspect.getsource(boto_client.boto_client_for)


def test_the_stop_seam_is_where_the_local_stack_expects_it():
    assert stop_fidelity.ORIGINAL_SET_ERROR is Environment.set_error or Environment.set_error is stop_fidelity._set_error
    assert "ProgramError(error=error)" in inspect.getsource(stop_fidelity.ORIGINAL_SET_ERROR)
    assert "ProgramTimedOut()" in inspect.getsource(stop_fidelity.ORIGINAL_SET_TIMED_OUT)


def request(service: str, body: dict | None = None, uri: str = "/") -> SimpleNamespace:
    return SimpleNamespace(
        service_name=service,
        region="us-east-1",
        current_account="123456789012",
        raw_body=json.dumps(body or {}).encode(),
        uri=uri,
    )


TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/"


def test_dynamodb_requests_name_their_tables_and_indexes():
    assert resource_arns(request("dynamodb", {"TableName": "jobs"})) == [TABLE + "jobs"]
    assert resource_arns(request("dynamodb", {"TableName": "jobs", "IndexName": "ByTenant"})) == [TABLE + "jobs/index/ByTenant"]
    batch = {"RequestItems": {"a": [], "b": []}}
    assert resource_arns(request("dynamodb", batch)) == [TABLE + "a", TABLE + "b"]
    transaction = {"TransactItems": [{"Put": {"TableName": "a"}}, {"ConditionCheck": {"TableName": "c"}}]}
    assert resource_arns(request("dynamodb", transaction)) == [TABLE + "a", TABLE + "c"]


def test_events_lambda_and_states_requests_name_their_resources():
    entries = {"Entries": [{"EventBusName": "jobs"}, {}]}
    assert resource_arns(request("events", entries)) == [
        "arn:aws:events:us-east-1:123456789012:event-bus/default",
        "arn:aws:events:us-east-1:123456789012:event-bus/jobs",
    ]
    assert resource_arns(request("awslambda", uri="/2015-03-31/functions/fn/invocations")) == [
        "arn:aws:lambda:us-east-1:123456789012:function:fn"
    ]
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:jobs"
    assert resource_arns(request("stepfunctions", {"stateMachineArn": machine, "input": "{}"})) == [machine]
    assert resource_arns(request("stepfunctions", {"taskToken": "unknown"})) == []  # no owner: checked against "*"
    assert resource_arns(request("sns", {"TopicArn": "x"})) == []


def test_the_dynamodb_seam_serves_every_action_of_moto_s_handler():
    from moto.dynamodb.responses import DynamoHandler

    from adforge_local import dynamodb_atomicity

    assert "call_action" in vars(DynamoHandler)  # moto's DynamoDB handler overrides the one entry point
    assert dynamodb_atomicity.ORIGINAL_CALL_ACTION.__qualname__ == "DynamoHandler.call_action"


def test_concurrent_conditional_writes_let_exactly_one_through(table):
    from concurrent.futures import ThreadPoolExecutor

    from botocore.exceptions import ClientError

    def claim(n: int) -> bool:
        try:
            table.put_item(Item={"pk": "CLAIM", "by": n}, ConditionExpression="attribute_not_exists(pk)")
        except ClientError:
            return False
        return True

    for _ in range(5):
        table.delete_item(Key={"pk": "CLAIM"})
        with ThreadPoolExecutor(8) as pool:
            assert sum(pool.map(claim, range(16))) == 1
