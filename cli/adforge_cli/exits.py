"""What each exit code of `adforge` means."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """0 completed; 2 is the usage error of the command line itself (Typer's)."""

    OK = 0
    FAILED = 1  # the job failed
    REFUSED = 3  # the API (or, for `adforge admin`, the command) refused the request: its code and message are printed
    TIMED_OUT = 4  # the job ended timed_out
    CANCELLED = 5  # the job was cancelled
    WAIT_EXPIRED = 6  # --timeout passed while the job was still running (it goes on)
    UNAVAILABLE = 7  # the API could not be reached or failed (5xx)
