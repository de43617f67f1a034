"""boto3 and botocore and their dependencies alone, as the python3.12 runtime ships them, installed once per pin set."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from adforge_local.readiness.artifact import distributions

RUNTIME_SDK_CLOSURE = frozenset({"boto3", "botocore", "jmespath", "s3transfer", "python_dateutil", "six", "urllib3"})


def runtime_sdk(python: Path, sdk_pins: Mapping[str, str], cache: Path) -> Path:
    """The directory of the runtime SDK at these pins (`<cache>/runtime-sdk/<hash>`), pip-installed when not yet there."""
    wanted = [f"{name}=={version}" for name, version in sorted(sdk_pins.items())]
    target = cache / "runtime-sdk" / hashlib.sha256(" ".join(wanted).encode()).hexdigest()[:12]
    marker = target / ".complete"
    if marker.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    command = [
        str(python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--compile",
        "--target",
        str(target),
        "--only-binary=:all:",
        *wanted,
    ]
    hidden = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")  # the runtime's is compiled
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"pip install of the runtime SDK failed:\n{done.stdout}{done.stderr}")
    installed = set(distributions(target))
    if not set(sdk_pins) <= installed <= RUNTIME_SDK_CLOSURE:
        raise RuntimeError(f"{target}: expected only {sorted(RUNTIME_SDK_CLOSURE)}, found {sorted(installed)}")
    marker.write_text(" ".join(wanted))
    return target
