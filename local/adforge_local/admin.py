"""`python -m adforge_local.admin create-tenant <tenant> --table <JobsTable>`: prints a new API key once.

Works against the deployed table (ordinary AWS credentials) or the local stack (AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import argparse
import sys

import boto3

from adforge.adapters.dynamodb_tenants import DynamoDBTenantSecrets
from adforge.tenants import TenantKeys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="adforge_local.admin")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-tenant", help="issue an API key bound to one tenant")
    create.add_argument("tenant", help="tenant id, e.g. acme")
    create.add_argument("--table", required=True, help="the stack's JobsTable name")
    args = parser.parse_args(argv)
    if not args.tenant.replace("-", "").replace("_", "").isalnum():
        parser.error("tenant ids are letters, digits, '-' and '_'")
    table = boto3.resource("dynamodb").Table(args.table)
    secret = DynamoDBTenantSecrets(table).ensure_secret(args.tenant)
    key = TenantKeys(table).issue(args.tenant)
    print(f"tenant {args.tenant}: API key (shown once, stored only as a SHA-256 hash):\n{key}")
    print(f"webhook signing secret (Standard Webhooks; verify job notifications with it):\n{secret}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
