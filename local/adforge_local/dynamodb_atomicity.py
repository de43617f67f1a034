"""DynamoDB calls are atomic, as in AWS: one lock around each call moto's DynamoDB handler serves.

DynamoDB applies a conditional write to an item atomically: two callers cannot both see the condition hold.
moto 5.2.5 checks the condition and then writes with no lock, so concurrent requests (the threaded moto server,
or threads against `mock_aws`) can both pass it: a lost update that AWS would never allow, which hid in tests
exactly the races conditional writes are there to stop (admission slots, job versions). Serialising the whole
handler is stricter than AWS's per-item atomicity and costs nothing at local scale. Guarded by
tests/integration/test_moto_seams.py.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.dynamodb.responses import DynamoHandler

ORIGINAL_CALL_ACTION = DynamoHandler.call_action
LOCK = threading.RLock()


def _call_action(handler: DynamoHandler) -> Any:
    with LOCK:
        return ORIGINAL_CALL_ACTION(handler)


def install() -> None:
    DynamoHandler.call_action = _call_action  # type: ignore[method-assign]


def uninstall() -> None:
    DynamoHandler.call_action = ORIGINAL_CALL_ACTION  # type: ignore[method-assign]
