"""`python -m adforge_local.readiness`: the builds, their artifacts, then every function; one verdict, exit 0 when ready.

Prints each build's time and findings, one line per function, then `deploy-check: ready: <n> functions`
or what is not ready. Exit status 1 when any build, artifact or function is not, 2 for an unknown
`--function`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import adforge_local.readiness
from adforge_local.readiness.artifact import compare_artifacts, pins, verify_artifact
from adforge_local.readiness.builds import Build, plan_builds, sam_build
from adforge_local.readiness.environment import RUNTIME
from adforge_local.readiness.function_check import Run, check_function
from adforge_local.readiness.paths import CHECK_DIR, REPO, shown
from adforge_local.readiness.runtime_sdk import runtime_sdk
from adforge_local.readiness.template import Template, deployment_from_samconfig, load_template, serverless_functions


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    python = find_python(args.python)
    if (version := _python_version(python)) != "3.12":
        print(f"deploy-check: {python} is Python {version}; the functions run on {RUNTIME}")
        return 1
    source = load_template(args.template.resolve())
    unknown = set(args.function or ()) - set(serverless_functions(source))
    if unknown:
        print(f"deploy-check: no such function in the template: {', '.join(sorted(unknown))}")
        return 2
    check_dir: Path = args.check_dir.resolve()
    builds = plan_builds(source, args.template.resolve(), check_dir)
    with ThreadPoolExecutor(max_workers=2) as pool:  # the two builds side by side
        list(pool.map(lambda build: sam_build(args.sam.absolute(), python, build), builds))
    sound = _report_builds(builds, source)
    if not builds[-1].ok:
        print(f"deploy-check: NOT READY (no {builds[-1].arch} build to run), {time.perf_counter() - started:.1f} s")
        return 1
    sdk_pins = {name: v for name, v in pins(REPO / "requirements-dev.txt").items() if name in ("boto3", "botocore")}
    run = Run(
        build=builds[-1],
        built=load_template(builds[-1].build_dir / "template.yaml"),
        source=source,
        deployment=deployment_from_samconfig(REPO / "samconfig.toml"),
        python=python,
        sdk=runtime_sdk(python, sdk_pins, check_dir),
        run_dir=check_dir / "run",
        events_dir=REPO / "events",
    )
    shutil.rmtree(run.run_dir, ignore_errors=True)
    run.run_dir.mkdir(parents=True)
    names = [name for name in serverless_functions(source) if not args.function or name in args.function]
    print(f"functions ({RUNTIME} -I -S -B; sys.path: task root, layer, stdlib, {shown(run.sdk)}):")
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda name: check_function(name, run), names))
    for result in results:
        print(result.line())
    not_ready = [r.logical for r in results if not r.ready]
    elapsed = time.perf_counter() - started
    if not_ready:
        print(f"deploy-check: NOT READY: {', '.join(not_ready)} (logs: {shown(run.run_dir)}/<Function>.log), {elapsed:.1f} s")
    else:
        print(f"deploy-check: {'ready' if sound else 'NOT READY (artifact)'}: {len(results)} functions, {elapsed:.1f} s")
    return 0 if sound and not not_ready else 1


def _parser() -> argparse.ArgumentParser:
    overview = (adforge_local.readiness.__doc__ or "").split("\n", 1)[0]
    parser = argparse.ArgumentParser(prog="python -m adforge_local.readiness", description=overview)
    parser.add_argument("--python", help="the Python 3.12 interpreter (default: pyenv's newest 3.12, else python3.12)")
    parser.add_argument("--sam", type=Path, default=REPO / ".venv-sam" / "bin" / "sam")
    parser.add_argument("--check-dir", type=Path, default=CHECK_DIR, help="build dirs and caches (default .aws-sam-check/)")
    parser.add_argument("--template", type=Path, default=REPO / "template.yaml", help="code paths relative to the repo")
    parser.add_argument("--function", action="append", help="check only this function (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="functions checked at once (default 2)")
    return parser


def find_python(given: str | None) -> Path:
    """The interpreter to run functions with and to build with: the given one, else pyenv's newest 3.12."""
    pyenv = sorted(
        Path("/root/.pyenv/versions").glob("3.12*/bin/python3.12"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parts[-3])],
    )
    candidates = [given] if given else [*(str(p) for p in reversed(pyenv)), "python3.12"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return Path(found)
    raise SystemExit(f"deploy-check: no python3.12 found ({', '.join(candidates)})")


def _python_version(python: Path) -> str:
    probe = [str(python), "-I", "-S", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
    return subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def _report_builds(builds: list[Build], source: Template) -> bool:
    """Prints each build's time and findings, then how the two builds compare; True when every artifact is sound."""
    sound = True
    for build in builds:
        cache = "cached" if build.warm else "cold cache"
        print(f"sam build {build.arch:7} {build.purpose}: {build.seconds:5.1f} s ({cache}) -> {shown(build.build_dir)}")
        if not build.ok:
            tail = "\n".join(build.log.read_text().splitlines()[-15:])
            print(f"  FAILED, see {shown(build.log)}:\n{tail}")
            sound = False
            continue
        problems, notes = verify_artifact(build, source)
        for note in notes:
            print(f"  {note}")
        sound = _print_problems(problems) and sound
    if len(builds) == 2 and all(b.ok for b in builds):
        if _print_problems(compare_artifacts(builds[0], builds[1], source)):
            same = "file for file, but native binaries and their wheel metadata"
            print(f"  {builds[1].arch} build = {builds[0].arch} build {same}")
        else:
            sound = False
    return sound


def _print_problems(problems: list[str]) -> bool:
    """Prints each problem; True when there were none."""
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    return not problems


if __name__ == "__main__":
    sys.exit(main())
