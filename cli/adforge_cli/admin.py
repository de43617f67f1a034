"""`adforge admin`: the operator's commands on a stack's JobsTable (tenants, API keys, shops).

They talk to DynamoDB with the operator's own AWS credentials (boto3's default chain, `--profile`, `--region`),
not to the public API: deployed, that is the stack's table; on the local stack, `AWS_ENDPOINT_URL` points boto3
at its moto server. A key or secret is printed once and stored only as a hash.

A rotated-out key works until its overlap ends, a revoked one stops at once; either way an answer the
API Gateway authorizer cache already holds lasts at most ReauthorizeEvery (`CACHE_BOUND_SECONDS`) longer.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from adforge_cli.exits import Exit

if TYPE_CHECKING:
    from adforge.tenants import KeyRecord

DEFAULT_OVERLAP_HOURS = 24.0
CACHE_BOUND_SECONDS = 60  # template.yaml's ReauthorizeEvery (a test keeps them equal)

admin_app = typer.Typer(help="Operator commands on the stack's table, with your AWS credentials.", no_args_is_help=True)
tenants_app = typer.Typer(help="Tenants and their API keys.", no_args_is_help=True)
shops_app = typer.Typer(help="Shopify / WooCommerce stores bound to tenants.", no_args_is_help=True)
admin_app.add_typer(tenants_app, name="tenants")
admin_app.add_typer(shops_app, name="shops")


@dataclass
class Admin:
    """The table the commands work on, and how to print."""

    table_name: str
    region: str | None
    profile: str | None
    as_json: bool

    def table(self) -> Any:
        import boto3

        return boto3.Session(profile_name=self.profile, region_name=self.region).resource("dynamodb").Table(self.table_name)

    def say(self, text: str, value: dict[str, Any]) -> None:
        typer.echo(json.dumps(value, default=str, indent=2) if self.as_json else text)

    def refuse(self, code: str, message: str) -> typer.Exit:
        if self.as_json:
            typer.echo(json.dumps({"error": {"code": code, "message": message}}, indent=2))
        else:
            typer.echo(f"error {code}: {message}", err=True)
        return typer.Exit(Exit.REFUSED)


@admin_app.callback()
def configure(
    ctx: typer.Context,
    table: Annotated[str, typer.Option(envvar="ADFORGE_TABLE", help="The stack's JobsTable name (stack output)")] = "",
    region: Annotated[str | None, typer.Option(envvar="AWS_REGION", help="AWS region of the stack")] = None,
    profile: Annotated[str | None, typer.Option(envvar="AWS_PROFILE", help="AWS credentials profile")] = None,
) -> None:
    if not table:
        typer.echo("set --table or ADFORGE_TABLE to the stack's JobsTable name", err=True)
        raise typer.Exit(2)
    root = ctx.find_root().obj
    ctx.obj = Admin(table, region, profile, bool(getattr(root, "json", False)))


def _when(epoch: int | None) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds") if epoch is not None else "-"


def _shown(record: KeyRecord) -> str:
    """What `--key-prefix` accepts for the key: its first characters, or its hash's for keys issued without them."""
    return record.prefix or f"sha256:{record.key_hash[:12]}"


def _state(record: KeyRecord, now: float) -> str:
    return "revoked" if record.revoked_at is not None else ("live" if record.live(now) else "expired")


@tenants_app.command("create")
def create_tenant(ctx: typer.Context, tenant: Annotated[str, typer.Argument(help="tenant id, e.g. acme")]) -> None:
    """Issue the tenant's first API key and its webhook signing secret (each shown once)."""
    from adforge.adapters.dynamodb_tenants import DynamoDBTenantSecrets
    from adforge.tenants import TenantKeys

    admin: Admin = ctx.obj
    if not tenant.replace("-", "").replace("_", "").isalnum():
        raise admin.refuse("bad_tenant_id", "tenant ids are letters, digits, '-' and '_'")
    table = admin.table()
    secret = DynamoDBTenantSecrets(table).ensure_secret(tenant)
    key = TenantKeys(table).issue(tenant)
    admin.say(
        f"tenant {tenant}: API key (shown once, stored only as a SHA-256 hash):\n{key}\n"
        f"webhook signing secret (Standard Webhooks; verify job notifications with it):\n{secret}",
        {"tenant": tenant, "api_key": key, "webhook_secret": secret},
    )


@tenants_app.command("list-keys")
def list_keys(ctx: typer.Context, tenant: str) -> None:
    """A tenant's API keys: shown prefix, state, issued, expiry."""
    from adforge.tenants import TenantKeys

    admin: Admin = ctx.obj
    now = time.time()
    records = TenantKeys(admin.table()).keys_of(tenant)
    rows = [
        {"key": _shown(r), "state": _state(r, now), "issued": _when(r.issued_at), "expires": _when(r.expires_at)} for r in records
    ]
    lines = [f"{r['key']:<20} {r['state']:<8} issued {r['issued']}  expires {r['expires']}" for r in rows]
    admin.say("\n".join(lines), {"tenant": tenant, "keys": rows})


@tenants_app.command("rotate-key")
def rotate_key(
    ctx: typer.Context,
    tenant: str,
    overlap_hours: Annotated[float, typer.Option(min=0, help="How long the old keys keep working")] = DEFAULT_OVERLAP_HOURS,
) -> None:
    """Issue a new API key (shown once); the tenant's other keys stop after the overlap."""
    from adforge.tenants import TenantKeys

    admin: Admin = ctx.obj
    new_key, retiring = TenantKeys(admin.table()).rotate(tenant, round(overlap_hours * 3600))
    lines = [f"tenant {tenant}: new API key (shown once, stored only as a SHA-256 hash):\n{new_key}"]
    lines += [
        f"old key {_shown(r)} stops working at {_when(r.expires_at)} (+ up to {CACHE_BOUND_SECONDS} s cached)" for r in retiring
    ]
    retired = [{"key": _shown(r), "expires": _when(r.expires_at)} for r in retiring]
    admin.say("\n".join(lines), {"tenant": tenant, "api_key": new_key, "retiring": retired})


@tenants_app.command("revoke-key")
def revoke_key(
    ctx: typer.Context,
    tenant: str,
    key_prefix: Annotated[str | None, typer.Option(help="The key's shown prefix (list-keys), or the whole key")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every live key of the tenant")] = False,
) -> None:
    """Refuse a key (or all of the tenant's keys) from now on."""
    from adforge.tenants import KeySelectionError, TenantKeys

    admin: Admin = ctx.obj
    if (key_prefix is None) == (not every):
        raise admin.refuse("bad_selection", "give exactly one of --key-prefix or --all")
    try:
        revoked = TenantKeys(admin.table()).revoke(tenant, None if every else key_prefix)
    except KeySelectionError as error:
        raise admin.refuse("nothing_revoked", f"nothing revoked: {error}") from error
    lines = [f"revoked {_shown(r)}: refused now; cached answers end within {CACHE_BOUND_SECONDS} s" for r in revoked]
    admin.say(
        "\n".join(lines) or f"tenant {tenant} has no live keys", {"tenant": tenant, "revoked": [_shown(r) for r in revoked]}
    )


@tenants_app.command("adopt-keys")
def adopt_keys(ctx: typer.Context) -> None:
    """Once: list keys issued before key lists existed under their tenants."""
    from adforge.tenants import TenantKeys

    admin: Admin = ctx.obj
    adopted = TenantKeys(admin.table()).adopt_unlisted()
    admin.say(f"{adopted} keys listed under their tenants", {"adopted": adopted})


@shops_app.command("register")
def register_shop(
    ctx: typer.Context,
    platform: Annotated[str, typer.Argument(help="shopify or woocommerce")],
    shop: Annotated[str, typer.Argument(help="myshop.myshopify.com, or the WooCommerce store URL")],
    tenant: Annotated[str, typer.Option(help="The tenant whose jobs the store's product events make")],
    secret: Annotated[str, typer.Option(help="The platform's webhook signing secret")],
    recipe: Annotated[str, typer.Option(help='JSON job template, e.g. {"prompt": "lifestyle ad", "count": 2}')],
) -> None:
    """Bind a Shopify / WooCommerce store to a tenant with its webhook secret and job recipe."""
    from pydantic import ValidationError

    from adforge.domain.models import JobRequest
    from adforge.platforms.dynamodb import DynamoDBShopDirectory
    from adforge.platforms.ports import ShopConfig

    admin: Admin = ctx.obj
    if platform not in ("shopify", "woocommerce"):
        raise admin.refuse("unknown_platform", "platform is shopify or woocommerce")
    try:
        config = ShopConfig(tenant_id=tenant, secret=secret, recipe=JobRequest.model_validate(json.loads(recipe)))
    except (ValueError, ValidationError) as error:
        raise admin.refuse("bad_shop_config", f"the secret or recipe is refused: {error}") from error
    key = DynamoDBShopDirectory(admin.table()).register_shop(platform, shop, config)
    admin.say(f"{platform} shop {key} now makes jobs for tenant {tenant}", {"platform": platform, "shop": key, "tenant": tenant})
