"""The gallery page: every job-derived string escaped, the failure panel, and the page as Chromium shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from adforge_cli import gallery
from tests.gallery_browser import open_gallery
from tests.unit.fake_adforge_api import FakeApi

SAMPLE = Path(__file__).resolve().parents[2] / "local" / "assets" / "sample-product.png"
HOSTILE = "<script>window.__pwned = true</script><img src=x onerror=\"window.__pwned=true\"> a mug & 'quotes'"


def _job(status: str = "completed", prompt: str = "a red mug on marble", error: dict[str, str] | None = None) -> FakeApi:
    return FakeApi(prompt=prompt, final_error=error)


def _write(tmp_path: Path, api: FakeApi, status: str, metadata: dict[str, str] | None = None) -> tuple[Path, dict]:
    job = api.job(status)
    job["request"]["metadata"] = metadata or {}
    files = {}
    for asset in job["assets"]:
        name = Path(asset["key"]).name
        (tmp_path / name).write_bytes(api.assets[name])
        files[asset["key"]] = name
    shutil.copyfile(SAMPLE, tmp_path / "product.png")
    vendors = [{"name": "creativeai", "prices_usd": {"image": 0.04}}]
    return gallery.write(tmp_path, job, files, "product.png", vendors), job


def test_every_job_derived_string_is_escaped(tmp_path):
    hostile_error = {"code": "vendor<x>", "message": "</div><script>alert(1)</script>"}
    page, _ = _write(tmp_path, _job(prompt=HOSTILE, error=hostile_error), "failed", {'sku"><b>': "<i>x</i>"})
    text = page.read_text()
    assert "<script" not in text and 'onerror="' not in text and "<i>x</i>" not in text and "<b>" not in text
    assert "&lt;script&gt;window.__pwned = true&lt;/script&gt;" in text
    assert "&lt;/div&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text and "vendor&lt;x&gt;" in text


def test_each_creative_shows_ratio_pixels_vendor_cost_and_sha256(tmp_path):
    api = _job()
    page, job = _write(tmp_path, api, "completed")
    text = page.read_text()
    for asset in job["assets"]:
        figure = text.split(f'src="{Path(asset["key"]).name}"')[1].split("</figure>")[0]
        assert asset["sha256"] in figure and "creativeai" in figure and "$0.0400" in figure
        assert f"{asset['width']}x{asset['height']} px" in figure
    assert gallery.aspect_ratio({"width": 96, "height": 54}, ["1:1", "16:9"]) == "16:9"
    assert gallery.aspect_ratio({"width": 64, "height": 64}, ["1:1", "16:9"]) == "1:1"
    assert "id='failure'" not in text


def test_the_timeline_lists_each_status_and_attempt_in_time_order(tmp_path):
    api = _job()
    job = api.job("completed")
    job["timeline"].reverse()  # the page orders by time, not by the list it was given
    page = gallery.write(tmp_path, job, {}, None)
    text = page.read_text()
    rows = ("status queued", "attempt at creativeai: submitted (vendor job cai-9)", "status processing", "status completed")
    order = [text.index(row) for row in rows]
    assert order == sorted(order)


def test_in_chromium_every_image_loads_and_the_text_matches_the_job(tmp_path):
    api = _job(prompt=HOSTILE)
    page, job = _write(tmp_path, api, "completed", {"sku": "MUG-1"})
    seen = open_gallery(page, tmp_path / "gallery.png")

    assert len(seen["images"]) == 1 + len(job["assets"])
    assert all(image["complete"] and image["width"] > 0 for image in seen["images"]), seen["images"]
    product = next(image for image in seen["images"] if image["cls"] == "product-photo")
    assert product["width"] == Image.open(SAMPLE).width
    # the injection attempt is text: shown verbatim, no element made, no script run
    assert seen["prompt"] == HOSTILE and seen["promptChildren"] == 0 and seen["scripts"] == 0 and not seen["pwned"]
    assert seen["status"] == "completed" and seen["failure"] is None
    for asset in job["assets"]:
        assert asset["sha256"] in seen["text"]
    assert "MUG-1" in seen["text"]
    shot = Image.open(tmp_path / "gallery.png")
    assert shot.width == 1280 and shot.height > 300


def test_in_chromium_a_failed_job_shows_its_failure_panel(tmp_path):
    api = _job(error={"code": "vendor_failed", "message": "the vendor could not render this"})
    page, _ = _write(tmp_path, api, "failed")
    seen = open_gallery(page, tmp_path / "failed.png")
    assert seen["status"] == "failed"
    assert "vendor_failed" in seen["failure"] and "the vendor could not render this" in seen["failure"]
    assert [image["cls"] for image in seen["images"]] == ["product-photo"] and seen["images"][0]["width"] > 0
