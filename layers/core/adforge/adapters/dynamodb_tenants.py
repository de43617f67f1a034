"""The tenant's items in the jobs table.

`TENANT#<id>`: webhook signing secret, default recipe, and the hashes of its API keys (`api_keys`, a string set).
`APIKEY#<sha256>` per key (tenant, `prefix` = the key's first characters to tell keys apart, `issued_at`; on its way
out `expires_at`, which is also the table's TTL attribute, and `revoked_at`). A key's hash is listed under its tenant
before the key itself is written, so that no working key is ever missing from the list that rotation and revocation
read. No item here has `created_at`, so none shows up in the per-tenant job listing. The key rules:
adforge.domain.tenants.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from adforge.domain.tenants import SHOWN_CHARS, KeyRecord, KeySelectionError, key_hash, may_be_a_key, new_api_key, new_secret
from adforge.ports.notifications import WebhookSecretMissing


def tenant_key(tenant_id: str) -> dict[str, str]:
    return {"pk": f"TENANT#{tenant_id}"}


def hash_item_key(hashed: str) -> dict[str, str]:
    return {"pk": f"APIKEY#{hashed}"}


def key_item_key(api_key: str) -> dict[str, str]:
    return hash_item_key(key_hash(api_key))


def key_record(item: dict[str, Any]) -> KeyRecord:
    def number(name: str) -> int | None:
        return int(item[name]) if name in item else None

    return KeyRecord(
        key_hash=str(item["pk"]).removeprefix("APIKEY#"),
        tenant_id=str(item["tenant_id"]),
        prefix=str(item.get("prefix", "")),
        issued_at=number("issued_at"),
        expires_at=number("expires_at"),
        revoked_at=number("revoked_at"),
    )


class DynamoDBTenantSecrets:
    """`TenantWebhookSecrets` over a boto3 DynamoDB Table resource."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def secret_for(self, tenant_id: str) -> str:
        item = self._table.get_item(Key=tenant_key(tenant_id), ConsistentRead=True).get("Item") or {}
        if "webhook_secret" not in item:
            raise WebhookSecretMissing(f"tenant {tenant_id} has no webhook secret")
        return str(item["webhook_secret"])

    def ensure_secret(self, tenant_id: str) -> str:
        """The tenant's secret, created if absent; concurrent callers all get the one that was stored first."""
        candidate = new_secret()
        try:
            self._table.update_item(
                Key=tenant_key(tenant_id),
                UpdateExpression="SET webhook_secret = :secret",
                ConditionExpression="attribute_not_exists(webhook_secret)",
                ExpressionAttributeValues={":secret": candidate},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            return self.secret_for(tenant_id)
        return candidate

    def default_recipe(self, tenant_id: str) -> dict[str, Any] | None:
        """The tenant's default job recipe for dropped photos, if one was set."""
        item = self._table.get_item(Key=tenant_key(tenant_id)).get("Item") or {}
        raw = item.get("default_recipe")
        return dict(json.loads(str(raw))) if raw else None

    def set_default_recipe(self, tenant_id: str, recipe: dict[str, Any]) -> None:
        self._table.update_item(
            Key=tenant_key(tenant_id),
            UpdateExpression="SET default_recipe = :recipe",
            ExpressionAttributeValues={":recipe": json.dumps(recipe)},
        )


class DynamoDBTenantKeys:
    """API key -> tenant over the jobs table, with rotation and revocation; `clock` gives epoch seconds."""

    def __init__(self, table: Any, clock: Callable[[], float] = time.time) -> None:
        self._table = table
        self._clock = clock

    def issue(self, tenant_id: str) -> str:
        """A new key for `tenant_id`; the plain key exists only in the return value."""
        api_key = new_api_key()
        hashed = key_hash(api_key)
        self._list(tenant_id, hashed)
        item = {"tenant_id": tenant_id, "kind": "api_key", "prefix": api_key[:SHOWN_CHARS], "issued_at": int(self._clock())}
        self._table.put_item(Item={**hash_item_key(hashed), **item}, ConditionExpression="attribute_not_exists(pk)")
        return api_key

    def tenant_for(self, api_key: str) -> str | None:
        """The key's tenant, or None for an unknown, revoked or expired key (read consistently: a revocation counts at once)."""
        if not may_be_a_key(api_key):
            return None
        item = self._table.get_item(Key=key_item_key(api_key), ConsistentRead=True).get("Item")
        if item is None:
            return None
        record = key_record(item)
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
                found.append(key_record(item))
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
                record = key_record(item)
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
        chosen = [record for record in live if key_prefix is None or record.selected_by(key_prefix)]
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
        return key_record(item)
