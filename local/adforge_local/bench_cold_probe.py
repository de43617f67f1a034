"""One cold import, run by `bench_cold` as `python3.12 -I -S -B bench_cold_probe.py '<spec json>'`; stdlib only.

`sys.path` as Lambda builds it (the task root, the layer's `python/lib/python3.12/site-packages` and `python/`,
then the standard library, then the runtime SDK), the spec's modules imported in order, and on stdout one
JSON line: the CPU time of those imports (`time.process_time`, this process's user + system time) and how many
modules they loaded. json is imported before timing, as Lambda's runtime has it loaded before the handler.

With an `event` (a path), the last module's `lambda_handler` is then invoked once with it and a Lambda context,
and `first_ms` is the CPU time of the imports and that first invocation together (`first_modules` what both
loaded): what the handler builds at its first call (adforge/api/lazy.py) counts there. The AWS endpoint is a
stub that refuses every call, so the invocation ends at its first AWS call (an error, caught): a lower bound.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import time


def main(spec_json: str) -> int:
    spec = json.loads(spec_json)
    sys.path[:0] = [
        spec["task_root"],
        os.path.join(spec["opt_dir"], "python", "lib", "python3.12", "site-packages"),
        os.path.join(spec["opt_dir"], "python"),
    ]
    sys.path.append(spec["sdk_dir"])
    before = len(sys.modules)
    started = time.process_time()
    for name in spec["modules"]:
        importlib.import_module(name)
    cpu = time.process_time() - started
    answer = {"ms": cpu * 1000, "modules": len(sys.modules) - before}
    if spec.get("event"):
        with open(spec["event"], encoding="utf-8") as sample:
            event = json.load(sample)
        handler = sys.modules[spec["modules"][-1]].lambda_handler
        with contextlib.suppress(Exception):  # the stub refuses every AWS call: the invocation ends there
            handler(event, Context(spec.get("function_name", "bench")))
        answer.update(first_ms=(time.process_time() - started) * 1000, first_modules=len(sys.modules) - before)
    print(json.dumps(answer))
    return 0


class Context:
    """The Lambda context as handlers and Powertools read it."""

    function_version, memory_limit_in_mb, aws_request_id = "$LATEST", 512, "bench-cold-probe"
    log_group_name = log_stream_name = "bench"
    identity = client_context = None

    def __init__(self, name: str) -> None:
        self.function_name = name
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
