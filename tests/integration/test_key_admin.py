"""`adforge admin` on moto (the table as the operator's credentials see it), and the revocation bound it states."""

import json
import re
from pathlib import Path

from adforge.tenants import SHOWN_CHARS, TenantKeys
from adforge_cli.admin import CACHE_BOUND_SECONDS
from adforge_cli.exits import Exit
from adforge_cli.main import run as adforge
from adforge_local.template import load

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str]:
    status = adforge(["admin", "--table", "jobs", "--region", "us-east-1", *argv])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_a_tenant_and_a_shop_from_the_command_line_json(table, capsys):
    status = adforge(["--json", "admin", "--table", "jobs", "--region", "us-east-1", "tenants", "create", "globex"])
    created = json.loads(capsys.readouterr().out)
    assert status == Exit.OK and TenantKeys(table).tenant_for(created["api_key"]) == "globex" and created["webhook_secret"]
    status, out = run(capsys, "shops", "register", "shopify", "globex.myshopify.com", "--tenant", "globex",
                      "--secret", "a-shopify-signing-secret", "--recipe", '{"prompt": "lifestyle ad", "count": 2}')  # fmt: skip
    assert status == Exit.OK and "now makes jobs for tenant globex" in out, out
    status, out = run(capsys, "shops", "register", "shopify", "x.myshopify.com", "--tenant", "globex",
                      "--secret", "a-shopify-signing-secret", "--recipe", '{"count": 9}')  # fmt: skip
    assert status == Exit.REFUSED and "bad_shop_config" in out
    status, out = run(capsys, "tenants", "create", "bad tenant!")
    assert status == Exit.REFUSED and "bad_tenant_id" in out


def test_without_a_table_the_admin_commands_say_so(capsys, monkeypatch):
    monkeypatch.delenv("ADFORGE_TABLE", raising=False)
    assert adforge(["admin", "tenants", "list-keys", "acme"]) == 2
    assert "ADFORGE_TABLE" in capsys.readouterr().err


def test_rotate_list_and_revoke_from_the_command_line(table, capsys):
    status, out = run(capsys, "tenants", "create", "acme")
    first = out.splitlines()[1]
    status, out = run(capsys, "tenants", "rotate-key", "acme", "--overlap-hours", "2")
    second = out.splitlines()[1]
    assert status == 0 and re.search(rf"old key {first[:SHOWN_CHARS]} stops working at \S+ \(\+ up to 60 s cached\)", out)
    keys = TenantKeys(table)
    assert keys.tenant_for(first) == keys.tenant_for(second) == "acme"
    status, out = run(capsys, "tenants", "list-keys", "acme")
    listed = {line.split()[0]: (line.split()[1], line.split()[-1]) for line in out.splitlines()}
    assert listed.keys() == {first[:SHOWN_CHARS], second[:SHOWN_CHARS]}
    assert listed[first[:SHOWN_CHARS]][0] == listed[second[:SHOWN_CHARS]][0] == "live"
    assert listed[first[:SHOWN_CHARS]][1] != "-" and listed[second[:SHOWN_CHARS]][1] == "-"  # only the old key expires
    status, out = run(capsys, "tenants", "revoke-key", "acme", "--key-prefix", "afk_")
    assert status == Exit.REFUSED and "nothing revoked" in out
    status, out = run(capsys, "tenants", "revoke-key", "acme", "--key-prefix", first[:SHOWN_CHARS])
    assert status == 0 and f"revoked {first[:SHOWN_CHARS]}" in out
    assert (keys.tenant_for(first), keys.tenant_for(second)) == (None, "acme")
    status, out = run(capsys, "tenants", "revoke-key", "acme", "--all")
    assert status == 0 and keys.tenant_for(second) is None
    status, out = run(capsys, "tenants", "list-keys", "acme")
    assert [line.split()[1] for line in out.splitlines()] == ["revoked", "revoked"]


def test_the_stated_bound_is_the_templates_authorizer_cache(aws):
    authorizer = load(ROOT / "template.yaml", {"PublicApiUrl": "https://api.example"}, "us-east-1").authorizer()
    assert authorizer is not None and authorizer.identity_header == "Authorization"
    assert authorizer.ttl_seconds == CACHE_BOUND_SECONDS
    readme = " ".join((ROOT / "README.md").read_text().replace("**", "").split())
    assert f"a revoked key can still work for at most {CACHE_BOUND_SECONDS} s" in readme
