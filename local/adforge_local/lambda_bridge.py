"""Runs moto's Lambda invocations in-process: the handler the template names, imported from its code dir.

The one patch into moto (`LambdaFunction._invoke_lambda`, which otherwise needs Docker). moto is
pinned exactly and tests/integration/test_lambda_bridge.py fails loudly if this seam moves.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from moto.awslambda.models import LambdaFunction

ORIGINAL = LambdaFunction._invoke_lambda


@dataclass(frozen=True)
class Entry:
    code_dir: Path
    handler: str  # "module.function"


class _Context:
    """The parts of the Lambda context object handlers and Powertools read."""

    def __init__(self, function: LambdaFunction) -> None:
        self.function_name = function.function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.function_arn
        self.memory_limit_in_mb = int(function.memory_size)
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.function_name}"
        self.log_stream_name = "local"
        self._timeout_ms = int(function.timeout) * 1000

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout_ms


class LambdaBridge:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.invocations: dict[str, int] = {}
        self._modules: dict[str, ModuleType] = {}
        self._lock = threading.Lock()
        self._previous: Any = None

    def register(self, function_name: str, code_dir: Path, handler: str) -> None:
        self.entries[function_name] = Entry(code_dir, handler)

    def install(self) -> None:
        """Functions this bridge does not know go to whatever handled them before (another bridge, or moto)."""
        bridge = self
        previous = self._previous = LambdaFunction._invoke_lambda

        def invoke(function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
            if function.function_name not in bridge.entries:
                return previous(function, event)
            return bridge.call(function, event)

        LambdaFunction._invoke_lambda = invoke  # type: ignore[method-assign, assignment]

    def uninstall(self) -> None:
        if self._previous is not None:
            LambdaFunction._invoke_lambda = self._previous  # type: ignore[method-assign]
            self._previous = None

    def call(self, function: LambdaFunction, event: Any) -> tuple[str, bool, str]:
        """Returns moto's (payload, errored, logs); errors carry errorType like real Lambda."""
        payload = json.loads(event) if isinstance(event, str | bytes) else (event or {})
        entry = self.entries[function.function_name]
        module_name, attribute = entry.handler.rsplit(".", 1)
        with self._lock:
            self.invocations[function.function_name] = self.invocations.get(function.function_name, 0) + 1
        try:
            handler = getattr(self._module(function.function_name, entry, module_name), attribute)
            result = handler(payload, _Context(function))
        except Exception as error:
            failure = {
                "errorType": type(error).__name__,
                "errorMessage": str(error),
                "stackTrace": traceback.format_tb(error.__traceback__)[-5:],
            }
            return json.dumps(failure), True, ""
        return json.dumps(result), False, ""

    def _module(self, function_name: str, entry: Entry, module_name: str) -> ModuleType:
        with self._lock:
            if function_name not in self._modules:
                path = entry.code_dir / (module_name.replace(".", "/") + ".py")
                spec = importlib.util.spec_from_file_location(f"lambda_{function_name.replace('-', '_')}", path)
                assert spec is not None and spec.loader is not None, f"cannot load {path}"
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)  # the cold start
                self._modules[function_name] = module
            return self._modules[function_name]
