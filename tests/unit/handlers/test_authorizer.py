"""The REQUEST authorizer: `Authorization: Bearer <key>` -> an Allow policy for the key's tenant, else "Unauthorized".

Seam: the function builds its key store at its first request from `boto3.resource("dynamodb").Table(TABLE_NAME)`; here
`boto3.resource` answers with an in-memory table, and the module is loaded afresh over it (no handler change).
"""

import boto3
import pytest

from adforge.adapters.dynamodb_tenants import key_item_key
from tests.fakes import FakeTable
from tests.unit.handlers.conftest import LAMBDA_ENV, load_handler, sample

KEY = "afk_" + "k" * 43
ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/v1/jobs"  # events/authorizer.json's methodArn


class FakeDynamoDB:
    def __init__(self, table: FakeTable) -> None:
        self.table = table
        self.opened: list[str] = []

    def Table(self, name: str) -> FakeTable:
        self.opened.append(name)
        return self.table


@pytest.fixture
def dynamodb(monkeypatch):
    dynamodb = FakeDynamoDB(FakeTable())
    monkeypatch.setattr(boto3, "resource", lambda service, *args, **kwargs: {"dynamodb": dynamodb}[service])
    return dynamodb


@pytest.fixture
def table(dynamodb):
    return dynamodb.table


@pytest.fixture
def authorizer(dynamodb):
    """Loaded afresh over this test's table (its key store is built at the first request, once)."""
    return load_handler("authorizer", "handler_authorizer_fresh").lambda_handler


def issued(table, tenant, **fields):
    table.put_item(Item={**key_item_key(KEY), "tenant_id": tenant, "kind": "api_key", "prefix": KEY[:12], **fields})


def with_header(name, value):
    event = sample("authorizer")
    event["headers"] = {name: value}
    return event


def test_a_live_key_is_allowed_on_every_route_of_the_stage_for_its_tenant(dynamodb, table, authorizer, context):
    issued(table, "acme", issued_at=1)
    event = with_header("Authorization", f"Bearer {KEY}")
    assert event["methodArn"] == ARN
    assert authorizer(event, context) == {
        "principalId": "acme",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*",
                }
            ],
        },
        "context": {"tenant_id": "acme"},
    }
    assert dynamodb.opened == [LAMBDA_ENV["TABLE_NAME"]]
    assert table.reads == [key_item_key(KEY)]


def test_the_header_name_and_scheme_are_case_insensitive(table, authorizer, context):
    issued(table, "acme")
    assert authorizer(with_header("authorization", f"bearer {KEY}"), context)["principalId"] == "acme"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Authorization", "Bearer afk_example"),  # the sample's key: issued to nobody
        ("Authorization", f"Basic {KEY}"),
        ("Authorization", "Bearer "),
        ("x-api-key", KEY),  # not the identity source: never read
    ],
)
def test_anything_but_a_known_bearer_key_is_unauthorized(table, authorizer, context, name, value):
    issued(table, "acme")
    with pytest.raises(Exception, match=r"^Unauthorized$") as raised:  # API Gateway's contract: this message -> 401
        authorizer(with_header(name, value), context)
    assert type(raised.value) is Exception


def test_the_sample_event_is_unauthorized(table, authorizer, context):
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(sample("authorizer"), context)
    assert table.reads == [key_item_key("afk_example")]


def test_a_revoked_or_expired_key_is_unauthorized(table, authorizer, context):
    event = with_header("Authorization", f"Bearer {KEY}")
    issued(table, "acme", revoked_at=1)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(event, context)
    issued(table, "acme", expires_at=1)  # 1970: past by any clock
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(event, context)


def test_no_header_is_unauthorized_without_a_lookup(table, authorizer, context):
    event = sample("authorizer")
    event["headers"] = None
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer(event, context)
    assert table.reads == []
