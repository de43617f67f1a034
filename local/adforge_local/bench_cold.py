"""`make bench`, cold part (issue 12): each function's cold import from the `sam build` output, against a bare
`import boto3, aws_lambda_powertools`, as a ratio of CPU times. Printed, never asserted.

For every function of the template, a fresh `python3.12 -I -S -B` (bench_cold_probe.py) with `sys.path` as Lambda
builds it (the function's built code dir, the built layer's `python/`, the standard library, the runtime SDK: as
`make deploy-check` runs them) and the function's template environment plus Lambda's own variables
(readiness.environment) measures the CPU time (`time.process_time`) of importing the handler module; the same
kind of process, same path and environment, measures the bare `import boto3, aws_lambda_powertools`. The two
alternate (handler first on even runs, bare first on odd ones), `--runs` times each; the medians are compared.
CPU time rather than wall time: on a shared 2-core machine it does not count the time waiting for a core.

`first_ms` (and `first`, its ratio to the bare import) adds the handler's first invocation with its events/
sample to the import: the HTTP functions, the product worker and the X-Ray Tracer are built at the first call
(adforge/api/lazy.py), and each builder of the composition root runs then too, so this shows what moved out of
the import rather than away. AWS is a stub that refuses every call, so it ends at the first AWS call (a lower
bound: a vendor package, for one, loads only when its vendor is called). Only the import is held to 1.3x.

Two layers are measured, from one build: as built (layers/core/Makefile compiles every `.py` to unchecked-hash
bytecode) and a copy of it without any `__pycache__` (source only, as `BuildMethod: python3.12` made it: every
module compiled at each cold start, since Lambda's /opt is read-only). The bare baseline is measured against the
same layer as the handler, since Powertools comes from it. The build is readiness's host build (`sam build
--cached` in .aws-sam-check/, so after `make deploy-check` nothing is rebuilt); `--source DIR` builds another
checkout's template.yaml as it is (into .aws-sam-check/bench/) to measure its code.

`python -m adforge_local.bench cold [--python P] [--sam S] [--source DIR] [--runs N] [--function F ...]`
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from adforge_local.readiness.__main__ import find_python
from adforge_local.readiness.artifact import built_layer, pins
from adforge_local.readiness.aws_stub import aws_stub
from adforge_local.readiness.builds import Build, plan_builds, sam_build
from adforge_local.readiness.bytecode import cached_path, python_sources
from adforge_local.readiness.environment import function_spec, lambda_environment, template_environment
from adforge_local.readiness.function_check import sample_events
from adforge_local.readiness.paths import CHECK_DIR, REPO, shown
from adforge_local.readiness.runtime_sdk import runtime_sdk
from adforge_local.readiness.template import Deployment, Template, deployment_from_samconfig, load_template, serverless_functions

LIMIT = 1.3  # issue 12: every function's cold import within 1.3x the bare one
BARE = ("boto3", "aws_lambda_powertools")
RUNS = 7
PROBE = Path(__file__).with_name("bench_cold_probe.py")


@dataclass(frozen=True)
class Target:
    """One function's process: what it imports, its code, its layer (/opt), the runtime SDK, its environment."""

    logical: str
    module: str
    task_root: Path
    opt_dir: Path
    sdk_dir: Path
    env: dict[str, str]
    event: Path | None = None  # a sample event for the first invocation (events/)


@dataclass(frozen=True)
class Sample:
    ms: float  # CPU time of the imports
    modules: int  # modules they loaded
    first_ms: float | None = None  # CPU time of the imports and the first invocation (with an event)


Measure = Callable[[Target, Sequence[str]], Sample]


@dataclass(frozen=True)
class Row:
    logical: str
    import_ms: float
    bare_ms: float
    modules: int
    bare_modules: int
    first_ms: float | None = None  # import + first invocation (to its first AWS call): not what LIMIT is about

    @property
    def ratio(self) -> float:
        return self.import_ms / self.bare_ms

    @property
    def first_ratio(self) -> float | None:
        return self.first_ms / self.bare_ms if self.first_ms is not None else None

    @property
    def over(self) -> bool:
        return self.ratio > LIMIT


def measure_rows(targets: Sequence[Target], measure: Measure, runs: int = RUNS) -> list[Row]:
    """Per target, `runs` handler imports and `runs` bare ones, alternating which goes first; their medians."""
    rows = []
    for target in targets:
        handler: list[Sample] = []
        bare: list[Sample] = []
        for run in range(runs):
            pair = [(handler, (target.module,)), (bare, BARE)]
            for samples, modules in reversed(pair) if run % 2 else pair:
                samples.append(measure(target, modules))
        rows.append(
            Row(
                target.logical,
                statistics.median(s.ms for s in handler),
                statistics.median(s.ms for s in bare),
                round(statistics.median(s.modules for s in handler)),
                round(statistics.median(s.modules for s in bare)),
                statistics.median(firsts) if (firsts := [s.first_ms for s in handler if s.first_ms is not None]) else None,
            )
        )
    return rows


def table(rows: Sequence[Row], title: str) -> list[str]:
    """The printed table: a title, a header, one line per function (`> 1.3x` flagged), and the verdict."""
    header = f"{'Function':24} {'import_ms':>9} {'bare_ms':>8} {'ratio':>6} {'modules':>7} {'first_ms':>8} {'first':>6}"
    lines = [title, f"  {header}"]
    for row in rows:
        flag = f"  > {LIMIT}x" if row.over else ""
        first = f"{'-':>8} {'-':>6}" if row.first_ratio is None else f"{row.first_ms:8.1f} {row.first_ratio:5.2f}x"
        measured = f"{row.import_ms:9.1f} {row.bare_ms:8.1f} {row.ratio:5.2f}x {row.modules:7d}"
        lines.append(f"  {row.logical:24} {measured} {first}{flag}")
    over = [row.logical for row in rows if row.over]
    bare = f"bare import of {', '.join(BARE)}: {max((r.bare_modules for r in rows), default=0)} modules"
    verdict = f"{len(over)} of {len(rows)} over {LIMIT}x" if over else f"all {len(rows)} within {LIMIT}x"
    lines.append(f"  {verdict} ({bare})")
    return lines


class ProcessMeasure:
    """A `Measure` that runs the probe in a fresh clean interpreter for every sample."""

    def __init__(self, python: Path, timeout_s: float = 120) -> None:
        self.python = python
        self.timeout_s = timeout_s

    def __call__(self, target: Target, modules: Sequence[str]) -> Sample:
        spec = {
            "task_root": str(target.task_root),
            "opt_dir": str(target.opt_dir),
            "sdk_dir": str(target.sdk_dir),
            "modules": list(modules),
            "event": str(target.event) if target.event is not None and tuple(modules) != BARE else None,
            "function_name": target.logical,
        }
        command = [str(self.python), "-I", "-S", "-B", str(PROBE), json.dumps(spec)]
        done = subprocess.run(  # noqa: S603 - our interpreter, our script
            command, cwd=target.task_root, env=target.env, capture_output=True, text=True, timeout=self.timeout_s, check=False
        )
        if done.returncode:
            raise RuntimeError(f"{target.logical}: importing {', '.join(modules)} failed:\n{done.stderr[-2000:]}")
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        first = answer.get("first_ms")
        return Sample(float(answer["ms"]), int(answer["modules"]), float(first) if first is not None else None)


def targets(
    build: Build, built: Template, deployment: Deployment, sdk: Path, names: Sequence[str], source: Template | None = None
) -> list[Target]:
    """Each named function of the built template as its process would be set up, with the first events/ sample
    of its code dir in the `source` template (the built one names the build's dirs)."""
    found = []
    for logical in names:
        spec = function_spec(built, logical, deployment)
        if len(spec.layers) != 1 or spec.external_layers:
            raise SystemExit(f"bench cold: {logical} has {len(spec.layers)} layers of the template; one is measured")
        task_root = build.build_dir / spec.code_uri
        env = lambda_environment(spec, template_environment(built, logical, deployment), deployment, str(task_root), str(sdk))
        env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(build.root / "no-aws-config")  # not the host's
        opt_dir = built_layer(build.build_dir, built, spec.layers[0])
        code_uri = function_spec(source, logical, deployment).code_uri if source is not None else spec.code_uri
        samples = sample_events(REPO / "events", code_uri)
        event = samples[0] if samples else None
        found.append(Target(logical, spec.handler.rsplit(".", 1)[0], task_root, opt_dir, sdk, env, event))
    return found


def source_only(opt_dir: Path, into: Path) -> Path:
    """A copy of a built layer without any bytecode (`__pycache__`), as the python3.12 builder made it."""
    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(opt_dir, into, ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
    return into


def bytecode_share(opt_dir: Path) -> str:
    """How much of the layer is compiled: 'n of m .py'."""
    sources = python_sources(opt_dir / "python")
    return f"{sum(1 for p in sources if cached_path(p).is_file())} of {len(sources)} .py compiled"


@contextmanager
def no_aws(found: Sequence[Target]) -> Iterator[list[Target]]:
    """The targets with AWS_ENDPOINT_URL at a stub that fails every call (an import should make none)."""
    with aws_stub() as stub:
        url = f"http://127.0.0.1:{stub.server_address[1]}"
        yield [replace(t, env={**t.env, "AWS_ENDPOINT_URL": url, "AWS_MAX_ATTEMPTS": "1"}) for t in found]
        if stub.calls:
            print(f"  note: AWS calls made (first invocations end at their first): {', '.join(dict.fromkeys(stub.calls))}")


def check_dir_for(tree: Path) -> Path:
    """readiness's own build dirs for this repository; a directory of its own for another checkout."""
    if tree == REPO:
        return CHECK_DIR
    return CHECK_DIR / "bench" / f"{tree.name}-{hashlib.sha256(str(tree).encode()).hexdigest()[:8]}"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    python = find_python(args.python)
    tree: Path = args.source.resolve() if args.source else REPO
    check_dir = check_dir_for(tree)
    template_path = tree / "template.yaml"
    source = load_template(template_path)
    unknown = set(args.function or ()) - set(serverless_functions(source))
    if unknown:
        print(f"bench cold: no such function in {shown(template_path)}: {', '.join(sorted(unknown))}")
        return 2
    build = plan_builds(source, template_path, check_dir)[-1]  # the one this host runs
    sam_build(args.sam.absolute(), python, build, base_dir=tree)
    if not build.ok:
        print(f"bench cold: sam build of {shown(template_path)} failed, see {shown(build.log)}")
        return 1
    built = load_template(build.build_dir / "template.yaml")
    sdk_pins = {name: v for name, v in pins(REPO / "requirements-dev.txt").items() if name in ("boto3", "botocore")}
    sdk = runtime_sdk(python, sdk_pins, CHECK_DIR)
    names = [name for name in serverless_functions(source) if not args.function or name in args.function]
    measure = ProcessMeasure(python)
    found = targets(build, built, deployment_from_samconfig(tree / "samconfig.toml"), sdk, names, source)
    opt_dir = found[0].opt_dir if found else build.build_dir
    stripped = source_only(opt_dir, check_dir / "bench-source-only" / opt_dir.name)
    variants = [
        ("as built", found, bytecode_share(opt_dir)),
        ("source only", [replace(t, opt_dir=stripped) for t in found], "no .pyc"),
    ]
    where = f"{tree} at {_commit(tree)}, sam build {build.arch} ({build.seconds:.1f} s) -> {shown(build.build_dir)}"
    print(f"cold import, CPU ms, median of {args.runs} alternating runs each; {where}")
    for label, group, share in variants:
        with no_aws(group) as ready:
            rows = measure_rows(ready, measure, args.runs)
        for line in table(rows, f"layer {label} ({share}):"):
            print(line)
    return 0


def _commit(tree: Path) -> str:
    """The checkout's commit, and whether its working tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603, S607

    dirty = " + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return (git("rev-parse", "--short", "HEAD") or "no commit") + dirty


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m adforge_local.bench cold", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--python", help="the Python 3.12 to run the functions with (default: as make deploy-check)")
    parser.add_argument("--sam", type=Path, default=REPO / ".venv-sam" / "bin" / "sam")
    parser.add_argument("--source", type=Path, help="another checkout whose template.yaml is built and measured")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"samples of each import per function (default {RUNS})")
    parser.add_argument("--function", action="append", help="measure only this function (repeatable)")
    return parser
