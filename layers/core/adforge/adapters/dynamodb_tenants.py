"""The tenant's item in the jobs table (`TENANT#<id>`): webhook signing secret and default recipe
(and the hashes of its API keys, `api_keys`, kept by adforge.tenants).

The item carries no `tenant_id`/`created_at`, so it never shows up in the per-tenant job listing.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from botocore.exceptions import ClientError

from adforge.ports.notifications import WebhookSecretMissing

WHSEC_PREFIX = "whsec_"
SECRET_BYTES = 32


def tenant_key(tenant_id: str) -> dict[str, str]:
    return {"pk": f"TENANT#{tenant_id}"}


def new_secret() -> str:
    """A Standard Webhooks symmetric secret: 32 random bytes, base64, `whsec_` prefix."""
    return WHSEC_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


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
