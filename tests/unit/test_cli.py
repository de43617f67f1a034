"""The `adforge` CLI against an in-memory API (httpx.MockTransport), on a manual clock."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from adforge_cli.main import Deps, Exit, app
from tests.unit.fake_adforge_api import API, KEY, FakeApi, error, png

ENV = {"ADFORGE_API_URL": API, "ADFORGE_API_KEY": KEY, "COLUMNS": "200"}


class ManualClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "mug.png"
    path.write_bytes(png(40, 30, (1, 2, 3)))
    return path


def run(api: FakeApi, *args: str, clock: ManualClock | None = None, env: dict[str, str] | None = None):
    clock = clock or ManualClock()
    deps = Deps(transport=api.transport(), clock=clock, sleep=clock.sleep)
    return CliRunner().invoke(app, list(args), obj=deps, env=ENV if env is None else env)


def test_create_wait_uploads_creates_follows_downloads_and_writes_the_gallery(tmp_path, photo):
    api = FakeApi()
    clock = ManualClock()
    out = tmp_path / "out"
    result = run(api, "create", str(photo), "--prompt", "a red mug", "--ratio", "1:1", "--ratio", "16:9", "--count", "2",
                 "--metadata", "sku=MUG-1", "--wait", "--out", str(out), clock=clock)  # fmt: skip
    assert result.exit_code == Exit.OK, result.output

    upload = json.loads(api.uploads[0].content)
    assert upload == {"content_type": "image/png", "content_length": photo.stat().st_size, "filename": "mug.png"}
    put, sent = api.puts[0]
    assert sent == photo.read_bytes() and put.headers["Content-Type"] == "image/png" and "Authorization" not in put.headers

    (create,) = api.creates
    body = json.loads(create.content)
    assert body["image"] == {"key": "tenants/t/uploads/u1.png"}
    assert (body["aspect_ratios"], body["count"], body["metadata"], body["prompt"]) == (
        ["1:1", "16:9"],
        2,
        {"sku": "MUG-1"},
        "a red mug",
    )
    assert len(create.headers["Idempotency-Key"]) >= 16

    job_dir = out / "job-1"
    for name, data in api.assets.items():
        assert (job_dir / name).read_bytes() == data
    assert (job_dir / "product.png").read_bytes() == photo.read_bytes()
    page = (job_dir / "index.html").read_text()
    for data in api.assets.values():
        assert hashlib.sha256(data).hexdigest() in page
    assert "96x54 px" in page and "16:9" in page and "$0.0400" in page
    # followed on the injected clock: one status call per interval until completed (4 statuses)
    assert api.gets == 4 and clock.slept == [0.5, 0.5, 0.5]
    assert "processing 50% · vendor creativeai · attempts 1" in result.stderr


def test_a_lost_answer_is_retried_with_the_same_idempotency_key(photo):
    api = FakeApi(create_failures=[httpx.ConnectError("reset"), error(503, "unavailable", "try again")])
    result = run(api, "--json", "create", str(photo), "--prompt", "a red mug")
    assert result.exit_code == Exit.OK, result.output
    keys = {request.headers["Idempotency-Key"] for request in api.creates}
    assert len(api.creates) == 3 and len(keys) == 1
    assert json.loads(result.stdout)["id"] == "job-1"


def test_an_explicit_idempotency_key_is_sent(photo):
    api = FakeApi()
    assert run(api, "create", str(photo), "--prompt", "a red mug", "--idempotency-key", "order-42").exit_code == 0
    assert api.creates[0].headers["Idempotency-Key"] == "order-42"


def test_a_refused_job_exits_3_with_the_api_message_and_is_not_retried(photo):
    api = FakeApi(refuse_create=error(422, "validation_error", "prompt: String should have at least 3 characters"))
    result = run(api, "create", str(photo), "--prompt", "ab")
    assert result.exit_code == Exit.REFUSED
    assert "validation_error" in result.stderr and "at least 3 characters" in result.stderr and "req-1" in result.stderr
    assert len(api.creates) == 1

    as_json = run(FakeApi(refuse_create=api.refuse_create), "--json", "create", str(photo), "--prompt", "ab")
    assert as_json.exit_code == Exit.REFUSED
    assert json.loads(as_json.stdout)["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    ("status", "code"), [("failed", Exit.FAILED), ("timed_out", Exit.TIMED_OUT), ("cancelled", Exit.CANCELLED)]
)
def test_a_job_that_did_not_complete_exits_with_its_own_code_and_a_failure_panel(tmp_path, photo, status, code):
    api = FakeApi(statuses=["queued", status], final_error={"code": "vendor_failed", "message": "render <b>exploded</b>"})
    result = run(api, "create", str(photo), "--prompt", "a red mug", "--wait", "--out", str(tmp_path))
    assert result.exit_code == code
    assert "vendor_failed" in result.stderr
    page = (tmp_path / "job-1" / "index.html").read_text()
    assert "id='failure'" in page and "render &lt;b&gt;exploded&lt;/b&gt;" in page


def test_wait_gives_up_at_the_timeout_on_the_injected_clock(tmp_path, photo):
    api = FakeApi(statuses=["queued", "processing"])
    clock = ManualClock()
    result = run(api, "create", str(photo), "--prompt", "a red mug", "--wait", "--timeout", "3", "--interval", "1",
                 "--out", str(tmp_path), clock=clock)  # fmt: skip
    assert result.exit_code == Exit.WAIT_EXPIRED
    assert sum(clock.slept) == 3 and api.gets == 4
    assert not (tmp_path / "job-1").exists()


def test_an_unreachable_api_exits_7(photo):
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    deps = Deps(transport=httpx.MockTransport(down))
    result = CliRunner().invoke(app, ["vendors"], obj=deps, env=ENV)
    assert result.exit_code == Exit.UNAVAILABLE and "unreachable" in result.stderr


def test_missing_configuration_is_a_usage_error():
    result = run(FakeApi(), "vendors", env={"ADFORGE_API_URL": "", "ADFORGE_API_KEY": ""})
    assert result.exit_code == 2 and "ADFORGE_API_URL" in result.stderr


def test_flags_override_the_environment():
    api = FakeApi()
    result = run(api, "--api-url", API, "--api-key", KEY, "--json", "vendors", env={"ADFORGE_API_KEY": "wrong"})
    assert result.exit_code == 0, result.output


def test_a_wrong_key_is_refused_with_the_api_message():
    result = run(FakeApi(), "vendors", env={**ENV, "ADFORGE_API_KEY": "nope"})
    assert result.exit_code == Exit.REFUSED and "missing or invalid API key" in result.stderr


def test_jobs_list_json_and_table():
    as_json = run(FakeApi(), "--json", "jobs", "list", "--limit", "5", "--cursor", "c1")
    assert as_json.exit_code == 0
    page = json.loads(as_json.stdout)
    assert [job["id"] for job in page["jobs"]] == ["job-1"] and page["next_cursor"] == "c1"
    table = run(FakeApi(), "jobs", "list")
    assert "job-1" in table.stdout and "completed" in table.stdout


def test_jobs_show():
    shown = run(FakeApi(statuses=["completed"]), "jobs", "show", "job-1")
    assert shown.exit_code == 0 and "a red mug on marble" in shown.stdout and "a2.png" in shown.stdout
    missing = run(FakeApi(), "jobs", "show", "nope")
    assert missing.exit_code == Exit.REFUSED and "job_not_found" in missing.stderr
    as_json = run(FakeApi(statuses=["completed"]), "--json", "jobs", "show", "job-1")
    assert json.loads(as_json.stdout)["status"] == "completed"


def test_jobs_cancel_running_and_finished():
    running = FakeApi(statuses=["processing"])
    cancelled = run(running, "--json", "jobs", "cancel", "job-1")
    assert cancelled.exit_code == 0 and json.loads(cancelled.stdout)["status"] == "cancelled" and running.cancels == 1
    refused = run(FakeApi(statuses=["completed"]), "jobs", "cancel", "job-1")
    assert refused.exit_code == Exit.REFUSED and "job already finished" in refused.stderr


def test_jobs_download_writes_creatives_and_gallery(tmp_path, photo):
    api = FakeApi(statuses=["completed"])
    result = run(api, "--json", "jobs", "download", "job-1", "--out", str(tmp_path), "--photo", str(photo))
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert sorted(Path(f).name for f in written["files"]) == sorted(api.assets)
    assert Path(written["gallery"]).read_text().count('<img class="creative"') == len(api.assets)
    assert sorted(api.downloads) == sorted(api.assets)


def test_vendors_json_and_table():
    as_json = run(FakeApi(), "--json", "vendors")
    assert json.loads(as_json.stdout)["vendors"][0]["name"] == "creativeai"
    table = run(FakeApi(), "vendors")
    assert "creativeai" in table.stdout and "image 0.040" in table.stdout and "ratios / job" in table.stdout


def test_a_photo_that_is_not_an_image_is_refused_before_any_call(tmp_path):
    bogus = tmp_path / "notes.png"
    bogus.write_text("hello")
    api = FakeApi()
    result = run(api, "create", str(bogus), "--prompt", "a red mug")
    assert result.exit_code == Exit.REFUSED and "not a PNG, JPEG or WebP" in result.stderr
    assert api.uploads == [] and api.creates == []


def test_the_console_script_points_at_the_cli():
    import importlib
    import tomllib

    scripts = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, name = scripts["adforge"].partition(":")
    assert getattr(importlib.import_module(module), name) is __import__("adforge_cli.main").main.main


def test_run_returns_the_exit_code_in_process(photo):
    from adforge_cli.main import run

    api = FakeApi(refuse_create=error(422, "validation_error", "nope"))
    assert (
        run(["--api-url", API, "--api-key", KEY, "create", str(photo), "--prompt", "abc"], Deps(transport=api.transport())) == 3
    )
    assert run(["--api-url", API, "--api-key", KEY, "create", str(photo)], Deps(transport=api.transport())) == 2


def test_json_after_the_command_is_the_same_flag(capsys):
    from adforge_cli.main import json_first, run

    assert json_first(["jobs", "show", "job-1", "--json"]) == ["--json", "jobs", "show", "job-1"]
    assert json_first(["create", "p.png", "--", "--json"]) == ["create", "p.png", "--", "--json"]
    deps = Deps(transport=FakeApi(statuses=["completed"]).transport())
    assert run(["--api-url", API, "--api-key", KEY, "jobs", "show", "job-1", "--json"], deps) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "completed"


def test_create_wait_json_is_one_document_on_stdout_and_no_progress(tmp_path, photo):
    result = run(FakeApi(), "--json", "create", str(photo), "--prompt", "a red mug", "--wait", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert written["job"]["status"] == "completed" and written["gallery"] == str(tmp_path / "job-1" / "index.html")
    assert sorted(Path(f).name for f in written["files"]) == ["a1.png", "a2.png"]
    assert result.stderr == ""


CLI_PACKAGE = Path(__file__).resolve().parents[2] / "cli" / "adforge_cli"


def _imported(path: Path) -> set[str]:
    import ast

    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_the_cli_never_imports_the_local_stack_and_only_admin_takes_the_core():
    """The local stack is dev-only; the installed `adforge` must run without it (lazy imports included)."""
    for path in sorted(CLI_PACKAGE.glob("*.py")):
        first_party = {module.split(".")[0] for module in _imported(path)} & {"adforge", "adforge_local"}
        assert first_party <= ({"adforge"} if path.name == "admin.py" else set()), (path.name, first_party)


def test_the_api_commands_load_neither_boto3_nor_the_core():
    """`adforge create` and friends start without paying for boto3 or the core; only `adforge admin` commands do."""
    import subprocess
    import sys

    root = CLI_PACKAGE.parents[1]
    probe = "import json, sys, adforge_cli.main; print(json.dumps(sorted(sys.modules)))"
    env = {"PYTHONPATH": f"{root / 'cli'}:{root / 'layers' / 'core'}", "PATH": "/usr/bin:/bin"}
    loaded = json.loads(subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, check=True).stdout)
    assert "adforge_cli.admin" in loaded
    assert not [name for name in loaded if name.split(".")[0] in {"boto3", "botocore", "adforge", "adforge_local"}]
