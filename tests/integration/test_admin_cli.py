"""`adforge admin` through Typer's CliRunner on moto's DynamoDB (in-process), on an injected epoch clock:
tenants and their keys, shops, the exit codes of AWS's answers, and the revocation bound it states."""

import json
import re
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adforge.adapters.dynamodb_shops import DynamoDBShopDirectory
from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys as TenantKeys
from adforge.adapters.dynamodb_tenants import DynamoDBTenantSecrets, hash_item_key
from adforge.domain.tenants import SHOWN_CHARS, key_hash
from adforge_cli.admin import CACHE_BOUND_SECONDS
from adforge_cli.aws import exit_for
from adforge_cli.main import Deps, Exit, app
from adforge_local.template import load

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_795_290_000
ENV = {"ADFORGE_TABLE": "jobs", "COLUMNS": "200"}


class Epoch:
    def __init__(self) -> None:
        self.now = float(T0)

    def __call__(self) -> float:
        return self.now


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def shown(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def admin(*args: str, clock: Epoch | None = None, env: dict | None = None, as_json: bool = False):
    argv = ["--json", "admin", *args] if as_json else ["admin", *args]
    return CliRunner().invoke(app, argv, obj=Deps(now=clock or Epoch()), env={**ENV, **(env or {})})


def document(result) -> dict:
    return json.loads(result.stdout)


def test_create_rotate_list_and_revoke(table):
    clock = Epoch()
    created = admin("tenants", "create", "acme", clock=clock)
    assert created.exit_code == Exit.OK, created.output
    first = created.stdout.splitlines()[1]
    clock.now += 100
    rotated = admin("tenants", "rotate-key", "acme", "--overlap-hours", "2", clock=clock)
    second = rotated.stdout.splitlines()[1]
    assert rotated.exit_code == Exit.OK and second != first
    ends = T0 + 100 + 2 * 3600
    assert f"old key {first[:SHOWN_CHARS]} stops working at {iso(ends)} (+ up to 60 s cached)" in rotated.stdout
    keys = TenantKeys(table, clock)
    assert keys.tenant_for(first) == keys.tenant_for(second) == "acme"

    listed = document(admin("tenants", "list-keys", "acme", clock=clock, as_json=True))
    assert listed["keys"] == [
        {"key": first[:SHOWN_CHARS], "state": "live", "issued_at": iso(T0), "expires_at": iso(ends), "revoked_at": None},
        {"key": second[:SHOWN_CHARS], "state": "live", "issued_at": iso(T0 + 100), "expires_at": None, "revoked_at": None},
    ]
    ambiguous = admin("tenants", "revoke-key", "acme", "--key-prefix", "afk_", clock=clock)
    assert ambiguous.exit_code == Exit.REFUSED and "nothing revoked" in ambiguous.stderr
    assert keys.tenant_for(first) == keys.tenant_for(second) == "acme"

    clock.now += 10
    revoked = admin("tenants", "revoke-key", "acme", "--key-prefix", first[:SHOWN_CHARS], clock=clock)
    assert revoked.exit_code == Exit.OK and f"revoked {first[:SHOWN_CHARS]}: refused now" in revoked.stdout
    assert (keys.tenant_for(first), keys.tenant_for(second)) == (None, "acme")
    everything = document(admin("tenants", "revoke-key", "acme", "--all", clock=clock, as_json=True))
    assert [view["key"] for view in everything["revoked"]] == [second[:SHOWN_CHARS]]
    assert everything["revoked"][0]["revoked_at"] == iso(T0 + 110) and keys.tenant_for(second) is None
    again = admin("tenants", "revoke-key", "acme", "--all", clock=clock)
    assert again.exit_code == Exit.OK and "tenant acme has no live keys" in again.stdout

    table_view = admin("tenants", "list-keys", "acme", clock=clock).stdout
    for key, issued in ((first, T0), (second, T0 + 100)):
        assert re.search(rf"{re.escape(key[:SHOWN_CHARS])}\s*│\s*revoked\s*│\s*{re.escape(shown(issued))}", table_view)


def test_a_rotated_out_key_shows_expired_once_its_overlap_ends(table):
    clock = Epoch()
    old = document(admin("tenants", "create", "acme", clock=clock, as_json=True))["api_key"]
    clock.now += 1  # keys list oldest first (same second: by prefix)
    rotated = document(admin("tenants", "rotate-key", "acme", "--overlap-hours", "0.5", clock=clock, as_json=True))
    assert rotated["retiring"] == [
        {"key": old[:SHOWN_CHARS], "state": "live", "issued_at": iso(T0), "expires_at": iso(T0 + 1801), "revoked_at": None}
    ]
    assert rotated["cache_bound_seconds"] == CACHE_BOUND_SECONDS
    clock.now = T0 + 1801
    states = [view["state"] for view in document(admin("tenants", "list-keys", "acme", clock=clock, as_json=True))["keys"]]
    assert states == ["expired", "live"]
    assert TenantKeys(table, clock).tenant_for(rotated["api_key"]) == "acme"


def test_create_json_prints_the_key_and_the_secret_once_stored(table):
    result = admin("tenants", "create", "acme", as_json=True)
    assert result.exit_code == Exit.OK and result.stderr == ""
    created = document(result)
    assert created["tenant"] == "acme" and created["api_key"].startswith("afk_")
    assert TenantKeys(table).tenant_for(created["api_key"]) == "acme"
    assert DynamoDBTenantSecrets(table).secret_for("acme") == created["webhook_secret"]
    stored = table.get_item(Key=hash_item_key(key_hash(created["api_key"])))["Item"]
    assert created["api_key"] not in json.dumps(stored, default=str)  # only its hash and shown prefix
    again = document(admin("tenants", "create", "acme", as_json=True))  # another key, the same signing secret
    assert again["api_key"] != created["api_key"] and again["webhook_secret"] == created["webhook_secret"]


def test_adopt_keys_lists_keys_issued_before_key_lists(table):
    legacy = "afk_" + "x" * 43
    table.put_item(Item={**hash_item_key(key_hash(legacy)), "tenant_id": "acme", "kind": "api_key"})
    assert document(admin("tenants", "list-keys", "acme", as_json=True))["keys"] == []
    assert document(admin("tenants", "adopt-keys", as_json=True)) == {"adopted": 1}
    [view] = document(admin("tenants", "list-keys", "acme", as_json=True))["keys"]
    assert view["key"] == f"sha256:{key_hash(legacy)[:12]}" and view["state"] == "live"
    revoked = admin("tenants", "revoke-key", "acme", "--key-prefix", view["key"])
    assert revoked.exit_code == Exit.OK and TenantKeys(table).tenant_for(legacy) is None


@pytest.mark.parametrize(
    "args",
    [
        ("tenants", "create", "ac me"),
        ("tenants", "create", "acmé"),
        ("tenants", "create", "a" * 129),
        ("tenants", "rotate-key", "acme/../globex"),
        ("tenants", "rotate-key", "acme", "--overlap-hours", "-1"),
        ("tenants", "revoke-key", "acme"),
        ("tenants", "revoke-key", "acme", "--all", "--key-prefix", "afk_"),
        ("shops", "register", "shopify", "mugs.myshopify.com", "--tenant", "ac me", "--secret", "s" * 20, "--recipe", "{}"),
    ],
)
def test_a_bad_command_line_is_a_usage_error_and_writes_nothing(table, args):
    result = admin(*args)
    assert result.exit_code == Exit.USAGE, result.output
    assert table.scan()["Items"] == []


def test_without_a_table_name_nothing_is_called(table):
    result = admin("tenants", "create", "acme", env={"ADFORGE_TABLE": None})
    assert result.exit_code == Exit.USAGE and "ADFORGE_TABLE" in result.stderr
    assert table.scan()["Items"] == []
    named = admin("--table", "jobs", "tenants", "create", "acme", env={"ADFORGE_TABLE": None})
    assert named.exit_code == Exit.OK and TenantKeys(table).tenant_for(named.stdout.splitlines()[1]) == "acme"


def test_aws_refusals_print_the_error_and_exit_refused(table):
    missing = admin("--table", "nope", "tenants", "list-keys", "acme", as_json=True)
    assert missing.exit_code == Exit.REFUSED
    error = document(missing)["error"]
    assert (error["code"], error["status"]) == ("ResourceNotFoundException", 400)
    assert "table nope in us-east-1" in error["message"]
    elsewhere = admin("--region", "eu-west-1", "tenants", "create", "acme")  # the table lives in us-east-1
    assert elsewhere.exit_code == Exit.REFUSED and "ResourceNotFoundException" in elsewhere.stderr
    assert "table jobs in eu-west-1" in elsewhere.stderr
    assert table.scan()["Items"] == []


def test_a_named_profile_supplies_the_region_and_credentials(table, tmp_path):
    (tmp_path / "config").write_text("[profile ops]\nregion = us-east-1\n")
    (tmp_path / "credentials").write_text("[ops]\naws_access_key_id = ops\naws_secret_access_key = ops\n")
    files = {"AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")}
    unset = {"AWS_DEFAULT_REGION": None, "AWS_REGION": None, "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}
    env = {**files, **unset}
    result = admin("--profile", "ops", "tenants", "create", "acme", env=env)
    assert result.exit_code == Exit.OK, result.output
    assert TenantKeys(table).tenant_for(result.stdout.splitlines()[1]) == "acme"
    unknown = admin("--profile", "dev", "tenants", "create", "globex", env=env, as_json=True)
    assert unknown.exit_code == Exit.USAGE and document(unknown)["error"]["code"] == "ProfileNotFound"
    no_region = admin("tenants", "create", "globex", env=env)
    assert no_region.exit_code == Exit.USAGE and "NoRegionError" in no_region.stderr
    assert TenantKeys(table).keys_of("globex") == []


def test_an_unreachable_endpoint_exits_unavailable(monkeypatch):
    """No moto here: a real connection refused by a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_MAX_ATTEMPTS": "1", "AWS_DEFAULT_REGION": "us-east-1"}
    for name, value in {**env, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}.items():
        monkeypatch.setenv(name, value)
    result = admin("tenants", "list-keys", "acme", as_json=True)
    assert result.exit_code == Exit.UNAVAILABLE, result.output
    assert document(result)["error"]["code"] == "EndpointConnectionError"


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "AccessDeniedException", Exit.REFUSED),
        (400, "ResourceNotFoundException", Exit.REFUSED),
        (400, "ExpiredTokenException", Exit.REFUSED),
        (400, "ProvisionedThroughputExceededException", Exit.UNAVAILABLE),
        (400, "ThrottlingException", Exit.UNAVAILABLE),
        (500, "InternalServerError", Exit.UNAVAILABLE),
        (503, "ServiceUnavailable", Exit.UNAVAILABLE),
    ],
)
def test_aws_errors_map_to_the_clis_exit_codes(status, code, expected):
    assert exit_for(status, code) == expected


def test_register_shop_binds_it_to_the_tenant_and_refuses_another(table):
    recipe = '{"prompt": "lifestyle ad", "count": 2}'
    shop = ("shops", "register", "shopify", "ACME-mugs.myshopify.com", "--recipe", recipe)
    result = admin(*shop, "--tenant", "acme", env={"ADFORGE_SHOP_SECRET": "shpss_0123456789abcdef"}, as_json=True)
    assert result.exit_code == Exit.OK, result.output
    assert document(result) == {"platform": "shopify", "shop": "acme-mugs.myshopify.com", "tenant": "acme"}
    found = DynamoDBShopDirectory(table).find("shopify", "acme-mugs.myshopify.com")
    assert found is not None and (found.tenant_id, found.secret) == ("acme", "shpss_0123456789abcdef")
    assert (found.recipe.prompt, found.recipe.count) == ("lifestyle ad", 2)

    taken = admin(*shop, "--tenant", "globex", "--secret", "shpss_globex_secret_01")
    assert taken.exit_code == Exit.REFUSED and "shop_taken" in taken.stderr
    assert DynamoDBShopDirectory(table).find("shopify", "acme-mugs.myshopify.com") == found
    human = admin(*shop, "--tenant", "acme", "--secret", "shpss_rotated_secret_01")
    assert human.stdout.strip() == "shopify shop acme-mugs.myshopify.com now makes jobs for tenant acme"


@pytest.mark.parametrize(
    ("shop", "secret", "recipe"),
    [
        ("mugs.myshopify.com", "shpss_0123456789abcdef", "{not json"),
        ("mugs.myshopify.com", "shpss_0123456789abcdef", '{"prompt": "ad", "image": {"key": "tenants/acme/uploads/a.png"}}'),
        ("mugs.myshopify.com", "short", '{"prompt": "ad"}'),
        ("mugs.example.com", "shpss_0123456789abcdef", '{"prompt": "ad"}'),
    ],
)
def test_register_shop_refuses_a_bad_shop_secret_or_recipe_before_writing(table, shop, secret, recipe):
    result = admin("shops", "register", "shopify", shop, "--tenant", "acme", "--secret", secret, "--recipe", recipe)
    assert result.exit_code == Exit.USAGE, result.output
    assert table.scan()["Items"] == []


def test_the_stated_bound_is_the_templates_authorizer_cache(aws):
    authorizer = load(ROOT / "template.yaml", {"PublicApiUrl": "https://api.example"}, "us-east-1").authorizer()
    assert authorizer is not None and authorizer.identity_header == "Authorization"
    assert authorizer.ttl_seconds == CACHE_BOUND_SECONDS
    readme = " ".join((ROOT / "README.md").read_text().replace("**", "").split())
    assert f"a revoked key can still work for at most {CACHE_BOUND_SECONDS} s" in readme
