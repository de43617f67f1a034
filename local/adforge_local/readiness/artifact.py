"""What a build put on disk, checked against the source and, for the retargeted build, against the deployable one.

Each function's handler file, runtime, architecture and code; the layer's own packages file for file,
every pin of its requirements.txt at its version, each binary wheel's tags (CPython 3.12, manylinux for
the architecture, glibc no newer than Lambda's), every ELF file's machine, and the layer's bytecode (`bytecode`:
a fresh `.pyc` for every `.py`). Bytecode is derived, so the two builds are compared by their sources alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from adforge_local.readiness.builds import Build
from adforge_local.readiness.bytecode import bytecode_problems, python_sources
from adforge_local.readiness.environment import RUNTIME, function_spec
from adforge_local.readiness.paths import REPO, shown
from adforge_local.readiness.template import (
    FUNCTION,
    LAYER,
    Deployment,
    Template,
    function_property,
    load_template,
    resources,
    serverless_functions,
)

LAMBDA_GLIBC = (2, 34)  # the python3.12 runtime is Amazon Linux 2023
ELF_MACHINE = {62: "x86_64", 183: "arm64"}
WHEEL_ARCH = {"x86_64": "x86_64", "arm64": "aarch64"}
LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
NOT_PORTABLE = re.compile(r"(\.so(\.\d+)*$|\.dist-info/(RECORD|WHEEL|sboms/.*)$)")  # native binaries, their wheel metadata


def elf_machine(path: Path) -> str | None:
    with path.open("rb") as handle:
        header = handle.read(20)
    if header[:4] != b"\x7fELF":
        return None
    machine = int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
    return ELF_MACHINE.get(machine, f"e_machine {machine}")


def wheel_problems(tags: Sequence[str], arch: str) -> list[str]:
    """A binary wheel's tags must all be CPython 3.12 (or abi3) manylinux for `arch`, glibc <= Lambda's."""
    problems = []
    for tag in tags:
        python_tag, abi, platform_tag = tag.split("-")
        if abi not in ("cp312", "abi3", "none") or not python_tag.startswith(("cp3", "py3")):
            problems.append(f"{tag}: not for CPython 3.12")
        for one in platform_tag.split("."):
            match = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", one)
            legacy = re.fullmatch(r"(manylinux1|manylinux2010|manylinux2014)_(\w+)", one)
            if match:
                glibc, machine = (int(match.group(1)), int(match.group(2))), match.group(3)
            elif legacy:
                glibc, machine = LEGACY_MANYLINUX[legacy.group(1)], legacy.group(2)
            else:
                problems.append(f"{tag}: {one} is not a manylinux platform")
                continue
            if machine != WHEEL_ARCH[arch]:
                problems.append(f"{tag}: built for {machine}, not {WHEEL_ARCH[arch]}")
            if glibc > LAMBDA_GLIBC:
                problems.append(f"{tag}: needs glibc {glibc[0]}.{glibc[1]}, Lambda has {LAMBDA_GLIBC[0]}.{LAMBDA_GLIBC[1]}")
    return problems


def _distribution_name(name: str) -> str:
    """A distribution's name normalised (`Python-Dateutil` and `python_dateutil` are one)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def distributions(site: Path) -> dict[str, str]:
    """Installed distributions in a directory: normalised name -> version."""
    found = {}
    for info in site.glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        found[_distribution_name(name)] = version
    return found


def pins(requirements: Path) -> dict[str, str]:
    """The `name==version` lines of a requirements file: normalised name -> version."""
    found = {}
    for line in requirements.read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==", 1)
            found[_distribution_name(name.split("[")[0].strip())] = version.strip()
    return found


def _digests(root: Path, pattern: str, keep: Callable[[str], bool] = lambda _: True) -> dict[str, str]:
    """Files under `root` matching `pattern` (bytecode caches aside) that `keep` accepts: relative path -> sha256."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob(pattern))
        if p.is_file() and "__pycache__" not in p.parts and keep(str(p.relative_to(root)))
    }


def _py_files(root: Path) -> dict[str, str]:
    return _digests(root, "*.py")


def portable_digest(root: Path) -> dict[str, str]:
    """Every file of an artifact but the native binaries and their wheel metadata: relative path -> sha256."""
    return _digests(root, "*", lambda relative: not NOT_PORTABLE.search(relative))


def verify_artifact(build: Build, source: Template) -> tuple[list[str], list[str]]:
    """(problems, notes) of one build directory against the source template."""
    built_path = build.build_dir / "template.yaml"
    if not built_path.exists():
        return [f"{shown(built_path)} missing"], []
    built = load_template(built_path)
    problems = _verify_functions(build, source, built)
    notes: list[str] = []
    for logical, resource in resources(source, LAYER).items():
        problems += _verify_layer(build, logical, REPO / resource["Properties"]["ContentUri"], built, notes)
    for binary in sorted(build.build_dir.rglob("*.so*")):
        machine = elf_machine(binary) if binary.is_file() else None
        if machine is not None and machine != build.arch:
            problems.append(f"{binary.relative_to(build.build_dir)}: ELF for {machine}, not {build.arch}")
    return problems, notes


def _verify_functions(build: Build, source: Template, built: Template) -> list[str]:
    problems = []
    for logical in serverless_functions(source):
        if logical not in built.get("Resources", {}):
            problems.append(f"{logical}: not in the built template")
            continue
        spec = function_spec(built, logical, Deployment())
        task_root = build.build_dir / spec.code_uri
        module = spec.handler.rsplit(".", 1)[0].replace(".", "/")
        if not ((task_root / f"{module}.py").is_file() or (task_root / module / "__init__.py").is_file()):
            problems.append(f"{logical}: handler {spec.handler} has no {module}.py in {shown(task_root)}")
        if spec.runtime != RUNTIME:
            problems.append(f"{logical}: runtime {spec.runtime}, expected {RUNTIME}")
        if spec.architectures != (build.arch,):
            problems.append(f"{logical}: architectures {list(spec.architectures)}, built for {build.arch}")
        source_code = REPO / str(function_property(source, logical, "CodeUri"))
        if task_root.is_dir() and _py_files(source_code) != _py_files(task_root):
            problems.append(f"{logical}: built code differs from {shown(source_code)}")
    return problems


def built_layer(build_dir: Path, built: Template, logical: str) -> Path:
    """Where the build put a layer: its `/opt` (the packages are in its `python/`)."""
    return build_dir / str(built["Resources"][logical]["Properties"]["ContentUri"])


def _verify_layer(build: Build, logical: str, source_dir: Path, built: Template, notes: list[str]) -> list[str]:
    """The layer's own packages file for file, every pin (requirements.txt and requirements-nodeps.txt) at its
    version, binary wheels for the architecture."""
    site = built_layer(build.build_dir, built, logical) / "python"
    if not site.is_dir():
        return [f"{logical}: {shown(site)} missing"]
    problems = [
        f"{logical}: package {package.name} in the layer differs from {shown(package)}"
        for package in sorted(p for p in source_dir.iterdir() if (p / "__init__.py").is_file())
        if _py_files(package) != _py_files(site / package.name)
    ]
    installed = distributions(site)
    pinned: dict[str, str] = {}
    for requirements in (source_dir / "requirements.txt", source_dir / "requirements-nodeps.txt"):
        pinned |= pins(requirements) if requirements.exists() else {}
    for name, version in pinned.items():
        if installed.get(name) != version:
            problems.append(f"{logical}: {name}=={version} pinned, layer has {installed.get(name, 'nothing')}")
    for info in sorted(site.glob("*.dist-info")):
        wheel = (info / "WHEEL").read_text() if (info / "WHEEL").exists() else ""
        if "Root-Is-Purelib: false" in wheel:
            tags = re.findall(r"^Tag: (\S+)$", wheel, re.MULTILINE)
            problems += [f"{logical}: {info.name}: {p}" for p in wheel_problems(tags, build.arch)]
            notes.append(f"native: {info.name.removesuffix('.dist-info')} ({', '.join(tags)})")
    bytecode = bytecode_problems(site)
    problems += [f"{logical}: {problem}" for problem in bytecode]
    if not bytecode:
        notes.append(f"bytecode: each of the {len(python_sources(site))} .py in {logical} has its unchecked-hash .pyc")
    return problems


def compare_artifacts(deployed: Build, run: Build, source: Template) -> list[str]:
    """What the host build runs must be the deployable artifact but for its native binaries."""
    problems = []
    for logical in resources(source, FUNCTION, LAYER):
        a, b = deployed.build_dir / logical, run.build_dir / logical
        if (a / "python").is_dir() and distributions(a / "python") != distributions(b / "python"):
            problems.append(f"{logical}: {deployed.arch} and {run.arch} layers hold different distributions")
        left, right = portable_digest(a), portable_digest(b)
        differing = sorted(set(left) ^ set(right) | {k for k in set(left) & set(right) if left[k] != right[k]})
        if differing:
            problems.append(f"{logical}: {deployed.arch} and {run.arch} builds differ in {', '.join(differing[:5])}")
    return problems
