"""What every `adforge` command shares: exit codes, the outside world it takes (injectable), output and refusals."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from adforge_cli.client import AdForgeClient


class Exit(IntEnum):
    """What a command's exit status means, so scripts need not parse the output."""

    OK = 0
    FAILED = 1  # the job failed
    USAGE = 2  # a bad command line (Typer's own), or missing configuration (API URL and key; admin: table, credentials)
    REFUSED = 3  # the API (or AWS, for `admin`) refused the request: its error code and message are printed
    TIMED_OUT = 4  # the job ended timed_out
    CANCELLED = 5  # the job was cancelled
    WAIT_EXPIRED = 6  # --timeout passed while the job was still running (it goes on)
    UNAVAILABLE = 7  # the API (or AWS) could not be reached, failed (5xx) or throttled


@dataclass
class Deps:
    """What the commands take from the outside world; tests pass a MockTransport and manual clocks."""

    transport: httpx.BaseTransport | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], float] = time.time  # epoch seconds: API keys' issue, expiry and revocation times


@dataclass
class State:
    deps: Deps
    api_url: str
    api_key: str
    json: bool
    out: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))

    def client(self) -> AdForgeClient:
        if not self.api_url or not self.api_key:
            self.err.print("[red]set ADFORGE_API_URL and ADFORGE_API_KEY (or --api-url / --api-key)[/red]")
            raise typer.Exit(Exit.USAGE)
        return AdForgeClient(self.api_url, self.api_key, transport=self.deps.transport)

    def progress(self) -> Progress:
        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
        return Progress(*columns, console=self.err, disable=self.json, transient=False)

    def emit(self, value: Any) -> None:
        if self.json:
            typer.echo(json.dumps(value, default=str, indent=2))
        else:
            self.out.print(value, highlight=False, markup=False, soft_wrap=True)  # a key or secret stays on one line

    def refuse(
        self, code: str, message: str, exit_code: Exit, *, status: int | None = None, request_id: str | None = None
    ) -> typer.Exit:
        """Print a refusal (`{"error": ...}` on stdout with --json, else a red line on stderr); raise what it returns."""
        if self.json:
            self.emit({"error": {"code": code, "message": message, "request_id": request_id, "status": status}})
        else:
            where = f" (request {request_id})" if request_id else ""
            label = " ".join(part for part in ("error", str(status or ""), code) if part)
            self.err.print(f"[red]{escape(label)}[/red]: {escape(message)}{escape(where)}", highlight=False, soft_wrap=True)
        return typer.Exit(exit_code)
