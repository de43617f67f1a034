"""DynamoDBTenantKeys on moto's DynamoDB with an injected clock: issue, rotate with overlap, expiry, revoke."""

import importlib.util
from pathlib import Path

import pytest
from boto3.dynamodb.conditions import Key

from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys, key_item_key
from adforge.domain.tenants import KEY_PREFIX, SHOWN_CHARS, KeySelectionError, key_hash

NOW = 1_795_290_000
DAY = 24 * 3600
AUTHORIZER = Path(__file__).resolve().parents[2] / "functions" / "authorizer" / "app.py"


@pytest.fixture
def clock():
    return [float(NOW)]


@pytest.fixture
def keys(table, clock):
    return DynamoDBTenantKeys(table, lambda: clock[0])


def test_a_key_is_stored_only_as_its_hash_and_names_its_tenant(table, keys):
    api_key = keys.issue("acme")
    assert api_key.startswith(KEY_PREFIX) and len(api_key) > 40
    item = table.get_item(Key=key_item_key(api_key))["Item"]
    assert item == {
        "pk": f"APIKEY#{key_hash(api_key)}",
        "tenant_id": "acme",
        "kind": "api_key",
        "prefix": api_key[:SHOWN_CHARS],
        "issued_at": NOW,
    }
    assert api_key not in str(table.scan()["Items"])
    assert keys.tenant_for(api_key) == "acme"
    assert [record.prefix for record in keys.keys_of("acme")] == [api_key[:SHOWN_CHARS]]
    assert table.query(IndexName="ByTenant", KeyConditionExpression=Key("tenant_id").eq("acme"))["Items"] == []


@pytest.mark.parametrize("presented", ["", "afk_unknown", "sk_live_abc", "afk_" + "x" * 200])
def test_unknown_or_malformed_keys_name_no_tenant(keys, presented):
    keys.issue("acme")
    assert keys.tenant_for(presented) is None


def test_tenants_keys_are_their_own(keys):
    acme, globex = keys.issue("acme"), keys.issue("globex")
    assert (keys.tenant_for(acme), keys.tenant_for(globex)) == ("acme", "globex")
    assert [r.prefix for r in keys.keys_of("globex")] == [globex[:SHOWN_CHARS]]


def test_rotation_keeps_the_old_key_working_for_the_overlap_then_refuses_it(table, keys, clock):
    old = keys.issue("acme")
    clock[0] += 100
    new, retiring = keys.rotate("acme", overlap_seconds=DAY)
    assert [(r.prefix, r.expires_at) for r in retiring] == [(old[:SHOWN_CHARS], NOW + 100 + DAY)]
    assert keys.tenant_for(old) == keys.tenant_for(new) == "acme"
    clock[0] = NOW + 100 + DAY - 1
    assert keys.tenant_for(old) == "acme"
    clock[0] += 1
    assert keys.tenant_for(old) is None  # refused by the clock, though TTL has not removed the item
    assert int(table.get_item(Key=key_item_key(old))["Item"]["expires_at"]) == NOW + 100 + DAY
    assert keys.tenant_for(new) == "acme"
    assert "expires_at" not in table.get_item(Key=key_item_key(new))["Item"]


def test_a_second_rotation_never_extends_an_old_keys_expiry(keys, clock):
    first = keys.issue("acme")
    second, _ = keys.rotate("acme", overlap_seconds=3600)
    third, retiring = keys.rotate("acme", overlap_seconds=DAY)
    assert {r.prefix: r.expires_at for r in retiring} == {first[:SHOWN_CHARS]: NOW + 3600, second[:SHOWN_CHARS]: NOW + DAY}
    clock[0] += 3600
    assert (keys.tenant_for(first), keys.tenant_for(second), keys.tenant_for(third)) == (None, "acme", "acme")


def test_rotation_without_overlap_refuses_the_old_key_at_once(keys):
    old = keys.issue("acme")
    new, _ = keys.rotate("acme", overlap_seconds=0)
    assert (keys.tenant_for(old), keys.tenant_for(new)) == (None, "acme")
    with pytest.raises(ValueError, match="negative"):
        keys.rotate("acme", overlap_seconds=-1)


def test_rotation_leaves_other_tenants_alone(keys):
    globex = keys.issue("globex")
    keys.issue("acme")
    keys.rotate("acme", overlap_seconds=0)
    assert keys.tenant_for(globex) == "globex"


def test_a_revoked_key_is_refused_at_once_and_the_others_keep_working(table, keys):
    doomed, kept = keys.issue("acme"), keys.issue("acme")
    [revoked] = keys.revoke("acme", doomed[: SHOWN_CHARS - 2])
    assert (revoked.prefix, revoked.revoked_at, revoked.expires_at) == (doomed[:SHOWN_CHARS], NOW, NOW)
    assert (keys.tenant_for(doomed), keys.tenant_for(kept)) == (None, "acme")
    item = table.get_item(Key=key_item_key(doomed))["Item"]
    assert (int(item["revoked_at"]), int(item["expires_at"])) == (NOW, NOW)  # TTL removes it later
    with pytest.raises(KeySelectionError):
        keys.revoke("acme", doomed[:SHOWN_CHARS])  # already revoked: no live key matches


def test_a_key_can_be_named_by_the_whole_key_and_a_vague_prefix_revokes_nothing(keys):
    one, two = keys.issue("acme"), keys.issue("acme")
    with pytest.raises(KeySelectionError, match="2 live keys"):
        keys.revoke("acme", KEY_PREFIX)
    with pytest.raises(KeySelectionError, match="0 live keys"):
        keys.revoke("acme", "afk_nothing")
    assert (keys.tenant_for(one), keys.tenant_for(two)) == ("acme", "acme")
    keys.revoke("acme", two)
    assert (keys.tenant_for(one), keys.tenant_for(two)) == ("acme", None)


def test_revoking_all_refuses_every_key_of_the_tenant_including_one_in_its_overlap(keys):
    old = keys.issue("acme")
    new, _ = keys.rotate("acme", overlap_seconds=DAY)
    globex = keys.issue("globex")
    assert len(keys.revoke("acme", None)) == 2
    assert (keys.tenant_for(old), keys.tenant_for(new), keys.tenant_for(globex)) == (None, None, "globex")
    assert keys.revoke("acme", None) == []


def test_keys_that_ttl_removed_leave_the_list(table, keys):
    old = keys.issue("acme")
    new, _ = keys.rotate("acme", overlap_seconds=0)
    table.delete_item(Key=key_item_key(old))  # what TTL does some time after expires_at
    assert [r.prefix for r in keys.keys_of("acme")] == [new[:SHOWN_CHARS]]
    assert table.get_item(Key={"pk": "TENANT#acme"})["Item"]["api_keys"] == {key_hash(new)}


@pytest.fixture
def authorizer(table, monkeypatch):
    for name, value in {"TABLE_NAME": "jobs", "BUCKET_NAME": "assets", "EVENT_BUS_NAME": "bus"}.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("authorizer_app", AUTHORIZER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("headers", "decides"),
    [
        ({"Authorization": "Bearer {key}"}, True),
        ({"authorization": "bearer  {key} "}, True),
        ({"Authorization": "Bearer {key}", "X-Api-Key": "afk_junk"}, True),
        ({"Authorization": "Bearer undefined", "X-Api-Key": "{key}"}, False),
        ({"X-Api-Key": "{key}"}, False),
        ({"Authorization": "{key}"}, False),
        ({"Authorization": "Basic {key}"}, False),
        ({"Authorization": "Bearer"}, False),
    ],
)
def test_the_authorizer_decides_on_the_authorization_header_alone(table, authorizer, headers, decides):
    """The header API Gateway caches the answer under is the only one read (identity source = decision)."""
    api_key = DynamoDBTenantKeys(table).issue("acme")
    presented = {name: value.format(key=api_key) for name, value in headers.items()}
    event = {"headers": presented, "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc/v1/POST/v1/jobs"}
    assert (authorizer.presented_key(presented) == api_key) is decides
    if decides:
        assert authorizer.lambda_handler.__wrapped__(event, None)["context"] == {"tenant_id": "acme"}
    else:
        with pytest.raises(Exception, match=r"^Unauthorized$"):
            authorizer.lambda_handler.__wrapped__(event, None)


def test_keys_issued_before_key_lists_are_adopted_once_and_then_rotate(table, keys):
    legacy = "afk_" + "L" * 43
    table.put_item(Item={**key_item_key(legacy), "tenant_id": "acme", "kind": "api_key"})  # as issue() used to write
    table.put_item(Item={"pk": "JOB#job_1", "tenant_id": "acme", "created_at": "2026-01-01T00:00:00Z"})
    assert keys.keys_of("acme") == []
    assert keys.adopt_unlisted() == 1
    [record] = keys.keys_of("acme")
    assert (record.prefix, record.issued_at, keys.tenant_for(legacy)) == ("", None, "acme")
    with pytest.raises(KeySelectionError):
        keys.revoke("acme", legacy[:SHOWN_CHARS])  # no shown part was kept for it
    keys.revoke("acme", f"sha256:{key_hash(legacy)[:12]}")
    assert keys.tenant_for(legacy) is None
