"""The `adforge` CLI against the local stack's API: the presigned upload, an idempotent create, --wait, the gallery."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PIL import Image

from adforge_cli.client import AdForgeClient
from adforge_cli.main import Exit, run
from tests.e2e.conftest import SAMPLE
from tests.gallery_browser import open_gallery

pytestmark = pytest.mark.e2e
PROMPT = "A red ceramic mug on a sunlit marble counter, <b>lifestyle</b> ad"


@pytest.fixture(scope="module")
def cli(stack):
    key = stack.create_tenant("cli-merchant")

    def adforge(*args: str) -> int:
        return run(["--api-url", stack.api.url, "--api-key", key, *args])

    return adforge


def test_create_wait_writes_every_creative_and_a_gallery_chromium_shows(cli, tmp_path, capsys):
    code = cli("--json", "create", str(SAMPLE), "--prompt", PROMPT, "--ratio", "16:9", "--count", "2",
               "--metadata", "sku=MUG-RED-01", "--wait", "--timeout", "60", "--out", str(tmp_path))  # fmt: skip
    written = json.loads(capsys.readouterr().out)
    assert code == Exit.OK, written
    job = written["job"]
    assert job["status"] == "completed" and job["request"]["image"]["key"].startswith("tenants/cli-merchant/uploads/")
    assert len(written["files"]) == len(job["assets"]) == 2
    for asset, path in zip(job["assets"], written["files"], strict=True):
        data = Path(path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == asset["sha256"] and len(data) == asset["size"]
        assert Image.open(path).size == (asset["width"], asset["height"])
    page = Path(written["gallery"])
    assert page == tmp_path / job["id"] / "index.html"
    assert (tmp_path / job["id"] / "product.png").read_bytes() == SAMPLE.read_bytes()

    seen = open_gallery(page, tmp_path / job["id"] / "gallery.png")
    assert len(seen["images"]) == 3 and all(image["width"] > 0 for image in seen["images"]), seen["images"]
    assert seen["prompt"] == PROMPT and seen["promptChildren"] == 0 and seen["status"] == "completed"
    for asset in job["assets"]:
        assert asset["sha256"] in seen["text"]
    assert job["vendor"] in seen["text"] and "MUG-RED-01" in seen["text"]
    statuses = [change["status"] for change in job["timeline"]]
    assert statuses[0] == "queued" and statuses[-1] == "completed" and "processing" in statuses, statuses
    assert all(f"status {status}" in seen["text"] for status in statuses)


def test_download_takes_the_product_photo_from_the_job(cli, tmp_path, capsys):
    assert (
        cli("--json", "create", str(SAMPLE), "--prompt", PROMPT, "--wait", "--timeout", "60", "--out", str(tmp_path)) == Exit.OK
    )
    job_id = json.loads(capsys.readouterr().out)["job"]["id"]
    assert cli("--json", "jobs", "download", job_id, "--out", str(tmp_path / "again")) == Exit.OK
    capsys.readouterr()
    assert (tmp_path / "again" / job_id / "product.png").read_bytes() == SAMPLE.read_bytes()
    assert "class='product-photo'" in (tmp_path / "again" / job_id / "index.html").read_text()


def test_one_idempotency_key_one_job(stack, cli, capsys):
    """A retry with the same key and body is the same job; a second run re-uploads the photo (a new key), so the
    same Idempotency-Key with that other body is the API's 409, printed with exit 3."""
    key = stack.create_tenant("cli-retries")
    client = AdForgeClient(stack.api.url, key)
    upload = client.upload(SAMPLE, lambda _n: None)
    body = {"prompt": PROMPT, "image": {"key": upload}}
    assert client.create_job(body, "order-7")["id"] == client.create_job(body, "order-7")["id"]

    assert cli("--json", "create", str(SAMPLE), "--prompt", PROMPT, "--idempotency-key", "cli-order-1") == Exit.OK
    json.loads(capsys.readouterr().out)
    assert cli("--json", "create", str(SAMPLE), "--prompt", PROMPT, "--idempotency-key", "cli-order-1") == Exit.REFUSED
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "idempotency_key_reused"


def test_a_refused_request_exits_3_with_the_api_error(cli, capsys):
    assert cli("--json", "create", str(SAMPLE), "--prompt", PROMPT, "--ratio", "1:1", "--ratio", "1:1") == Exit.REFUSED
    refused = json.loads(capsys.readouterr().out)["error"]
    assert refused["status"] == 422 and refused["request_id"] and "repeat" in refused["message"]


def test_list_show_cancel_download_and_vendors(stack, cli, capsys, tmp_path):
    for sandbox in stack.sandboxes.values():
        sandbox.set_faults(hold=True)  # the job stays in progress until cancelled
    assert cli("--json", "create", str(SAMPLE), "--prompt", PROMPT) == Exit.OK
    job_id = json.loads(capsys.readouterr().out)["id"]
    assert cli("--json", "jobs", "cancel", job_id) == Exit.OK
    assert json.loads(capsys.readouterr().out)["status"] == "cancelled"
    assert cli("jobs", "cancel", job_id) == Exit.REFUSED
    assert "job already finished" in capsys.readouterr().err
    assert cli("--json", "jobs", "show", job_id) == Exit.OK
    assert json.loads(capsys.readouterr().out)["status"] == "cancelled"
    assert cli("--json", "jobs", "list", "--limit", "50") == Exit.OK
    assert job_id in [job["id"] for job in json.loads(capsys.readouterr().out)["jobs"]]
    assert cli("--json", "vendors") == Exit.OK
    assert "creativeai" in [vendor["name"] for vendor in json.loads(capsys.readouterr().out)["vendors"]]
    assert cli("jobs", "download", job_id, "--out", str(tmp_path)) == Exit.CANCELLED
    assert "id='failure'" in (tmp_path / job_id / "index.html").read_text()
