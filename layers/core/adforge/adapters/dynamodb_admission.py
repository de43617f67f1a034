"""Admission per vendor account in one DynamoDB item per bucket: the time its next slot is free.

A queue, not a bucket of retries: each caller takes the next free slot (`next_free`, advanced by one interval
per request) and is told how long until it starts, so a burst of executions is spread over the vendor's rate
instead of racing for it. Two writes at most, both conditional, never a read-modify-write loop:

- an idle bucket (`next_free` in the past, or absent) gives the slot "now" and moves `next_free` one interval on;
- a busy one is advanced atomically (`next_free = next_free + interval`), the caller's slot being the old value.

Slots are spaced `1 / (per_minute * SAFETY)` minutes apart: a request starts up to a second after its slot (the
Wait state counts whole seconds, and Lambdas start when they start), so without the margin two late slots could
put one request too many into a vendor's sliding minute.

A concurrency cap is a string set of job ids on its own item (`ADD` under a `size(...) < cap` condition), so
entering and leaving are idempotent and a holder counts once however often a step is retried.

Items expire two hours after they were last written (longer than any job's deadline, so no queued slot
outlives its item).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

SAFETY = 0.9
EXPIRE_AFTER_SECONDS = 7200


def _number(value: float) -> Decimal:
    return Decimal(str(round(value, 3)))


class DynamoDBAdmission:
    def __init__(self, table: Any, clock: Callable[[], float]) -> None:
        self._table = table
        self._clock = clock

    def reserve(self, bucket: str, per_minute: float, tokens: int = 1) -> float:
        interval = tokens * 60.0 / (per_minute * SAFETY)
        now = self._clock()
        key = {"pk": f"ADMIT#{bucket}"}
        try:  # idle: the slot is now
            self._table.update_item(
                Key=key,
                UpdateExpression="SET next_free = :next, expires_at = :expires",
                ConditionExpression="attribute_not_exists(next_free) OR next_free <= :now",
                ExpressionAttributeValues={
                    ":now": _number(now),
                    ":next": _number(now + interval),
                    ":expires": int(now) + EXPIRE_AFTER_SECONDS,
                },
            )
            return 0.0
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
        # busy: queue behind the last slot taken (atomic, so concurrent callers each get their own)
        answer = self._table.update_item(
            Key=key,
            UpdateExpression="SET next_free = next_free + :interval, expires_at = :expires",
            ExpressionAttributeValues={
                ":interval": _number(interval),
                ":expires": int(now) + EXPIRE_AFTER_SECONDS,
            },
            ReturnValues="UPDATED_NEW",
        )
        slot = float(answer["Attributes"]["next_free"]) - interval
        return max(0.0, slot - now)

    def hold_off(self, bucket: str, seconds: float) -> None:
        until = self._clock() + seconds
        try:
            self._table.update_item(
                Key={"pk": f"ADMIT#{bucket}"},
                UpdateExpression="SET next_free = :until, expires_at = :expires",
                ConditionExpression="attribute_not_exists(next_free) OR next_free < :until",
                ExpressionAttributeValues={":until": _number(until), ":expires": int(until) + EXPIRE_AFTER_SECONDS},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise  # a later slot is already set: the vendor's wait is covered

    def enter(self, bucket: str, holder: str, cap: int) -> bool:
        try:
            self._table.update_item(
                Key={"pk": f"ADMIT#{bucket}"},
                UpdateExpression="ADD holders :holder SET expires_at = :expires",
                ConditionExpression="attribute_not_exists(holders) OR size(holders) < :cap OR contains(holders, :id)",
                ExpressionAttributeValues={
                    ":holder": {holder},
                    ":id": holder,
                    ":cap": cap,
                    ":expires": int(self._clock()) + EXPIRE_AFTER_SECONDS,
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def leave(self, bucket: str, holder: str) -> None:
        self._table.update_item(
            Key={"pk": f"ADMIT#{bucket}"},
            UpdateExpression="DELETE holders :holder",
            ExpressionAttributeValues={":holder": {holder}},
        )

    def holders(self, bucket: str) -> frozenset[str]:
        item = self._table.get_item(Key={"pk": f"ADMIT#{bucket}"}, ConsistentRead=True).get("Item") or {}
        return frozenset(str(holder) for holder in item.get("holders", ()))
