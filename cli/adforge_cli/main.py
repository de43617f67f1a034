"""The `adforge` commands over the public API (`adforge admin`: admin.py). Exit codes: state.Exit."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.table import Table

from adforge_cli import gallery
from adforge_cli.admin import admin_app
from adforge_cli.client import AdForgeClient, ApiError, Follow
from adforge_cli.state import Deps, Exit, State

__all__ = ["Deps", "Exit", "app", "main", "run"]  # what callers take from here (Deps and Exit live in state.py)


JOB_EXITS = {"completed": Exit.OK, "failed": Exit.FAILED, "timed_out": Exit.TIMED_OUT, "cancelled": Exit.CANCELLED}


class Kind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


app = typer.Typer(help="AdForge from the command line: product photo in, ad creatives out.", no_args_is_help=True)
jobs_app = typer.Typer(help="List, show, cancel and download jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
app.add_typer(admin_app, name="admin")


@app.callback()
def configure(
    ctx: typer.Context,
    api_url: Annotated[str, typer.Option(envvar="ADFORGE_API_URL", help="The API's base URL")] = "",
    api_key: Annotated[str, typer.Option(envvar="ADFORGE_API_KEY", help="A tenant API key (Bearer)")] = "",
    as_json: Annotated[
        bool, typer.Option("--json", help="Machine-readable output on stdout, no progress (also after the command)")
    ] = False,
) -> None:
    deps = ctx.obj if isinstance(ctx.obj, Deps) else Deps()
    ctx.obj = State(deps, api_url, api_key, as_json)


@contextmanager
def _api(state: State) -> Iterator[AdForgeClient]:
    """The API client for one command: closed after it, an API error turned into its message and exit code."""
    client = state.client()
    try:
        yield client
    except ApiError as error:
        raise _fail(state, error) from error
    finally:
        client.close()


def _fail(state: State, error: ApiError) -> typer.Exit:
    exit_code = Exit.UNAVAILABLE if error.retryable else Exit.REFUSED
    return state.refuse(error.code, error.message, exit_code, status=error.status, request_id=error.request_id)


def _describe(job: dict[str, Any], elapsed: float) -> str:
    attempts = job.get("attempts") or []
    vendor = job.get("vendor") or job.get("vendor_requested")
    progress = f" {job['progress']}%" if job.get("progress") is not None else ""
    return f"[{elapsed:6.1f}s] {job['status']}{progress} · vendor {vendor} · attempts {len(attempts)}"


def _download(
    state: State,
    client: AdForgeClient,
    job: dict[str, Any],
    out: Path,
    photo: Path | None,
) -> dict[str, Any]:
    """Every creative into out/<job>/, the product photo beside them (the local file, else the job's stored copy),
    then index.html."""
    target = out / job["id"]
    target.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    with state.progress() as bars:
        for asset in job.get("assets") or []:
            name = Path(asset["key"]).name
            task = bars.add_task(f"download {name}", total=asset.get("size"))
            client.download(asset["url"], target / name, partial(bars.advance, task))
            files[asset["key"]] = name
        product = None
        if photo is not None:
            product = f"product{photo.suffix.lower()}"
            shutil.copyfile(photo, target / product)
        elif job.get("photo_url"):
            product = f"product{PurePosixPath(urlsplit(job['photo_url']).path).suffix.lower()}"
            task = bars.add_task("download product photo", total=None)
            client.download(job["photo_url"], target / product, partial(bars.advance, task))
    try:
        vendors = client.vendors()
    except ApiError:
        vendors = []  # the page says "cost unknown"
    page = gallery.write(target, job, files, product, vendors)
    return {"dir": str(target), "files": [str(target / name) for name in files.values()], "gallery": str(page)}


@app.command()
def create(
    ctx: typer.Context,
    photo: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="PNG, JPEG or WebP")],
    prompt: Annotated[str, typer.Option(help="What the ad should show")],
    vendor: Annotated[str, typer.Option(help="auto, or a vendor's name (adforge vendors)")] = "auto",
    ratio: Annotated[list[str] | None, typer.Option(help="Aspect ratio, repeatable (default 1:1)")] = None,
    count: Annotated[int, typer.Option(min=1, max=4, help="Creatives per ratio")] = 1,
    kind: Annotated[Kind, typer.Option(help="image or video")] = Kind.IMAGE,
    webhook_url: Annotated[str | None, typer.Option(help="Where the API POSTs the job's outcome")] = None,
    metadata: Annotated[list[str] | None, typer.Option(help="key=value, repeatable")] = None,
    idempotency_key: Annotated[str | None, typer.Option(help="Default: a fresh UUID (reused on retries)")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Follow the job, then download its creatives")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds --wait follows the job")] = 600.0,
    interval: Annotated[float, typer.Option(help="Seconds between status calls")] = 0.5,
    out: Annotated[Path, typer.Option(help="Where --wait writes <job>/ (creatives and index.html)")] = Path("out"),
) -> None:
    """Upload PHOTO, create a job (Idempotency-Key), and with --wait follow it and download the creatives."""
    state: State = ctx.obj
    with _api(state) as client:
        with state.progress() as bars:
            task = bars.add_task(f"upload {photo.name}", total=photo.stat().st_size)
            key = client.upload(photo, lambda n: bars.advance(task, n))
        body: dict[str, Any] = {
            "prompt": prompt,
            "kind": kind.value,
            "vendor": vendor,
            "image": {"key": key},
            "aspect_ratios": ratio or ["1:1"],
            "count": count,
        }
        if webhook_url:
            body["webhook_url"] = webhook_url
        if metadata:
            body["metadata"] = dict(item.partition("=")[::2] for item in metadata)
        job = client.create_job(body, idempotency_key, sleep=state.deps.sleep)
        if not state.json:
            state.err.print(f"job [bold]{job['id']}[/bold] accepted ({job['status']}, vendor {job['vendor_requested']})")
        if not wait:
            state.emit(job if state.json else job["id"])
            return
        follow = Follow(client, state.deps.clock, state.deps.sleep, interval=interval, timeout=timeout)
        if state.json:
            job = follow.run(job["id"], lambda _job, _elapsed: None)
        else:
            with state.err.status(f"following {job['id']}") as live:
                job = follow.run(
                    job["id"],
                    lambda j, elapsed: state.err.print(_describe(j, elapsed), highlight=False),
                    lambda j, elapsed: live.update(_describe(j, elapsed)),
                )
        _finish(state, client, job, out, photo)


def _finish(
    state: State,
    client: AdForgeClient,
    job: dict[str, Any],
    out: Path,
    photo: Path | None,
) -> None:
    if job["status"] not in JOB_EXITS:
        if state.json:
            state.emit({"job": job, "error": {"code": "wait_expired", "message": "the job is still running"}})
        else:
            state.err.print(f"[yellow]still {job['status']} when --timeout passed[/yellow]; `adforge jobs show {job['id']}`")
        raise typer.Exit(Exit.WAIT_EXPIRED)
    written = _download(state, client, job, out, photo)
    if state.json:
        state.emit({"job": job, **written})
    else:
        if job["status"] != "completed":
            error = job.get("error") or {}
            state.err.print(f"[red]job {job['status']}[/red]: {error.get('code')}: {error.get('message')}", highlight=False)
        state.err.print(f"{len(written['files'])} creative(s) in {written['dir']}; gallery {written['gallery']}")
    raise typer.Exit(JOB_EXITS[job["status"]])


@jobs_app.command("list")
def list_jobs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    cursor: Annotated[str | None, typer.Option(help="next_cursor of the previous page")] = None,
) -> None:
    """The tenant's jobs, newest first."""
    state: State = ctx.obj
    with _api(state) as client:
        page = client.jobs(limit, cursor)
    if state.json:
        state.emit(page)
        return
    table = Table("id", "status", "vendor", "created", "prompt")
    for job in page["jobs"]:
        prompt = str(job["request"]["prompt"])
        table.add_row(job["id"], job["status"], job.get("vendor") or "-", str(job["created_at"]), prompt[:50])
    state.out.print(table)
    if page.get("next_cursor"):
        state.out.print(f"more: --cursor {page['next_cursor']}", highlight=False)


@jobs_app.command("show")
def show_job(ctx: typer.Context, job_id: str) -> None:
    """One job with its attempts and assets."""
    state: State = ctx.obj
    with _api(state) as client:
        job = client.job(job_id)
    if state.json:
        state.emit(job)
        return
    state.out.print(
        f"[bold]{job['id']}[/bold] {job['status']} · vendor {job.get('vendor') or '-'} (asked {job['vendor_requested']})"
    )
    state.out.print(f"prompt: {job['request']['prompt']}", highlight=False, markup=False)
    for attempt in job.get("attempts") or []:
        state.out.print(f"  attempt {attempt['vendor']}: {attempt['outcome']} at {attempt.get('at')}", markup=False)
    for asset in job.get("assets") or []:
        state.out.print(
            f"  asset {asset['key']} {asset.get('width')}x{asset.get('height')} sha256 {asset.get('sha256')}", markup=False
        )
    if job.get("error"):
        state.out.print(f"  error {job['error']['code']}: {job['error']['message']}", markup=False)


@jobs_app.command("cancel")
def cancel_job(ctx: typer.Context, job_id: str) -> None:
    """Cancel a running job (a finished one is refused: exit 3)."""
    state: State = ctx.obj
    with _api(state) as client:
        job = client.cancel(job_id)
    state.emit(job if state.json else f"{job['id']} {job['status']}")


@jobs_app.command("download")
def download_job(
    ctx: typer.Context,
    job_id: str,
    out: Annotated[Path, typer.Option(help="Writes <job>/ here")] = Path("out"),
    photo: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="The product photo for the gallery (default: the job's stored copy)"),
    ] = None,
) -> None:
    """Download a finished job's creatives and write its gallery; the exit code is the job's outcome."""
    state: State = ctx.obj
    with _api(state) as client:
        _finish(state, client, client.job(job_id), out, photo)


@app.command()
def vendors(ctx: typer.Context) -> None:
    """Every vendor's capabilities, prices and recent health."""
    state: State = ctx.obj
    with _api(state) as client:
        listed = client.vendors()
    if state.json:
        state.emit({"vendors": listed})
        return
    table = Table("name", "kinds", "ratios", "ratios / job", "max count", "$ / output", "webhooks", "healthy")
    for v in listed:
        prices = ", ".join(f"{k} {p:.3f}" for k, p in (v.get("prices_usd") or {}).items())
        ratios = ", ".join(v.get("aspect_ratios") or [])
        per_job, count = str(v.get("ratios_per_job", 1)), str(v["max_count"])
        table.add_row(v["name"], ", ".join(v["kinds"]), ratios, per_job, count, prices, str(v["webhooks"]), str(v["healthy"]))
    state.out.print(table)


def json_first(argv: list[str]) -> list[str]:
    """`--json` is the app's option, but scripts write it after the command too (`adforge jobs show ID --json`):
    every `--json` before a `--` is moved to the front, where the app's callback reads it."""
    end = argv.index("--") if "--" in argv else len(argv)
    flags = [arg for arg in argv[:end] if arg == "--json"]
    return [*flags[:1], *(arg for arg in argv[:end] if arg != "--json"), *argv[end:]]


def run(argv: list[str], deps: Deps | None = None) -> int:
    """The CLI in-process (`make demo` drives it so): the exit code instead of `SystemExit`."""
    try:
        app(args=json_first(argv), obj=deps or Deps())
    except SystemExit as ended:
        return ended.code if isinstance(ended.code, int) else int(ended.code is not None)
    return 0


def main() -> None:
    """The `adforge` console script."""
    app(args=json_first(sys.argv[1:]), prog_name="adforge")
