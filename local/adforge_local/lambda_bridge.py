"""Runs moto's Lambda invocations the way Lambda does: each function in execution environments of its own.

The one Lambda patch into moto (`LambdaFunction._invoke_lambda`, which otherwise needs Docker). moto is
pinned exactly and tests/integration/test_lambda_bridge.py fails loudly if this seam moves.

An execution environment is a process (`lambda_runtime.py`) started for one function on its first use and
reused while warm, so both cold and warm starts happen. It sees only the variables the template gives that
function plus what Lambda itself sets (region, function name, memory, log names, and the credentials of the
function's own execution role); its code dir is the task root and the layer is laid out as `/opt/python`.
Concurrent invocations get separate environments, up to `concurrency` per function (later ones wait for
one to be free: a local stand-in for Lambda scaling out). A handler past the function's Timeout is killed
and reported as `Sandbox.Timedout`, like Lambda.

Where the local stack differs from AWS, on purpose: `AWS_ENDPOINT_URL` points the SDK at moto, and the
Python packages beside the layer are the dev virtualenv's (the deploy-readiness check runs the built
artifact with only boto3, as Lambda does).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from moto.awslambda.models import LambdaFunction

ORIGINAL = LambdaFunction._invoke_lambda
RUNTIME = Path(__file__).with_name("lambda_runtime.py")
INIT_SECONDS = 20.0  # Lambda allows 10 s for init; a loaded 2-core test machine gets twice that

Credentials = Callable[[str], dict[str, str]]  # role ARN -> AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN


@dataclass(frozen=True)
class FunctionSpec:
    """One function as the template defines it."""

    name: str
    arn: str
    code_dir: Path
    handler: str  # "module.function"
    timeout: float
    memory: int
    role_arn: str
    environment: dict[str, str] = field(default_factory=dict)


class EnvironmentFailed(Exception):
    """The execution environment ended without answering: (errorType, errorMessage)."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


class Environment:
    """One execution environment: a process serving one invocation at a time."""

    def __init__(self, spec: FunctionSpec, variables: dict[str, str], opt_dir: Path, log: IO[bytes]) -> None:
        self.spec = spec
        self.warm = False  # has served an invocation
        self._ready = False  # has imported its handler
        command = [sys.executable, "-I", str(RUNTIME), str(spec.code_dir), str(opt_dir), spec.handler]
        self._process = subprocess.Popen(  # noqa: S603 - our own runtime script, by absolute path
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=variables, cwd=spec.code_dir
        )

    def invoke(self, event: Any, request_id: str) -> dict[str, Any]:
        """The runtime's answer (`payload` or `error`); raises `EnvironmentFailed` when it times out or dies."""
        assert self._process.stdin is not None and self._process.stdout is not None
        if not self._ready:
            self._read_line(time.time() + INIT_SECONDS, "Runtime.InitTimeout", "the init phase timed out")
            self._ready = True
        deadline = time.time() + self.spec.timeout
        request = {"event": event, "request_id": request_id, "deadline_ms": int(deadline * 1000)}
        try:
            self._process.stdin.write((json.dumps(request) + "\n").encode())
            self._process.stdin.flush()
        except BrokenPipeError as error:
            raise self._exited() from error
        answer = self._read_line(deadline, "Sandbox.Timedout", f"Task timed out after {self.spec.timeout:.2f} seconds")
        self.warm = True
        return answer

    def _read_line(self, deadline: float, error_type: str, message: str) -> dict[str, Any]:
        assert self._process.stdout is not None
        ready, _, _ = select.select([self._process.stdout], [], [], max(0.0, deadline - time.time()))
        if not ready:
            self.kill()
            raise EnvironmentFailed(error_type, message)
        line = self._process.stdout.readline()
        if not line:
            raise self._exited()
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _exited(self) -> EnvironmentFailed:
        code = self._process.wait(5)
        return EnvironmentFailed("Runtime.ExitError", f"Runtime exited with error: exit status {code}")

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(5)


class FunctionPool:
    """The execution environments of one function: idle ones are reused, at most `limit` exist."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.idle: list[Environment] = []
        self.count = 0
        self._free = threading.Condition()

    @contextmanager
    def environment(self, start: Callable[[], Environment]) -> Iterator[Environment]:
        with self._free:
            while not self.idle and self.count >= self.limit:
                self._free.wait()
            reused = self.idle.pop() if self.idle else None
            if reused is None:
                self.count += 1
        try:
            current = reused or start()
        except BaseException:
            self._discard()
            raise
        try:
            yield current
        except BaseException:  # timed out, exited, or left in an unknown state: never reused
            current.kill()
            self._discard()
            raise
        with self._free:
            self.idle.append(current)
            self._free.notify()

    def _discard(self) -> None:
        with self._free:
            self.count -= 1
            self._free.notify()

    def close(self) -> None:
        with self._free:
            environments, self.idle = self.idle, []
        for environment in environments:
            environment.kill()


@dataclass
class Invocation:
    """What the bridge measured of one invocation (cold: a new environment served it)."""

    function: str
    cold: bool
    seconds: float
    error_type: str | None


class LambdaBridge:
    def __init__(
        self, opt_dir: Path, log_dir: Path, credentials: Credentials, lambda_environment: dict[str, str], concurrency: int = 4
    ) -> None:
        self.opt_dir = opt_dir
        self.log_dir = log_dir
        self.credentials = credentials
        self.lambda_environment = lambda_environment  # what Lambda sets in every function (region, endpoint)
        self.concurrency = concurrency
        self.specs: dict[str, FunctionSpec] = {}
        self.record: list[Invocation] = []
        self._pools: dict[str, FunctionPool] = {}
        self._lock = threading.Lock()
        self._started = 0
        self._previous: Any = None

    @property
    def invocations(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for invocation in list(self.record):
            counts[invocation.function] = counts.get(invocation.function, 0) + 1
        return counts

    def register(self, spec: FunctionSpec) -> None:
        self.specs[spec.name] = spec
        self._pools[spec.name] = FunctionPool(self.concurrency)

    def install(self) -> None:
        """Functions this bridge does not know go to whatever handled them before (another bridge, or moto)."""
        bridge = self
        previous = self._previous = LambdaFunction._invoke_lambda

        def invoke(function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
            if function.function_name not in bridge.specs:
                return previous(function, event)
            return bridge.call(function.function_name, event)

        LambdaFunction._invoke_lambda = invoke  # type: ignore[method-assign, assignment]

    def uninstall(self) -> None:
        if self._previous is not None:
            LambdaFunction._invoke_lambda = self._previous  # type: ignore[method-assign]
            self._previous = None
        for pool in self._pools.values():
            pool.close()

    def call(self, function_name: str, event: Any) -> tuple[str, bool, str]:
        """Returns moto's (payload, errored, logs); errors carry errorType like real Lambda."""
        payload = json.loads(event) if isinstance(event, str | bytes) else (event or {})
        spec, started = self.specs[function_name], time.perf_counter()
        cold, error_type = False, None
        try:
            with self._pools[function_name].environment(lambda: self._start(spec)) as environment:
                cold = not environment.warm
                answer = environment.invoke(payload, str(uuid.uuid4()))
        except EnvironmentFailed as failed:
            answer = {"error": {"errorType": failed.error_type, "errorMessage": str(failed)}}
        if "error" in answer:
            error_type = answer["error"].get("errorType")
        with self._lock:
            self.record.append(Invocation(function_name, cold, time.perf_counter() - started, error_type))
        if "error" in answer:
            return json.dumps(answer["error"]), True, ""
        return json.dumps(answer["payload"]), False, ""

    def _start(self, spec: FunctionSpec) -> Environment:
        with self._lock:
            self._started += 1
            number = self._started
        log_stream = f"local/{number}"
        variables = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(spec.code_dir),
            "LAMBDA_RUNTIME_DIR": str(RUNTIME.parent),
            "_HANDLER": spec.handler,
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
            "ADFORGE_LOCAL_FUNCTION_ARN": spec.arn,
            **self.lambda_environment,
            **self.credentials(spec.role_arn),
            **spec.environment,
        }
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"{spec.name}.log").open("ab") as log:
            return Environment(spec, variables, self.opt_dir, log)

    def cold_starts(self) -> dict[str, float]:
        """The first cold invocation's seconds per function (start, import and handler)."""
        first: dict[str, float] = {}
        for invocation in list(self.record):
            if invocation.cold:
                first.setdefault(invocation.function, invocation.seconds)
        return first


def lay_out_opt(layer_dirs: list[Path], opt_dir: Path) -> Path:
    """`/opt` as Lambda extracts a Python layer: its packages under `python/` (linked, not copied)."""
    python = opt_dir / "python"
    python.mkdir(parents=True, exist_ok=True)
    for layer in layer_dirs:
        for entry in layer.iterdir():
            if entry.is_dir() and not entry.name.startswith((".", "__")):
                target = python / entry.name
                if not target.exists():
                    target.symlink_to(entry, target_is_directory=True)
    return opt_dir
