"""API Gateway REQUEST authorizer: `Authorization: Bearer <key>` names exactly one tenant.

The decision depends on that header alone because it is the authorizer's identity source, the key
API Gateway caches the answer under (ReauthorizeEvery): any other input to the decision would let a
cached answer outlive what it was decided on. No other header (x-api-key included) is read.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger

from adforge import bootstrap
from adforge.api.observability import observed

logger = Logger(service="authorizer")
bootstrap.store()  # read at cold start: a missing TABLE_NAME fails at once
keys = functools.cache(bootstrap.tenant_keys)  # built at the first request: boto3's DynamoDB resource is its cost


def presented_key(headers: dict[str, str]) -> str | None:
    authorization = next((value for name, value in (headers or {}).items() if name.lower() == "authorization"), "")
    scheme, _, key = (authorization or "").partition(" ")
    return (key.strip() or None) if scheme.lower() == "bearer" else None


def api_wide(method_arn: str) -> str:
    """Allow every route of the stage: the answer is cached per key, not per route."""
    parts = method_arn.split("/")
    return "/".join(parts[:2]) + "/*"


@observed("authorizer")
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    api_key = presented_key(event.get("headers") or {})
    tenant = keys().tenant_for(api_key) if api_key else None
    if tenant is None:
        raise Exception("Unauthorized")  # API Gateway's contract: this exact message means 401
    return {
        "principalId": tenant,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": api_wide(event["methodArn"])}],
        },
        "context": {"tenant_id": tenant},
    }
