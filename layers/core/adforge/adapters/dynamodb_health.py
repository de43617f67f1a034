"""Recent vendor-side failures, per vendor, in one small DynamoDB item (one read per routing decision).

Counts live in 5-minute windows (`<vendor>#<window>` attributes); "recent" is this window and the
previous one. The item expires 30 minutes after the last failure, so it cleans itself up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HEALTH_KEY = {"pk": "HEALTH"}
WINDOW_SECONDS = 300


class DynamoDBVendorHealth:
    def __init__(self, table: Any, clock: Callable[[], float]) -> None:
        self._table = table
        self._clock = clock

    def _window(self) -> int:
        return int(self._clock() // WINDOW_SECONDS)

    def record_failure(self, vendor: str) -> None:
        now = self._window()
        self._table.update_item(
            Key=HEALTH_KEY,
            UpdateExpression="ADD #now :one SET expires_at = :expires REMOVE #stale",
            ExpressionAttributeNames={"#now": f"{vendor}#{now}", "#stale": f"{vendor}#{now - 2}"},
            ExpressionAttributeValues={":one": 1, ":expires": int(self._clock()) + 6 * WINDOW_SECONDS},
        )

    def recent_failures(self) -> dict[str, int]:
        item = self._table.get_item(Key=HEALTH_KEY).get("Item") or {}
        now = self._window()
        counts: dict[str, int] = {}
        for attribute, value in item.items():
            vendor, _, window = attribute.rpartition("#")
            if vendor and window.lstrip("-").isdigit() and now - int(window) <= 1:
                counts[vendor] = counts.get(vendor, 0) + int(value)
        return counts
