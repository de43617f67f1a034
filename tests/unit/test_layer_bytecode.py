"""The deploy check's bytecode rule (adforge_local.readiness.bytecode): every .py of the layer has a fresh unchecked .pyc."""

import py_compile
from pathlib import Path

from adforge_local.readiness.bytecode import bytecode_problems, cached_path, pyc_problem


def module(site: Path, relative: str, text: str = "VALUE = 1\n") -> Path:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def compiled(source: Path, mode: py_compile.PycInvalidationMode = py_compile.PycInvalidationMode.UNCHECKED_HASH) -> Path:
    return Path(py_compile.compile(str(source), cfile=str(cached_path(source)), invalidation_mode=mode, doraise=True))


def test_a_layer_compiled_unchecked_hash_has_no_problem(tmp_path):
    for relative in ("adforge/__init__.py", "adforge/domain/models.py", "pydantic/main.py"):
        compiled(module(tmp_path, relative))
    assert bytecode_problems(tmp_path) == []


def test_a_source_changed_after_compiling_is_stale(tmp_path):
    source = module(tmp_path, "adforge/settings.py")
    compiled(source)
    source.write_text("VALUE = 2\n")
    assert pyc_problem(source) == "stale (compiled from other bytes)"
    assert bytecode_problems(tmp_path) == [
        "1 of 1 .py without a fresh unchecked .pyc: adforge/settings.py: stale (compiled from other bytes)"
    ]


def test_timestamp_and_checked_bytecode_and_a_missing_pyc_are_each_named(tmp_path):
    timestamp = compiled(module(tmp_path, "a.py"), py_compile.PycInvalidationMode.TIMESTAMP)
    checked = compiled(module(tmp_path, "b.py"), py_compile.PycInvalidationMode.CHECKED_HASH)
    missing = module(tmp_path, "c.py")
    assert pyc_problem(tmp_path / "a.py") == "timestamp-based"
    assert pyc_problem(tmp_path / "b.py") == "checked-hash"
    assert pyc_problem(missing) == "no .pyc"
    assert timestamp.exists() and checked.exists()
    assert bytecode_problems(tmp_path)[0].startswith("3 of 3 .py without a fresh unchecked .pyc: a.py: timestamp-based")


def test_bytecode_of_another_python_is_refused(tmp_path):
    source = module(tmp_path, "a.py")
    pyc = compiled(source)
    pyc.write_bytes(b"\x00\x00\r\n" + pyc.read_bytes()[4:])
    assert pyc_problem(source) == "magic 00000d0a, not Python 3.12's"


def test_a_pyc_without_its_source_is_a_problem(tmp_path):
    source = module(tmp_path, "gone.py")
    compiled(source)
    source.unlink()
    assert bytecode_problems(tmp_path) == ["1 .pyc without their source: __pycache__/gone.cpython-312.pyc"]
