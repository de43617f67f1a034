"""Where the check reads (the repository) and writes (.aws-sam-check/), and how its output names paths."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CHECK_DIR = REPO / ".aws-sam-check"


def shown(path: Path) -> str:
    """The path relative to the repository when it is inside it."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)
