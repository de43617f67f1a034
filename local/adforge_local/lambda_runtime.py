"""One Lambda execution environment: the process the local stack's bridge starts for one function.

Run as a script in isolated mode (`python -I lambda_runtime.py <task root> <opt dir> <handler>`) with only
the environment Lambda would give the function. Standard library only, like Lambda's own bootstrap: the
function's code dir (the task root) and the layer's `/opt/python` come first on `sys.path`, the handler
module is imported once (the cold start) and then serves one invocation at a time.

Protocol: `{"ready": true}` on the original stdout once the handler module is imported (or failed to),
then one JSON line per invocation on stdin (`event`, `request_id`, `deadline_ms`) and one JSON line per
answer on stdout (`payload` or `error`). The handler's own stdout and stderr (its logs) go
to stderr, which the bridge points at the function's log file.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any


class Context:
    """The Lambda context object: what handlers and Powertools read."""

    def __init__(self, request_id: str, deadline_ms: int) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = os.environ["ADFORGE_LOCAL_FUNCTION_ARN"]
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def failure(error: BaseException) -> dict[str, Any]:
    return {
        "errorType": type(error).__name__,
        "errorMessage": str(error),
        "stackTrace": traceback.format_tb(error.__traceback__)[-5:],
    }


def main(task_root: str, opt_dir: str, handler_name: str) -> None:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # print() and log handlers write to the log, never into the protocol
    sys.stdout = sys.stderr
    sys.path[:0] = [task_root, os.path.join(opt_dir, "python")]
    os.chdir(task_root)
    module_name, attribute = handler_name.rsplit(".", 1)
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
        init_error: dict[str, Any] | None = None
    except Exception as error:  # Lambda reports an init failure on every invocation
        handler, init_error = None, {**failure(error), "errorType": f"Runtime.ImportModuleError: {type(error).__name__}"}
    answers.write(json.dumps({"ready": True}) + "\n")  # the init phase is over
    answers.flush()
    for line in sys.stdin:
        answers.write(answer_line(handler, init_error, json.loads(line)) + "\n")
        answers.flush()


def answer_line(handler: Any, init_error: dict[str, Any] | None, request: dict[str, Any]) -> str:
    if init_error is not None:
        return json.dumps({"error": init_error})
    try:
        result = handler(request["event"], Context(request["request_id"], int(request["deadline_ms"])))
    except Exception as error:
        return json.dumps({"error": failure(error)})
    finally:
        sys.stderr.flush()
    try:
        return json.dumps({"payload": result})
    except (TypeError, ValueError) as error:  # as Lambda: an unserialisable result is the function's error
        return json.dumps({"error": {**failure(error), "errorType": "Runtime.MarshalError"}})


if __name__ == "__main__":
    main(*sys.argv[1:4])
