"""One cold import, run by `bench_cold` as `python3.12 -I -S -B bench_cold_probe.py '<spec json>'`; stdlib only.

`sys.path` as Lambda builds it (the task root, the layer's `python/lib/python3.12/site-packages` and `python/`,
then the standard library, then the runtime SDK), the spec's modules imported in order, and on stdout one
JSON line: the CPU time of those imports (`time.process_time`, this process's user + system time) and how many
modules they loaded. json is imported before timing, as Lambda's runtime has it loaded before the handler.
"""

from __future__ import annotations

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
    print(json.dumps({"ms": cpu * 1000, "modules": len(sys.modules) - before}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
