"""One function's cold start and invocations, inside the clean interpreter `function_check` starts.

A standalone script, standard library only: it runs as `python3.12 -I -S -B runner.py <spec.json>` (no
sibling module is importable: -I puts neither this directory nor any site-packages on `sys.path`), and
it builds `sys.path` the way Lambda's python3.12 runtime does:
the task root, the layer's `/opt/python` equivalent, the interpreter's standard library, then the
runtime's boto3/botocore directory last.

The spec (JSON) names `task_root`, `opt_dir`, `sdk_dir`, `handler`, `events` (paths), `context`
(function name, ARN, memory, log group and stream, timeout), `tracing` and `result` (the path this
writes). Nothing is classified here: each exception is reported as its chain of links (the qualified
names of every class in each link's MRO, the message, how it was chained), with the members of an
aggregate (exception group, Powertools' BatchProcessingError) and, after a partial batch response, the
record failures the module's batch processor caught; the check judges them.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

MAX_CHAIN = 8
MAX_CHILDREN = 10


class Context:
    """The Lambda context object, as handlers and Powertools read it."""

    def __init__(self, spec: dict[str, Any], deadline: float) -> None:
        self.function_name: str = spec["function_name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn: str = spec["function_arn"]
        self.memory_limit_in_mb = int(spec["memory_mb"])
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name: str = spec["log_group"]
        self.log_stream_name: str = spec["log_stream"]
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def describe(error: BaseException) -> dict[str, Any]:
    """The exception and what it was raised from (`cause`) or while handling (`context`)."""
    links: list[dict[str, Any]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    via = "raised"
    while current is not None and id(current) not in seen and len(links) < MAX_CHAIN:
        seen.add(id(current))
        links.append({"via": via, "types": [_qualified(c) for c in type(current).__mro__], "message": str(current)[:400]})
        if current.__cause__ is not None:
            current, via = current.__cause__, "cause"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, via = current.__context__, "context"
        else:
            current = None
    frames = traceback.format_exception(type(error), error, error.__traceback__)
    found: dict[str, Any] = {"chain": links, "traceback": "".join(frames)[-4000:]}
    children = _children(error)
    if children:
        found["children"] = [describe(child) for child in children[:MAX_CHILDREN]]
    return found


def _children(error: BaseException) -> list[BaseException]:
    """The errors an aggregate stands for: an exception group's, or Powertools' BatchProcessingError's."""
    if isinstance(error, BaseExceptionGroup):
        return list(error.exceptions)
    return _failures(getattr(error, "child_exceptions", None))


def _failures(items: Any) -> list[BaseException]:
    """Exceptions from a list of them or of `sys.exc_info()` tuples (how Powertools' batch processors keep them)."""
    if not isinstance(items, list):
        return []
    found = [item[1] if isinstance(item, tuple) and len(item) == 3 else item for item in items]
    return [item for item in found if isinstance(item, BaseException)]


def _batch_failures(module: Any) -> list[BaseException]:
    """After a partial batch response: what the module's batch processors caught while the handler ran."""
    found: list[BaseException] = []
    for value in vars(module).values():
        if not isinstance(value, type) and hasattr(value, "exceptions") and hasattr(value, "success_messages"):
            found += _failures(value.exceptions)
    return found


def _invoke(module: Any, handler: Any, event_path: str, spec: dict[str, Any]) -> dict[str, Any]:
    event = json.loads(Path(event_path).read_text())
    if spec["tracing"]:  # set per invocation by the runtime when active tracing is on
        os.environ["_X_AMZN_TRACE_ID"] = (
            f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=1"
        )
    context = Context(spec["context"], time.time() + float(spec["context"]["timeout_s"]))
    started = time.perf_counter()
    try:
        payload = handler(event, context)
        json.dumps(payload)  # an answer Lambda cannot serialise is the handler's error
    except BaseException as error:  # every failure is reported, SystemExit included
        return {"event": Path(event_path).name, "ms": _ms(started), "error": describe(error)}
    answer: dict[str, Any] = {"event": Path(event_path).name, "ms": _ms(started), "returned": {}}
    if isinstance(payload, dict) and "statusCode" in payload:
        answer["returned"]["status"] = payload["statusCode"]
        answer["returned"]["code"] = _error_code(payload.get("body"))
    if isinstance(payload, dict) and payload.get("batchItemFailures"):  # a partial batch response hides why
        answer["returned"]["batch_item_failures"] = len(payload["batchItemFailures"])
        answer["failures"] = [describe(error) for error in _batch_failures(module)[:MAX_CHILDREN]]
    return answer


def _error_code(body: Any) -> str | None:
    """`error.code` of an HTTP answer in the API's one error shape."""
    try:
        error = json.loads(body).get("error") if isinstance(body, str) else None
    except (ValueError, AttributeError):
        return None
    return str(error.get("code")) if isinstance(error, dict) else None


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    opt = spec["opt_dir"]
    sys.path[:0] = [
        spec["task_root"],
        os.path.join(opt, "python", "lib", "python3.12", "site-packages"),
        os.path.join(opt, "python"),
    ]
    sys.path.append(spec["sdk_dir"])
    os.chdir(spec["task_root"])
    result: dict[str, Any] = {"python": sys.version.split()[0], "base_prefix": sys.base_prefix, "sys_path": list(sys.path)}
    module_name, attribute = spec["handler"].rsplit(".", 1)
    started = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
        handler = getattr(module, attribute)
    except BaseException as error:  # an init failure is the finding
        result.update(import_ms=_ms(started), import_error=describe(error), invocations=[])
    else:
        result["import_ms"] = _ms(started)
        result["invocations"] = [_invoke(module, handler, path, spec) for path in spec["events"]]
    sys.stdout.flush()
    Path(spec["result"]).write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
