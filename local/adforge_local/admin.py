"""`python -m adforge_local.admin create-tenant <tenant> --table <JobsTable>`: prints a new API key once.

Also `register-shop`, and `list-keys` / `rotate-key` / `revoke-key <tenant>`, `adopt-keys` (admin_keys.py).

Works against the deployed table (ordinary AWS credentials) or the local stack (AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import argparse
import json
import sys

import boto3

from adforge.adapters.dynamodb_shops import DynamoDBShopDirectory
from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys, DynamoDBTenantSecrets
from adforge.domain.models import JobRequest
from adforge.domain.shops import ShopConfig
from adforge_local import admin_keys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="adforge_local.admin")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-tenant", help="issue an API key bound to one tenant")
    create.add_argument("tenant", help="tenant id, e.g. acme")
    create.add_argument("--table", required=True, help="the stack's JobsTable name")
    shop = sub.add_parser(
        "register-shop", help="bind a Shopify / WooCommerce shop to a tenant with its webhook secret and recipe"
    )
    shop.add_argument("platform", choices=["shopify", "woocommerce"])
    shop.add_argument("shop", help="myshop.myshopify.com, or the WooCommerce store URL")
    shop.add_argument("--tenant", required=True)
    shop.add_argument("--secret", required=True, help="the platform's webhook signing secret")
    shop.add_argument("--recipe", required=True, help='JSON job template, e.g. {"prompt": "lifestyle ad", "count": 2}')
    shop.add_argument("--table", required=True, help="the stack's JobsTable name")
    admin_keys.add_parsers(sub)
    args = parser.parse_args(argv)
    if args.command in ("list-keys", "rotate-key", "revoke-key", "adopt-keys"):
        return admin_keys.run(args, boto3.resource("dynamodb").Table(args.table))
    if args.command == "register-shop":
        config = ShopConfig(tenant_id=args.tenant, secret=args.secret, recipe=JobRequest.model_validate(json.loads(args.recipe)))
        key = DynamoDBShopDirectory(boto3.resource("dynamodb").Table(args.table)).register_shop(args.platform, args.shop, config)
        print(f"{args.platform} shop {key} now makes jobs for tenant {args.tenant}")
        return 0
    if not args.tenant.replace("-", "").replace("_", "").isalnum():
        parser.error("tenant ids are letters, digits, '-' and '_'")
    table = boto3.resource("dynamodb").Table(args.table)
    secret = DynamoDBTenantSecrets(table).ensure_secret(args.tenant)
    key = DynamoDBTenantKeys(table).issue(args.tenant)
    print(f"tenant {args.tenant}: API key (shown once, stored only as a SHA-256 hash):\n{key}")
    print(f"webhook signing secret (Standard Webhooks; verify job notifications with it):\n{secret}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
