"""`adforge admin`: tenants, their API keys and shops, written straight to the stack's JobsTable.

An operator's tool, not a client of the public API: it acts with the operator's own AWS credentials (aws.py)
on the deployed table, or on the local stack's with AWS_ENDPOINT_URL. A new API key is printed once and
stored only as its SHA-256 hash. A rotated-out key works until its overlap ends, a revoked one stops at once;
either way an answer the API Gateway authorizer cache already holds lasts at most ReauthorizeEvery
(`CACHE_BOUND_SECONDS`) longer. The core package is imported only when a command runs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from adforge_cli.aws import TableTarget, opened
from adforge_cli.state import Exit, State

if TYPE_CHECKING:
    from adforge.domain.tenants import KeyRecord

DEFAULT_OVERLAP_HOURS = 24.0
CACHE_BOUND_SECONDS = 60  # template.yaml's ReauthorizeEvery (a test keeps them equal)
# ASCII only, and at most ShopConfig's 128: a tenant id becomes part of S3 keys (tenants/<id>/...) and item keys.
TENANT_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


@dataclass(frozen=True)
class Admin:
    """What an admin command runs with: the CLI's state and the table it acts on."""

    state: State
    target: TableTarget


class Platform(StrEnum):
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"


def _tenant_id(value: str) -> str:
    if not TENANT_ID.fullmatch(value):
        raise typer.BadParameter("tenant ids are 1-128 ASCII letters, digits, '-' and '_'")
    return value


Tenant = Annotated[str, typer.Argument(callback=_tenant_id, help="Tenant id, e.g. acme")]

admin_app = typer.Typer(
    help="Operator commands on the stack's JobsTable, with your AWS credentials: tenants, API keys, shops.",
    no_args_is_help=True,
)
tenants_app = typer.Typer(help="Create tenants; list, rotate, revoke and adopt their API keys.", no_args_is_help=True)
shops_app = typer.Typer(help="Bind Shopify / WooCommerce shops to tenants.", no_args_is_help=True)
admin_app.add_typer(tenants_app, name="tenants")
admin_app.add_typer(shops_app, name="shops")


@admin_app.callback()
def configure(
    ctx: typer.Context,
    table: Annotated[str, typer.Option(envvar="ADFORGE_TABLE", help="The stack's JobsTable name")] = "",
    region: Annotated[str | None, typer.Option(help="AWS region (default: boto3's, e.g. AWS_REGION)")] = None,
    profile: Annotated[str | None, typer.Option(help="AWS named profile (default: boto3's, e.g. AWS_PROFILE)")] = None,
) -> None:
    """The table's options sit on `admin` itself (`adforge admin --table T tenants ...`), as `--api-url` and
    `--api-key` sit on `adforge`; ADFORGE_TABLE saves repeating it."""
    ctx.obj = Admin(ctx.obj, TableTarget(table, region, profile))


def _when(epoch: int | None) -> str | None:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds") if epoch is not None else None


def _shown_time(epoch: int | None) -> str:
    """A table's time: it wraps at the space on a narrow terminal instead of losing its end."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S") if epoch is not None else "-"


def _shown(record: KeyRecord) -> str:
    """What `--key-prefix` accepts for the key: its first characters, or its hash's for keys issued without them."""
    return record.prefix or f"sha256:{record.key_hash[:12]}"


def _view(record: KeyRecord, now: float) -> dict[str, Any]:
    state = "revoked" if record.revoked_at is not None else ("live" if record.live(now) else "expired")
    return {
        "key": _shown(record),
        "state": state,
        "issued_at": _when(record.issued_at),
        "expires_at": _when(record.expires_at),
        "revoked_at": _when(record.revoked_at),
    }


@tenants_app.command("create")
def create_tenant(ctx: typer.Context, tenant: Tenant) -> None:
    """Issue an API key bound to TENANT and make its webhook signing secret; both are printed once."""
    from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys as TenantKeys
    from adforge.adapters.dynamodb_tenants import DynamoDBTenantSecrets

    admin: Admin = ctx.obj
    with opened(admin.state, admin.target) as table:
        secret = DynamoDBTenantSecrets(table).ensure_secret(tenant)
        key = TenantKeys(table, admin.state.deps.now).issue(tenant)
    if admin.state.json:
        admin.state.emit({"tenant": tenant, "api_key": key, "webhook_secret": secret})
        return
    admin.state.emit(f"tenant {tenant}: API key (shown once, stored only as a SHA-256 hash):\n{key}")
    admin.state.emit(f"webhook signing secret (Standard Webhooks; verify job notifications with it):\n{secret}")


@tenants_app.command("list-keys")
def list_keys(ctx: typer.Context, tenant: Tenant) -> None:
    """TENANT's API keys, oldest first: shown prefix, state, issue, expiry and revocation times."""
    from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys as TenantKeys

    admin: Admin = ctx.obj
    with opened(admin.state, admin.target) as table:
        records = TenantKeys(table, admin.state.deps.now).keys_of(tenant)
    views = [_view(record, admin.state.deps.now()) for record in records]
    if admin.state.json:
        admin.state.emit({"tenant": tenant, "keys": views})
        return
    if not records:
        admin.state.err.print(f"tenant {tenant} has no keys", highlight=False, markup=False)
        return
    listing = Table("key", "state", "issued (UTC)", "expires (UTC)", "revoked (UTC)")
    for record, view in zip(records, views, strict=True):
        times = (_shown_time(record.issued_at), _shown_time(record.expires_at), _shown_time(record.revoked_at))
        listing.add_row(view["key"], view["state"], *times)
    admin.state.out.print(listing)


@tenants_app.command("rotate-key")
def rotate_key(
    ctx: typer.Context,
    tenant: Tenant,
    overlap_hours: Annotated[
        float, typer.Option(min=0, help="How long the tenant's other keys keep working (0 ends them now)")
    ] = DEFAULT_OVERLAP_HOURS,
) -> None:
    """Issue a new API key for TENANT (printed once); its other live keys stop after the overlap."""
    from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys as TenantKeys

    admin: Admin = ctx.obj
    with opened(admin.state, admin.target) as table:
        new_key, retiring = TenantKeys(table, admin.state.deps.now).rotate(tenant, round(overlap_hours * 3600))
    now = admin.state.deps.now()
    if admin.state.json:
        views = [_view(record, now) for record in retiring]
        admin.state.emit({"tenant": tenant, "api_key": new_key, "retiring": views, "cache_bound_seconds": CACHE_BOUND_SECONDS})
        return
    admin.state.emit(f"tenant {tenant}: new API key (shown once, stored only as a SHA-256 hash):\n{new_key}")
    for record in retiring:
        ends = _when(record.expires_at)
        admin.state.emit(f"old key {_shown(record)} stops working at {ends} (+ up to {CACHE_BOUND_SECONDS} s cached)")


@tenants_app.command("revoke-key")
def revoke_key(
    ctx: typer.Context,
    tenant: Tenant,
    key_prefix: Annotated[str | None, typer.Option(help="The key's shown prefix (list-keys), or the whole key")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every live key of the tenant")] = False,
) -> None:
    """Refuse one of TENANT's keys (--key-prefix) or all of them (--all) from now on."""
    from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys as TenantKeys
    from adforge.domain.tenants import KeySelectionError

    if (key_prefix is not None) == every:
        raise typer.BadParameter("give either --key-prefix or --all", param_hint="'--key-prefix' / '--all'")
    admin: Admin = ctx.obj
    with opened(admin.state, admin.target) as table:
        try:
            revoked = TenantKeys(table, admin.state.deps.now).revoke(tenant, key_prefix)
        except KeySelectionError as error:
            raise admin.state.refuse("key_not_selected", f"nothing revoked: {error}", Exit.REFUSED) from error
    if admin.state.json:
        views = [_view(record, admin.state.deps.now()) for record in revoked]
        admin.state.emit({"tenant": tenant, "revoked": views, "cache_bound_seconds": CACHE_BOUND_SECONDS})
        return
    for record in revoked:
        admin.state.emit(f"revoked {_shown(record)}: refused now; cached answers end within {CACHE_BOUND_SECONDS} s")
    if not revoked:
        admin.state.emit(f"tenant {tenant} has no live keys")


@tenants_app.command("adopt-keys")
def adopt_keys(ctx: typer.Context) -> None:
    """Once: list the keys issued before key lists existed under their tenants (one table scan)."""
    from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys as TenantKeys

    admin: Admin = ctx.obj
    with opened(admin.state, admin.target) as table:
        adopted = TenantKeys(table, admin.state.deps.now).adopt_unlisted()
    admin.state.emit({"adopted": adopted} if admin.state.json else f"{adopted} keys listed under their tenants")


@shops_app.command("register")
def register_shop(
    ctx: typer.Context,
    platform: Platform,
    shop: Annotated[str, typer.Argument(help="myshop.myshopify.com, or the WooCommerce store URL")],
    tenant: Annotated[str, typer.Option(callback=_tenant_id, help="The tenant whose jobs the shop's products make")],
    secret: Annotated[str, typer.Option(envvar="ADFORGE_SHOP_SECRET", help="The platform's webhook signing secret")],
    recipe: Annotated[str, typer.Option(help='JSON job template, e.g. {"prompt": "lifestyle ad", "count": 2}')],
) -> None:
    """Bind a Shopify / WooCommerce SHOP to a tenant with its webhook secret and job recipe (again: new secret or recipe)."""
    from adforge.adapters.dynamodb_shops import DynamoDBShopDirectory, ShopTaken
    from adforge.domain.models import JobRequest
    from adforge.domain.shops import ShopConfig
    from adforge.platforms.readers import platform_reader

    # json.JSONDecodeError and pydantic's ValidationError are ValueErrors
    try:
        template = JobRequest.model_validate(json.loads(recipe))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'--recipe'") from error
    try:
        config = ShopConfig(tenant_id=tenant, secret=secret, recipe=template)
    except ValueError as error:  # a short secret, or a recipe that names an image or carries too much metadata
        raise typer.BadParameter(str(error)) from error
    try:
        platform_reader(platform.value).shop_key(shop)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'SHOP'") from error
    admin: Admin = ctx.obj
    with opened(admin.state, admin.target) as table:
        try:
            key = DynamoDBShopDirectory(table).register_shop(platform.value, shop, config)
        except ShopTaken as error:
            raise admin.state.refuse(error.code, error.message, Exit.REFUSED) from error
    if admin.state.json:
        admin.state.emit({"platform": platform.value, "shop": key, "tenant": tenant})
        return
    admin.state.emit(f"{platform.value} shop {key} now makes jobs for tenant {tenant}")
