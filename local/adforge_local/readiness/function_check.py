"""One function in its own clean interpreter: the runner's spec and environment, the run, and its result line.

The process is `python3.12 -I -S -B runner.py <spec.json>` in the function's task root, with the
function's Lambda-like environment and AWS_ENDPOINT_URL at a fresh `aws_stub`; its report is checked
for a clean `sys.path` and each invocation judged by `outcomes`. Logs go to `<run dir>/<Function>.log`.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adforge_local.readiness.artifact import built_layer
from adforge_local.readiness.aws_stub import aws_stub
from adforge_local.readiness.builds import Build
from adforge_local.readiness.environment import LAMBDA_RESERVED, function_spec, lambda_environment, template_environment
from adforge_local.readiness.outcomes import classify, classify_import
from adforge_local.readiness.paths import shown
from adforge_local.readiness.template import Deployment, Template, TemplateError, function_property

RUNNER = Path(__file__).with_name("runner.py")


@dataclass
class FunctionResult:
    logical: str
    log: Path
    ready: bool = False
    import_ms: float | None = None
    outcomes: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        verdict = "ready    " if self.ready else "NOT READY"
        cold = f"{self.import_ms:6.0f} ms" if self.import_ms is not None else "     - ms"
        said = "; ".join(self.problems + self.outcomes)
        calls = f" [AWS calls: {', '.join(dict.fromkeys(self.calls))}]" if self.calls else ""
        return f"{verdict} {self.logical:23} cold import {cold}  {said}{calls}"


@dataclass(frozen=True)
class Run:
    """What every function's check shares: the build it runs, the interpreter, the runtime SDK, where to write."""

    build: Build
    built: Template  # the template `sam build` wrote (code locations)
    source: Template  # template.yaml (code dirs, which name the samples)
    deployment: Deployment
    python: Path
    sdk: Path
    run_dir: Path
    events_dir: Path


def sample_events(events_dir: Path, code_uri: str) -> list[Path]:
    """`events/<code dir>.json` and `events/<code dir>_<case>.json` (how tests/e2e/test_sample_events.py names them)."""
    folder = Path(code_uri).name
    return sorted(p for p in events_dir.glob(f"{folder}*.json") if p.stem == folder or p.stem.startswith(f"{folder}_"))


def check_function(logical: str, run: Run) -> FunctionResult:
    """Import the handler and invoke it with each sample, in a clean interpreter against a fresh AWS stub."""
    result = FunctionResult(logical, run.run_dir / f"{logical}.log")
    prepared = _prepare(logical, run, result)
    if prepared is None:
        return result
    runner_spec, env = prepared
    spec_path = run.run_dir / f"{logical}.spec.json"
    spec_path.write_text(json.dumps(runner_spec, indent=1))
    result_path = Path(runner_spec["result"])
    result_path.unlink(missing_ok=True)
    timeout = 60 + int(runner_spec["context"]["timeout_s"]) * len(runner_spec["events"])
    with aws_stub() as stub, result.log.open("w") as log:
        env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{stub.server_address[1]}"
        command = [str(run.python), "-I", "-S", "-B", str(RUNNER), str(spec_path)]
        try:
            subprocess.run(  # noqa: S603 - our interpreter, our script
                command, cwd=runner_spec["task_root"], env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            result.problems.append(f"timed out after {timeout} s")
        result.calls = list(stub.calls)
    if not result.problems and not result_path.exists():
        result.problems.append(f"the runner died before reporting (see {shown(result.log)})")
    if not result.problems:
        _judge(json.loads(result_path.read_text()), runner_spec, result)
    return result


def _prepare(logical: str, run: Run, result: FunctionResult) -> tuple[dict[str, Any], dict[str, str]] | None:
    """(runner spec, environment) for one function, or None with `result.problems` saying why not."""
    spec = function_spec(run.built, logical, run.deployment)
    try:
        variables = template_environment(run.built, logical, run.deployment)
    except TemplateError as error:
        result.problems.append(f"environment: {error}")
        return None
    reserved = sorted(LAMBDA_RESERVED & set(variables))
    if reserved:
        result.problems.append(f"sets Lambda's reserved variables {reserved}")
    if spec.external_layers:
        result.problems.append(f"layers this check cannot provide: {', '.join(spec.external_layers)}")
    code_dir = str(function_property(run.source, logical, "CodeUri", ""))
    events = sample_events(run.events_dir, code_dir)
    if not events:
        result.problems.append(f"no events/{Path(code_dir).name}*.json sample")
    opt_dirs = [built_layer(run.build.build_dir, run.built, layer) for layer in spec.layers]
    if len(opt_dirs) != 1:
        result.problems.append(f"{len(opt_dirs)} layers: this check runs with exactly one as /opt")
    if result.problems:
        return None
    task_root = run.build.build_dir / spec.code_uri
    env = lambda_environment(spec, variables, run.deployment, str(task_root), str(run.sdk))
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(run.run_dir / "no-aws-config")  # not the host's
    runner_spec = {
        "task_root": str(task_root),
        "opt_dir": str(opt_dirs[0]),
        "sdk_dir": str(run.sdk),
        "handler": spec.handler,
        "events": [str(p) for p in events],
        "tracing": spec.tracing,
        "result": str(run.run_dir / f"{logical}.result.json"),
        "context": {
            "function_name": spec.function_name,
            "function_arn": f"arn:aws:lambda:{run.deployment.region}:{run.deployment.account}:function:{spec.function_name}",
            "memory_mb": spec.memory_mb,
            "log_group": env["AWS_LAMBDA_LOG_GROUP_NAME"],
            "log_stream": env["AWS_LAMBDA_LOG_STREAM_NAME"],
            "timeout_s": spec.timeout_s,
        },
    }
    return runner_spec, env


def _judge(report: Mapping[str, Any], runner_spec: Mapping[str, Any], result: FunctionResult) -> None:
    """The runner's report into `result`: a clean path first, then the import, then each invocation."""
    leaks = foreign_paths(report, runner_spec)
    if leaks:
        result.problems.append(f"not a clean interpreter: sys.path also holds {', '.join(leaks)}")
        return
    result.import_ms = report["import_ms"]
    if "import_error" in report:
        result.problems.append(classify_import(report["import_error"]).summary)
        _append_traceback(result.log, report["import_error"])
        return
    result.ready = True
    for invocation in report["invocations"]:
        outcome = classify(invocation)
        result.ready = result.ready and outcome.ready
        result.outcomes.append(f"{invocation['event']}: {outcome.summary}")
        if not outcome.ready and "error" in invocation:
            _append_traceback(result.log, invocation["error"])


def foreign_paths(report: Mapping[str, Any], runner_spec: Mapping[str, Any]) -> list[str]:
    """`sys.path` entries of the function's process that are neither its code, its layer, the runtime SDK
    nor the interpreter's own standard library (no site-packages of any kind)."""
    layer = Path(runner_spec["opt_dir"]) / "python"
    ours = {runner_spec["task_root"], str(layer / "lib" / "python3.12" / "site-packages"), str(layer), runner_spec["sdk_dir"]}
    base = Path(report["base_prefix"])
    return [
        entry
        for entry in report["sys_path"]
        if entry not in ours and not (Path(entry).is_relative_to(base) and "site-packages" not in Path(entry).parts)
    ]


def _append_traceback(log: Path, error: Mapping[str, Any]) -> None:
    with log.open("a") as handle:
        handle.write("\n--- deploy-check: traceback ---\n" + str(error.get("traceback", "")))
