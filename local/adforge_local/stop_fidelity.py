"""A stopped execution ends ABORTED, as in AWS, whatever the task it interrupted then reports.

moto 5.2.5's executor, stopped during a `.waitForTaskToken` wait, lets the interrupted wait raise
`States.Timeout` and records that over the stop, so DescribeExecution says FAILED. This keeps a stopped
program stopped (`Environment.set_error` / `set_timed_out` leave a `ProgramStopped` alone). moto is pinned
exactly and tests/integration/test_moto_seams.py fails loudly if this moves.
"""

from __future__ import annotations

from typing import Any

from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

ORIGINAL_SET_ERROR = Environment.set_error
ORIGINAL_SET_TIMED_OUT = Environment.set_timed_out


def _set_error(environment: Environment, error: Any) -> None:
    if not isinstance(environment.program_state(), ProgramStopped):
        ORIGINAL_SET_ERROR(environment, error)


def _set_timed_out(environment: Environment) -> None:
    if not isinstance(environment.program_state(), ProgramStopped):
        ORIGINAL_SET_TIMED_OUT(environment)


def install() -> None:
    Environment.set_error = _set_error  # type: ignore[method-assign, assignment]
    Environment.set_timed_out = _set_timed_out  # type: ignore[method-assign, assignment]


def uninstall() -> None:
    Environment.set_error = ORIGINAL_SET_ERROR  # type: ignore[method-assign]
    Environment.set_timed_out = ORIGINAL_SET_TIMED_OUT  # type: ignore[method-assign]
