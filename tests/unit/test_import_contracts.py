"""The import-linter contracts (pyproject.toml, run by `make lint`): they hold on the code, each one fails on a copy
that breaks it, and together they name every package of adforge."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}
PACKAGE = REPO / "layers/core/adforge"
LINT = Path(sys.executable).with_name("lint-imports")

# one import per contract that only that kind of code may not make: (file, the line added)
BREAKS = {
    "layers": ("ports/jobs.py", "import adforge.services.outcomes"),
    "domain": ("domain/status.py", "import httpx"),
    "services": ("services/discard.py", "import boto3"),
    "ports": ("ports/assets.py", "import adforge.settings"),
    "implementations": ("adapters/eventbridge.py", "import adforge.services.outcomes"),
    "wiring": ("api/views.py", "import adforge.adapters.dynamodb_jobs"),
    "vendors-apart": ("vendors/adsumo/transform.py", "import adforge.adapters.ssrf_guard"),
}


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "layers/core"), "COLUMNS": "400"}  # one line per contract name
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, check=False)


def broken(output: str) -> set[str]:
    names = {contract["name"]: contract_id for contract_id, contract in CONTRACTS.items()}
    section = output.split("Broken contracts", 1)[-1] if "Broken contracts" in output else ""
    return {contract_id for name, contract_id in names.items() if f"\n{name}\n" in section}


def test_the_code_keeps_every_contract():
    result = lint(REPO)
    assert result.returncode == 0, result.stdout
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


@pytest.mark.parametrize("contract_id", sorted(BREAKS))
def test_each_contract_fails_on_a_copy_that_breaks_it(tmp_path, contract_id):
    shutil.copytree(PACKAGE, tmp_path / "layers/core/adforge", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    file, line = BREAKS[contract_id]
    path = tmp_path / "layers/core/adforge" / file
    path.write_text(path.read_text() + f"\n{line}  # a deliberate break\n")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert contract_id in broken(result.stdout), result.stdout


def test_every_contract_has_its_break():
    assert set(BREAKS) == set(CONTRACTS)


@pytest.mark.parametrize("contract_id", ["domain", "services", "ports"])
def test_the_inner_layers_are_forbidden_every_package_outside_them(contract_id):
    """A package added to adforge must be named: the inner layers may import it only if it is listed as allowed."""
    allowed = {"domain": {"domain"}, "services": {"domain", "ports", "services"}, "ports": {"domain", "ports"}}[contract_id]
    ours = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir() if not path.name.startswith("__")}
    forbidden = {module.removeprefix("adforge.") for module in CONTRACTS[contract_id]["forbidden_modules"]}
    assert ours - allowed <= forbidden


def test_every_package_of_adforge_is_in_a_contract():
    named = {module for contract in CONTRACTS.values() for key in ("layers", "source_modules", "protected_modules", "modules")
             for module in contract.get(key, [])}  # fmt: skip
    tops = {module.split(".")[1] for module in named if module.count(".") >= 1}
    ours = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir() if not path.name.startswith("__")}
    assert ours - tops <= {"settings"}  # typed settings: read by the composition root and the authorizer only


ENTRYPOINT_IMPORTS = ("adforge.bootstrap", "adforge.api", "adforge.domain")


@pytest.mark.parametrize("handler", sorted((REPO / "functions").glob("*/app.py")), ids=lambda path: path.parent.name)
def test_each_handler_imports_only_the_composition_root_the_api_and_the_domain(handler):
    """functions/*/app.py are no packages import-linter can see: each builds nothing itself, it asks bootstrap."""
    imported = set()
    for node in ast.walk(ast.parse(handler.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    ours = {name for name in imported if name.startswith("adforge.")}
    assert ours, "a handler that imports nothing of ours proves nothing"
    assert all(name.startswith(ENTRYPOINT_IMPORTS) for name in ours), sorted(ours)
