"""Tenants and their API keys: keys are shown once and stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

KEY_PREFIX = "afk_"


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def key_item_key(api_key: str) -> dict[str, str]:
    return {"pk": f"APIKEY#{key_hash(api_key)}"}


class TenantKeys:
    """API key -> tenant, over the jobs table (items `APIKEY#<sha256>`)."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def issue(self, tenant_id: str) -> str:
        """A new key for `tenant_id`; the plain key exists only in the return value."""
        api_key = KEY_PREFIX + secrets.token_urlsafe(32)
        self._table.put_item(
            Item={**key_item_key(api_key), "tenant_id": tenant_id, "kind": "api_key"},
            ConditionExpression="attribute_not_exists(pk)",
        )
        return api_key

    def tenant_for(self, api_key: str) -> str | None:
        if not api_key.startswith(KEY_PREFIX) or len(api_key) > 128:
            return None
        item = self._table.get_item(Key=key_item_key(api_key)).get("Item")
        return str(item["tenant_id"]) if item else None
