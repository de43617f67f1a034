"""Tenants and their API keys: keys are shown once and stored only as SHA-256 hashes.

Items: `APIKEY#<sha256>` per key (tenant, `prefix` = the key's first characters to tell keys apart,
`issued_at`; on its way out `expires_at`, which is also the table's TTL attribute, and `revoked_at`).
The tenant's item `TENANT#<id>` lists its keys' hashes in `api_keys` (a string set), written before the
key itself so that no working key is ever missing from the list that rotation and revocation read.
A key is refused once revoked or from its `expires_at` on, by the clock here: TTL deletion lags by up to
days and only tidies up. No item here has `created_at`, so none shows up in the per-tenant job listing.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adforge.adapters.dynamodb_tenants import tenant_key

KEY_PREFIX = "afk_"
SHOWN_CHARS = len(KEY_PREFIX) + 8  # the public part of a key (`afk_AbCd1234`): 48 of its ~256 random bits


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def hash_item_key(hashed: str) -> dict[str, str]:
    return {"pk": f"APIKEY#{hashed}"}


def key_item_key(api_key: str) -> dict[str, str]:
    return hash_item_key(key_hash(api_key))


class KeySelectionError(LookupError):
    """`--key-prefix` matched no live key of the tenant, or more than one."""


@dataclass(frozen=True)
class KeyRecord:
    key_hash: str
    tenant_id: str
    prefix: str  # "" for keys issued before prefixes were kept
    issued_at: int | None
    expires_at: int | None
    revoked_at: int | None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> KeyRecord:
        def number(name: str) -> int | None:
            return int(item[name]) if name in item else None

        return cls(
            key_hash=str(item["pk"]).removeprefix("APIKEY#"),
            tenant_id=str(item["tenant_id"]),
            prefix=str(item.get("prefix", "")),
            issued_at=number("issued_at"),
            expires_at=number("expires_at"),
            revoked_at=number("revoked_at"),
        )

    def live(self, now: float) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def _matches(record: KeyRecord, selector: str) -> bool:
    """`selector` is a prefix of the key's shown part, the whole key, or `sha256:<hex prefix>` (keys with no shown part)."""
    if selector.startswith("sha256:"):
        return len(selector) > len("sha256:") and record.key_hash.startswith(selector.removeprefix("sha256:"))
    shown = record.prefix
    return bool(shown) and (shown.startswith(selector) or selector.startswith(shown))


class TenantKeys:
    """API key -> tenant over the jobs table, with rotation and revocation; `clock` gives epoch seconds."""

    def __init__(self, table: Any, clock: Callable[[], float] = time.time) -> None:
        self._table = table
        self._clock = clock

    def issue(self, tenant_id: str) -> str:
        """A new key for `tenant_id`; the plain key exists only in the return value."""
        api_key = KEY_PREFIX + secrets.token_urlsafe(32)
        hashed = key_hash(api_key)
        self._list(tenant_id, hashed)
        item = {"tenant_id": tenant_id, "kind": "api_key", "prefix": api_key[:SHOWN_CHARS], "issued_at": int(self._clock())}
        self._table.put_item(Item={**hash_item_key(hashed), **item}, ConditionExpression="attribute_not_exists(pk)")
        return api_key

    def tenant_for(self, api_key: str) -> str | None:
        """The key's tenant, or None for an unknown, revoked or expired key (read consistently: a revocation counts at once)."""
        if not api_key.startswith(KEY_PREFIX) or len(api_key) > 128:
            return None
        item = self._table.get_item(Key=key_item_key(api_key), ConsistentRead=True).get("Item")
        if item is None:
            return None
        record = KeyRecord.from_item(item)
        return record.tenant_id if record.live(self._clock()) else None

    def keys_of(self, tenant_id: str) -> list[KeyRecord]:
        """The tenant's keys, oldest first, live or not, until TTL removes them (then they leave the list too)."""
        listed = self._table.get_item(Key=tenant_key(tenant_id), ConsistentRead=True).get("Item") or {}
        found, gone = [], set()
        for hashed in sorted(listed.get("api_keys", set())):
            item = self._table.get_item(Key=hash_item_key(hashed), ConsistentRead=True).get("Item")
            if item is None:
                gone.add(hashed)
            else:
                found.append(KeyRecord.from_item(item))
        if gone:
            self._table.update_item(
                Key=tenant_key(tenant_id), UpdateExpression="DELETE api_keys :h", ExpressionAttributeValues={":h": gone}
            )
        return sorted(found, key=lambda record: (record.issued_at or 0, record.prefix))

    def adopt_unlisted(self) -> int:
        """Lists every key issued before keys were listed under their tenant (one scan of the table; run once)."""
        adopted = 0
        scan: dict[str, Any] = {"FilterExpression": "kind = :k", "ExpressionAttributeValues": {":k": "api_key"}}
        while True:
            page = self._table.scan(**scan)
            for item in page["Items"]:
                record = KeyRecord.from_item(item)
                self._list(record.tenant_id, record.key_hash)
                adopted += 1
            if "LastEvaluatedKey" not in page:
                return adopted
            scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def rotate(self, tenant_id: str, overlap_seconds: int) -> tuple[str, list[KeyRecord]]:
        """A new key; every other live key of the tenant expires `overlap_seconds` from now (or sooner if it
        already did). Returns the new key and the retiring keys as they now stand."""
        if overlap_seconds < 0:
            raise ValueError("the overlap cannot be negative")
        new_key = self.issue(tenant_id)
        new_hash, now = key_hash(new_key), self._clock()
        until = int(now) + overlap_seconds
        retiring = []
        for record in self.keys_of(tenant_id):
            if record.key_hash != new_hash and record.live(now):
                retiring.append(self._retire(record, min(until, record.expires_at or until), revoked=False))
        return new_key, retiring

    def revoke(self, tenant_id: str, key_prefix: str | None) -> list[KeyRecord]:
        """Revoke the one live key that `key_prefix` selects (see `_matches`), or every live key when it is None."""
        now = self._clock()
        live = [record for record in self.keys_of(tenant_id) if record.live(now)]
        chosen = [record for record in live if key_prefix is None or _matches(record, key_prefix)]
        if key_prefix is not None and len(chosen) != 1:
            raise KeySelectionError(f"{key_prefix!r} matches {len(chosen)} live keys of tenant {tenant_id}")
        return [self._retire(record, int(now), revoked=True) for record in chosen]

    def _list(self, tenant_id: str, hashed: str) -> None:
        """Add a key's hash to its tenant's list (what rotation and revocation read)."""
        self._table.update_item(
            Key=tenant_key(tenant_id), UpdateExpression="ADD api_keys :h", ExpressionAttributeValues={":h": {hashed}}
        )

    def _retire(self, record: KeyRecord, expires_at: int, *, revoked: bool) -> KeyRecord:
        """Set the expiry (TTL removes the item some time after it); a revocation also records when."""
        update, values = "SET expires_at = :e", {":e": expires_at}
        if revoked:
            update, values = update + ", revoked_at = :r", {**values, ":r": int(self._clock())}
        item = self._table.update_item(
            Key=hash_item_key(record.key_hash),
            UpdateExpression=update,
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )["Attributes"]
        return KeyRecord.from_item(item)
