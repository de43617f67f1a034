"""The layer's compiled bytecode: every `.py` has a `.pyc` of exactly its bytes, that Lambda's Python loads unchecked.

layers/core/Makefile compiles with `--invalidation-mode unchecked-hash` (why: its header comment), so at import
nothing compares a `.pyc` with its source; a stale one would run silently. This check is what guards that: each
`__pycache__/<name>.cpython-312.pyc` carries Python 3.12's magic number, PEP 552's hash-based unchecked flags and
the hash of its source's current bytes (importlib's own `source_hash`), and no `.pyc` is without its source.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

CACHE_TAG = "cpython-312"
HASH_BASED = 0b01  # PEP 552 flags: bit 0 hash-based, bit 1 check_source (clear: unchecked)
HEADER = 16  # magic (4), flags (4), source hash (8)
SHOWN = 5


def cached_path(source: Path) -> Path:
    """Where Python 3.12 looks for a module's bytecode (`importlib.util.cache_from_source`, without -O)."""
    return source.parent / "__pycache__" / f"{source.stem}.{CACHE_TAG}.pyc"


def pyc_problem(source: Path) -> str | None:
    """Why the `.pyc` of this source would not be what Lambda's python3.12 runs for it, or None when it is."""
    pyc = cached_path(source)
    if not pyc.is_file():
        return "no .pyc"
    with pyc.open("rb") as handle:
        header = handle.read(HEADER)
    if header[:4] != importlib.util.MAGIC_NUMBER:
        return f"magic {header[:4].hex()}, not Python 3.12's"
    flags = int.from_bytes(header[4:8], "little")
    if flags != HASH_BASED:
        return "timestamp-based" if flags == 0 else "checked-hash" if flags == 0b11 else f"flags {flags:#x}"
    if header[8:16] != importlib.util.source_hash(source.read_bytes()):
        return "stale (compiled from other bytes)"
    return None


def python_sources(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.py")) if "__pycache__" not in p.parts]


def bytecode_problems(site: Path) -> list[str]:
    """Each problem of the layer's `python/` bytecode, a few named and the rest counted."""
    if sys.version_info[:2] != (3, 12):  # the magic number and the hash key are this interpreter's
        return [f"bytecode not verifiable from Python {sys.version_info[0]}.{sys.version_info[1]}; run the check on 3.12"]
    sources = python_sources(site)
    found = [(source, pyc_problem(source)) for source in sources]
    bad = [f"{source.relative_to(site)}: {problem}" for source, problem in found if problem]
    orphans = [
        str(pyc.relative_to(site))
        for pyc in sorted(site.rglob("__pycache__/*.pyc"))
        if not (pyc.parent.parent / f"{pyc.name.split('.', 1)[0]}.py").is_file()
    ]
    problems = []
    if bad:
        problems.append(f"{len(bad)} of {len(sources)} .py without a fresh unchecked .pyc: {', '.join(bad[:SHOWN])}")
    if orphans:
        problems.append(f"{len(orphans)} .pyc without their source: {', '.join(orphans[:SHOWN])}")
    return problems
