"""IAM enforced inside moto the way AWS enforces it: each call checked against the caller's policies for
the call's real resource ARN.

moto 5.2.5 with its authorization on (`POST /moto-api/reset-auth`, body `0`) authenticates every request
(SigV4 signature, access key, session token) and checks the action against the caller's identity
policies, but outside S3, SQS, STS and IAM it evaluates against Resource `*`, so a statement scoped to a
table, secret, bus, function or state machine never matches and everything is denied. This patches the
one method every request's check goes through (`ActionAuthenticatorMixin._authenticate_and_authorize_action`)
so that it checks each resource the request names (`resource_arns`), with moto's own policy evaluation.
moto is pinned exactly and tests/integration/test_iam_enforcement.py fails loudly if the seam moves.

Two callers get special handling:
- S3 presigned URLs (no Authorization header): the signer's access key and session token come from the
  query; the signer's policies are checked for the object (the signature itself is not: moto cannot).
- moto's Step Functions executor calls Lambda with a fixed dummy key (`EXECUTOR_ACCESS_KEY`): it is
  checked as the state machine's execution role, as AWS does.

What this covers: identity policies (inline and managed) of IAM users and assumed roles, Allow and
explicit Deny, Action/NotAction, wildcards in Action and Resource, per resource ARN (a DynamoDB Query on
an index is checked against the index ARN, a batch against every table in it). What it does not:
resource-based policies (bucket, queue and secret policies, Lambda permissions), permission boundaries,
session policies, and condition keys (moto evaluates only trust-policy conditions, and a statement with a
Condition is treated as not matching). The template's policies use no conditions; the bucket policy's
`aws:SecureTransport` Deny is not evaluated (the local stack speaks plain HTTP on loopback).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import AccessDeniedError, JsonRESTError
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.iam.models import iam_backends
from moto.s3.exceptions import S3AccessDeniedError

ORIGINAL = ActionAuthenticatorMixin._authenticate_and_authorize_action
EXECUTOR_ACCESS_KEY = "ak"  # moto.stepfunctions.parser.asl.utils.boto_client.boto_client_for
IAM_ACTIONS = {("lambda", "Invoke"): "InvokeFunction"}  # IAM's name where it differs from the API operation's


def _json(response: Any) -> dict[str, Any]:
    try:
        body = json.loads(response.raw_body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _dynamodb(region: str, account: str, body: dict[str, Any]) -> list[str]:
    def table(name: str) -> str:
        return name if name.startswith("arn:") else f"arn:aws:dynamodb:{region}:{account}:table/{name}"

    names: list[str] = []
    if "TableName" in body:
        names.append(table(body["TableName"]) + (f"/index/{body['IndexName']}" if body.get("IndexName") else ""))
    names += [table(name) for name in body.get("RequestItems", {})]
    for item in body.get("TransactItems", []):
        names += [table(operation["TableName"]) for operation in item.values() if "TableName" in operation]
    return names


def _secretsmanager(region: str, account: str, body: dict[str, Any]) -> list[str]:
    from moto.secretsmanager.models import secretsmanager_backends

    secret_id = body.get("SecretId") or body.get("Name")
    if not secret_id:
        return []
    try:
        return [str(secretsmanager_backends[account][region].describe_secret(secret_id).arn)]
    except Exception:  # an unknown secret: AWS checks the ARN it would have
        return [secret_id if secret_id.startswith("arn:") else f"arn:aws:secretsmanager:{region}:{account}:secret:{secret_id}"]


def _events(region: str, account: str, body: dict[str, Any]) -> list[str]:
    def bus(name: str) -> str:
        return name if name.startswith("arn:") else f"arn:aws:events:{region}:{account}:event-bus/{name}"

    if "Entries" in body and "Rule" not in body:
        return sorted({bus(entry.get("EventBusName") or "default") for entry in body["Entries"]})
    if "Rule" in body or ("Name" in body and "EventPattern" in body):
        name, on = body.get("Rule") or body["Name"], body.get("EventBusName") or "default"
        return [f"arn:aws:events:{region}:{account}:rule/{name if on == 'default' else f'{on}/{name}'}"]
    if "Name" in body:
        return [bus(body["Name"])]
    return []


def _states(region: str, account: str, body: dict[str, Any]) -> list[str]:
    for key in ("stateMachineArn", "executionArn"):
        if key in body:
            return [str(body[key])]
    if "taskToken" in body:
        owner = _task_token_owner(account, region, str(body["taskToken"]))
        return [owner] if owner else []
    return []


def _task_token_owner(account: str, region: str, token: str) -> str | None:
    """The state machine whose execution issued the token: what the callback APIs are authorized against."""
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    for machine in list(stepfunctions_parser_backends[account][region].state_machines):
        for execution in list(machine.executions):
            pool = getattr(getattr(getattr(execution, "exec_worker", None), "env", None), "callback_pool_manager", None)
            if pool is not None and pool.get(token) is not None:
                return str(machine.arn)
    return None


def _lambda(region: str, account: str, path: str) -> list[str]:
    match = re.search(r"/functions/([^/]+)", path)
    if not match:
        return []
    name = unquote(match.group(1))
    return [name if name.startswith("arn:") else f"arn:aws:lambda:{region}:{account}:function:{name}"]


def resource_arns(response: Any) -> list[str]:
    """Every resource ARN the request acts on, as IAM would evaluate it; [] when none can be named."""
    service, region, account = _service(response), response.region, response.current_account
    if service == "lambda":
        return _lambda(region, account, urlsplit(response.uri).path)
    derive: dict[str, Callable[[str, str, dict[str, Any]], list[str]]] = {
        "dynamodb": _dynamodb,
        "secretsmanager": _secretsmanager,
        "events": _events,
        "states": _states,
    }
    return derive[service](region, account, _json(response)) if service in derive else []


def _role_allows(account: str, role_name: str, action: str, resource: str) -> bool:
    backend = iam_backends[account]["aws"]
    policies: list[Any] = [backend.get_role_policy(role_name, name)[1] for name in backend.list_role_policies(role_name)]
    policies += backend.list_attached_role_policies(role_name)[0]
    results = [IAMPolicy(policy).is_action_permitted(action, resource) for policy in policies]
    return PermissionResult.DENIED not in results and PermissionResult.PERMITTED in results


class Enforcer:
    """Installs the check; `executor_role` is the state machine's role (moto's executor acts as it)."""

    def __init__(self, executor_role: str | None = None) -> None:
        self.executor_role = executor_role
        self.principals: dict[str, str] = {}  # access key -> name, for the calls worth recording
        self.allowed: set[tuple[str, str, str]] = set()  # (principal, action, resource) that went through

    def install(self) -> None:
        enforcer = self

        def authorize(response: Any, iam_request_cls: type, resource: str = "*") -> None:
            enforcer.check(response, iam_request_cls, resource)

        ActionAuthenticatorMixin._authenticate_and_authorize_action = authorize  # type: ignore[method-assign, assignment]

    def uninstall(self) -> None:
        ActionAuthenticatorMixin._authenticate_and_authorize_action = ORIGINAL  # type: ignore[method-assign]

    def check(self, response: Any, iam_request_cls: type, resource: str) -> None:
        if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
            ORIGINAL(response, iam_request_cls, resource)  # authorization is still off: moto counts the request
            return
        resources = [resource] if resource != "*" else (resource_arns(response) or ["*"])
        authorization = response.headers.get("Authorization", "")
        with _iam_action_name(response), _json_denials(response):
            if not authorization:
                self._check_presigned(response, iam_request_cls, resources)
            elif _access_key(authorization) == EXECUTOR_ACCESS_KEY and self.executor_role:
                self._check_executor(response, resources)
            else:
                for arn in resources:
                    ORIGINAL(response, iam_request_cls, arn)
            principal = self.principals.get(_access_key(authorization) or _presigned_key(response))
            if principal is not None:
                action = f"{_service(response)}:{response._get_action()}"
                self.allowed.update((principal, action, arn) for arn in resources)

    def _check_executor(self, response: Any, resources: list[str]) -> None:
        assert self.executor_role is not None
        action = f"{_service(response)}:{response._get_action()}"
        for arn in resources:
            if not _role_allows(response.current_account, self.executor_role, action, arn):
                principal = f"arn:aws:sts::{response.current_account}:assumed-role/{self.executor_role}/execution"
                raise AccessDeniedError(user_arn=principal, action=action)

    def _check_presigned(self, response: Any, iam_request_cls: type, resources: list[str]) -> None:
        query = {key.lower(): values[0] for key, values in parse_qs(urlsplit(response.uri).query).items()}
        signer = query.get("x-amz-credential") or query.get("awsaccesskeyid")  # SigV4 or SigV2 presigned
        if not signer:  # anonymous: nothing in this stack is public
            raise S3AccessDeniedError() if response.service_name == "s3" else AccessDeniedError(user_arn="anonymous", action="*")
        credential = signer if "/" in signer else f"{signer}/19700101/{response.region}/{_service(response)}/aws4_request"
        headers = dict(response.headers)
        headers["Authorization"] = f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=-"
        if "x-amz-security-token" in query:
            headers["X-Amz-Security-Token"] = query["x-amz-security-token"]
        iam_request = iam_request_cls(
            account_id=response.current_account,
            method=response.method,
            path=response.raw_path,
            data=response.data,
            body=response.raw_body,
            headers=headers,
            action=response._get_action(),
        )
        for arn in resources:
            iam_request.check_action_permitted(arn)


IAM_PREFIXES = {"awslambda": "lambda", "stepfunctions": "states"}  # moto's service name -> IAM's


def _service(response: Any) -> str:
    return IAM_PREFIXES.get(response.service_name, str(response.service_name))


@contextmanager
def _iam_action_name(response: Any) -> Iterator[None]:
    """moto names the action after the API operation; IAM's name differs for a few (Lambda's Invoke)."""
    action = IAM_ACTIONS.get((_service(response), response._get_action()))
    if action is None:
        yield
        return
    response._get_action = lambda: action  # this request's object only, restored before it is dispatched
    try:
        yield
    finally:
        del response._get_action


JSON_SERVICES = {"dynamodb": 400, "secretsmanager": 400, "events": 400, "states": 400, "lambda": 403}


@contextmanager
def _json_denials(response: Any) -> Iterator[None]:
    """moto answers every denial as an XML `AccessDenied`; JSON-protocol services answer
    `AccessDeniedException` in JSON (400; Lambda 403), which is what the SDK then raises."""
    try:
        yield
    except AccessDeniedError as error:
        status = JSON_SERVICES.get(_service(response))
        if status is None:
            raise
        message = re.search(r"<Message>(.*)</Message>", error.description or "")
        denial = JsonRESTError("AccessDeniedException", message.group(1) if message else "access denied")
        denial.code = status
        raise denial from error


def _presigned_key(response: Any) -> str:
    query = {key.lower(): values[0] for key, values in parse_qs(urlsplit(response.uri).query).items()}
    return (query.get("x-amz-credential") or query.get("awsaccesskeyid") or "").split("/")[0]


def _access_key(authorization: str) -> str:
    return authorization.partition("Credential=")[2].partition("/")[0]
