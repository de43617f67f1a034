"""API keys through the local gateway and its authorizer cache: one deciding header, revocation, rotation."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def status(stack, authorization: str | None, **headers: str) -> int:
    sent = {**headers, **({"Authorization": authorization} if authorization is not None else {})}
    return httpx.get(f"{stack.api.url}/v1/jobs", headers=sent, timeout=30).status_code


def keys(stack) -> DynamoDBTenantKeys:
    return DynamoDBTenantKeys(stack.resource("dynamodb").Table(stack.table))


def later(stack, monkeypatch, seconds: float) -> None:
    """The local gateway's authorizer cache sees `seconds` more time pass (the rest of the stack does not)."""
    monkeypatch.setattr(stack.api, "clock", lambda: time.time() + seconds)


def test_junk_authorization_next_to_a_valid_x_api_key_is_refused_now_and_later(stack):
    key = stack.create_tenant("keys-junk")
    assert status(stack, "Bearer undefined", **{"X-Api-Key": key}) == 401
    assert status(stack, "Bearer undefined") == 401  # nothing was cached under the junk header
    assert status(stack, None, **{"X-Api-Key": key}) == 401  # the identity source is missing: refused before the authorizer
    assert status(stack, f"Bearer {key}", **{"X-Api-Key": "afk_junk"}) == 200
    assert status(stack, "Bearer undefined", **{"X-Api-Key": key}) == 401


def test_a_revoked_key_stops_once_the_authorizer_cache_expires(stack, monkeypatch):
    key = stack.create_tenant("keys-revoked")
    other = keys(stack).issue("keys-revoked")
    assert status(stack, f"Bearer {key}") == status(stack, f"Bearer {other}") == 200  # both answers now cached
    [revoked] = keys(stack).revoke("keys-revoked", key[:12])
    assert revoked.prefix == key[:12]
    assert status(stack, f"bearer {key}") == 401  # another spelling is another cache entry: refused at once
    later(stack, monkeypatch, stack.template.authorizer().ttl_seconds - 10)
    assert status(stack, f"Bearer {key}") == 200  # the cached answer, within the bound
    later(stack, monkeypatch, stack.template.authorizer().ttl_seconds)
    assert status(stack, f"Bearer {key}") == 401
    assert status(stack, f"Bearer {other}") == 200


def test_after_a_rotation_both_keys_work_during_the_overlap_and_an_ended_one_stops(stack, monkeypatch):
    old = stack.create_tenant("keys-rotated")
    assert status(stack, f"Bearer {old}") == 200
    new, retiring = keys(stack).rotate("keys-rotated", overlap_seconds=3600)
    assert [record.prefix for record in retiring] == [old[:12]]
    assert status(stack, f"Bearer {old}") == status(stack, f"Bearer {new}") == 200
    later(stack, monkeypatch, stack.template.authorizer().ttl_seconds)
    assert status(stack, f"Bearer {old}") == 200  # re-authorized: still inside its overlap
    newest, _ = keys(stack).rotate("keys-rotated", overlap_seconds=0)
    later(stack, monkeypatch, 2 * stack.template.authorizer().ttl_seconds)
    assert (status(stack, f"Bearer {old}"), status(stack, f"Bearer {new}"), status(stack, f"Bearer {newest}")) == (401, 401, 200)


def adforge_admin(stack, *args: str) -> dict:
    """The installed CLI as an operator runs it on `make dev`: its own process, the operator's keys, AWS_ENDPOINT_URL."""
    credentials = stack.session.get_credentials()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": f"{ROOT / 'cli'}:{ROOT / 'layers' / 'core'}",  # not the local stack's package
        "AWS_ENDPOINT_URL": stack.aws_endpoint,
        "AWS_ACCESS_KEY_ID": credentials.access_key,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
        "AWS_DEFAULT_REGION": stack.session.region_name,
        "ADFORGE_TABLE": stack.table,
    }
    command = [sys.executable, "-m", "adforge_cli", "--json", "admin", *args]
    ran = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return json.loads(ran.stdout)


def test_adforge_admin_creates_and_revokes_a_tenants_key_on_the_stack(stack, monkeypatch):
    created = adforge_admin(stack, "tenants", "create", "keys-admin")
    assert status(stack, f"Bearer {created['api_key']}") == 200
    assert stack.webhook_secret("keys-admin") == created["webhook_secret"]
    revoked = adforge_admin(stack, "tenants", "revoke-key", "keys-admin", "--all")
    assert [view["key"] for view in revoked["revoked"]] == [created["api_key"][:12]]
    later(stack, monkeypatch, stack.template.authorizer().ttl_seconds)
    assert status(stack, f"Bearer {created['api_key']}") == 401
