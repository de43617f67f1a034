"""`Idempotency-Key` on POST /v1/jobs, with Powertools Idempotency over the jobs table.

The key is scoped by tenant; the stored response is returned for a retry with the same body, a
different body under the same key is a conflict, and a retry while the first call still runs is told
so. A failed first call leaves no record, so the retry really retries.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function

KEY_TTL_SECONDS = 24 * 3600
CONFIG = IdempotencyConfig(
    event_key_jmespath="[tenant, key]", payload_validation_jmespath="body", expires_after_seconds=KEY_TTL_SECONDS
)
"""Handlers call `CONFIG.register_lambda_context(context)` so an in-progress record expires with the invocation."""

Create = Callable[[str, dict[str, Any]], dict[str, Any]]


@cache
def once(table_name: str, create: Create) -> Callable[[str, str, dict[str, Any]], dict[str, Any]]:
    """Wrap `create(tenant, body) -> response` so it runs at most once per (tenant, key)."""
    persistence = DynamoDBPersistenceLayer(
        table_name=table_name,
        key_attr="pk",
        expiry_attr="expires_at",
        in_progress_expiry_attr="in_progress_expires_at",
        status_attr="idempotency_status",
        data_attr="idempotency_data",
        validation_key_attr="idempotency_validation",
    )

    def run(call: dict[str, Any]) -> dict[str, Any]:
        return create(call["tenant"], call["body"])

    guarded = idempotent_function(data_keyword_argument="call", config=CONFIG, persistence_store=persistence)(run)

    def call(tenant: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(guarded(call={"tenant": tenant, "key": key, "body": body}))

    return call
