"""The admin command's key subcommands: `list-keys`, `rotate-key`, `revoke-key`, `adopt-keys` (see admin.py).

A rotated-out key works until its overlap ends, a revoked one stops at once; either way an answer the
API Gateway authorizer cache already holds lasts at most ReauthorizeEvery (`CACHE_BOUND_SECONDS`) longer.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from typing import Any

from adforge.adapters.dynamodb_tenants import DynamoDBTenantKeys
from adforge.domain.tenants import KeyRecord, KeySelectionError

DEFAULT_OVERLAP_HOURS = 24.0
CACHE_BOUND_SECONDS = 60  # template.yaml's ReauthorizeEvery (a test keeps them equal)


def add_parsers(sub: Any) -> None:
    """`sub` is the admin parser's subparsers action."""
    listing = sub.add_parser("list-keys", help="a tenant's API keys: shown prefix, issued, expiry, revoked")
    rotate = sub.add_parser("rotate-key", help="issue a new API key; the tenant's other keys stop after an overlap")
    rotate.add_argument(
        "--overlap-hours", type=float, default=DEFAULT_OVERLAP_HOURS, help="how long the old keys keep working (default 24)"
    )
    revoke = sub.add_parser("revoke-key", help="refuse a key (or all of the tenant's keys) from now on")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--key-prefix", help="the key's shown prefix (list-keys), or the whole key")
    which.add_argument("--all", action="store_true", help="every live key of the tenant")
    for parser in (listing, rotate, revoke):
        parser.add_argument("tenant", help="tenant id, e.g. acme")
    adopt = sub.add_parser("adopt-keys", help="once: list keys issued before key lists existed under their tenants")
    for parser in (listing, rotate, revoke, adopt):
        parser.add_argument("--table", required=True, help="the stack's JobsTable name")


def _when(epoch: int | None) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds") if epoch is not None else "-"


def _shown(record: KeyRecord) -> str:
    """What `--key-prefix` accepts for the key: its first characters, or its hash's for keys issued without them."""
    return record.prefix or f"sha256:{record.key_hash[:12]}"


def _line(record: KeyRecord, now: float) -> str:
    state = "revoked" if record.revoked_at is not None else ("live" if record.live(now) else "expired")
    return f"{_shown(record):<20} {state:<8} issued {_when(record.issued_at)}  expires {_when(record.expires_at)}"


def run(args: argparse.Namespace, table: Any) -> int:
    """Runs one key subcommand; returns the exit status."""
    keys = DynamoDBTenantKeys(table)
    if args.command == "adopt-keys":
        print(f"{keys.adopt_unlisted()} keys listed under their tenants")
        return 0
    if args.command == "list-keys":
        for record in keys.keys_of(args.tenant):
            print(_line(record, time.time()))
        return 0
    if args.command == "rotate-key":
        if args.overlap_hours < 0:
            print("--overlap-hours cannot be negative", file=sys.stderr)
            return 2
        new_key, retiring = keys.rotate(args.tenant, round(args.overlap_hours * 3600))
        print(f"tenant {args.tenant}: new API key (shown once, stored only as a SHA-256 hash):\n{new_key}")
        for record in retiring:
            ends = _when(record.expires_at)
            print(f"old key {_shown(record)} stops working at {ends} (+ up to {CACHE_BOUND_SECONDS} s cached)")
        return 0
    try:
        revoked = keys.revoke(args.tenant, None if args.all else args.key_prefix)
    except KeySelectionError as error:
        print(f"nothing revoked: {error}", file=sys.stderr)
        return 1
    for record in revoked:
        print(f"revoked {_shown(record)}: refused now; cached answers end within {CACHE_BOUND_SECONDS} s")
    if not revoked:
        print(f"tenant {args.tenant} has no live keys")
    return 0
