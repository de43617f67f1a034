"""The admin command's key subcommands on moto, and the revocation bound they state."""

import re
from pathlib import Path

from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys
from adforge.domain.tenants import SHOWN_CHARS
from adforge_local import admin
from adforge_local.admin_keys import CACHE_BOUND_SECONDS
from adforge_local.template import load

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str]:
    status = admin.main([*argv, "--table", "jobs"])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_rotate_list_and_revoke_from_the_command_line(table, capsys):
    status, out = run(capsys, "create-tenant", "acme")
    first = out.splitlines()[1]
    status, out = run(capsys, "rotate-key", "acme", "--overlap-hours", "2")
    second = out.splitlines()[1]
    assert status == 0 and re.search(rf"old key {first[:SHOWN_CHARS]} stops working at \S+ \(\+ up to 60 s cached\)", out)
    keys = DynamoDBTenantKeys(table)
    assert keys.tenant_for(first) == keys.tenant_for(second) == "acme"
    status, out = run(capsys, "list-keys", "acme")
    listed = {line.split()[0]: (line.split()[1], line.split()[-1]) for line in out.splitlines()}
    assert listed.keys() == {first[:SHOWN_CHARS], second[:SHOWN_CHARS]}
    assert listed[first[:SHOWN_CHARS]][0] == listed[second[:SHOWN_CHARS]][0] == "live"
    assert listed[first[:SHOWN_CHARS]][1] != "-" and listed[second[:SHOWN_CHARS]][1] == "-"  # only the old key expires
    status, out = run(capsys, "revoke-key", "acme", "--key-prefix", "afk_")
    assert status == 1 and "nothing revoked" in out
    status, out = run(capsys, "revoke-key", "acme", "--key-prefix", first[:SHOWN_CHARS])
    assert status == 0 and f"revoked {first[:SHOWN_CHARS]}" in out
    assert (keys.tenant_for(first), keys.tenant_for(second)) == (None, "acme")
    status, out = run(capsys, "revoke-key", "acme", "--all")
    assert status == 0 and keys.tenant_for(second) is None
    status, out = run(capsys, "list-keys", "acme")
    assert [line.split()[1] for line in out.splitlines()] == ["revoked", "revoked"]


def test_the_stated_bound_is_the_templates_authorizer_cache(aws):
    authorizer = load(ROOT / "template.yaml", {"PublicApiUrl": "https://api.example"}, "us-east-1").authorizer()
    assert authorizer is not None and authorizer.identity_header == "Authorization"
    assert authorizer.ttl_seconds == CACHE_BOUND_SECONDS
    readme = " ".join((ROOT / "README.md").read_text().replace("**", "").split())
    assert f"a revoked key can still work for at most {CACHE_BOUND_SECONDS} s" in readme
