"""The `sam build`s: the template as written (deployable), and a copy retargeted to this host's architecture.

The retargeted copy differs in its architectures alone (`retarget`), so that a host that cannot load
the deployable build's native wheels still runs everything else of it; `artifact` checks the two agree.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

from adforge_local.readiness.paths import REPO
from adforge_local.readiness.template import (
    FUNCTION,
    LAYER,
    Template,
    TemplateError,
    function_globals,
    function_property,
    resources,
    serverless_functions,
)

HOST_ARCH = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


@dataclass
class Build:
    arch: str
    purpose: str
    template: Path  # what `sam build` is given
    root: Path  # .aws-sam-check/<arch>/
    seconds: float = 0.0
    warm: bool = False
    ok: bool = False
    env: dict[str, str] = field(default_factory=dict)  # set for `sam build` (and so for layers/core/Makefile)

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def log(self) -> Path:
        return self.root / "sam-build.log"


def deploy_architecture(template: Template) -> str:
    """The one architecture the template builds for (functions and layers alike)."""
    found = {
        str(a) for name in serverless_functions(template) for a in function_property(template, name, "Architectures", ["x86_64"])
    }
    found |= {str(layer.get("Metadata", {}).get("BuildArchitecture", "x86_64")) for layer in resources(template, LAYER).values()}
    if len(found) != 1:
        raise TemplateError(f"the template mixes architectures: {sorted(found)}")
    return found.pop()


def retarget(template: Template, arch: str) -> Template:
    """A copy of the template with every function and layer built for `arch`; nothing else differs."""
    copy = deepcopy(template)
    shared = function_globals(copy)
    in_globals = "Architectures" in shared
    if in_globals:
        shared["Architectures"] = [arch]
    for resource in resources(copy, FUNCTION, LAYER).values():
        props = resource.setdefault("Properties", {})
        if resource["Type"] == FUNCTION and ("Architectures" in props or not in_globals):
            props["Architectures"] = [arch]
        if resource["Type"] == LAYER:
            if "CompatibleArchitectures" in props:
                props["CompatibleArchitectures"] = [arch]
            resource.setdefault("Metadata", {})["BuildArchitecture"] = arch
    return copy


def plan_builds(source: Template, template: Path, check_dir: Path) -> list[Build]:
    """The deployable build, and when this host cannot run it, the retargeted one that is run (last)."""
    deploy_arch = deploy_architecture(source)
    host_arch = HOST_ARCH.get(platform.machine().lower(), platform.machine())
    builds = [Build(deploy_arch, "as the template says (deployable)", template, check_dir / deploy_arch)]
    if host_arch != deploy_arch:
        root = check_dir / host_arch
        root.mkdir(parents=True, exist_ok=True)
        retargeted = root / "template.json"
        retargeted.write_text(json.dumps(retarget(source, host_arch), indent=1, default=str))
        purpose = f"retargeted to this {platform.machine()} host, to run"
        # a makefile build sees no architecture (SAM gives it ARTIFACTS_DIR alone): the deployable build runs with
        # the Makefile's default, so that deploy-check checks that default against the template; this one is told
        builds.append(Build(host_arch, purpose, retargeted, root, env={"LAYER_ARCH": host_arch}))
    for build in builds:
        build.root.mkdir(parents=True, exist_ok=True)
    return builds


def sam_build(sam: Path, python: Path, build: Build, base_dir: Path = REPO) -> None:
    """`sam build --cached` into the build's directory, with `python` first on PATH; times and logs it.
    `base_dir` holds the code the template's paths name (another checkout for `bench cold --source`)."""
    cache = build.root / "cache"
    build.warm = (build.root / "build.toml").exists()
    command = [
        str(sam),
        "build",
        "--template-file",
        str(build.template),
        "--base-dir",
        str(base_dir),
        "--build-dir",
        str(build.build_dir),
        "--cache-dir",
        str(cache),
        "--cached",
        "--config-file",
        str(base_dir / "samconfig.toml"),
    ]
    path = f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    inherited = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LAYER_ARCH")}  # the build's own only
    env = {**inherited, **build.env, "SAM_CLI_TELEMETRY": "0", "PATH": path}
    started = time.perf_counter()
    with build.log.open("w") as log:  # cwd: SAM keeps the dependencies of `--cached` builds in ./.aws-sam/deps/
        done = subprocess.run(command, cwd=build.root, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    build.seconds = time.perf_counter() - started
    build.ok = done.returncode == 0
