"""Open a gallery page in the system's headless Chromium (Debian's `chromium`) through Playwright's driver.

Playwright's own browser download comes from a CDN this project never reaches, so only an installed Chromium is used:
`ADFORGE_CHROMIUM`, else `chromium` on PATH. Without one the browser tests skip and say why, unless
`ADFORGE_REQUIRE_BROWSER=1` (CI installs Chromium and sets it), when they fail.

Every screenshot is also kept, by the name of the test's file, in `out/screenshots/` (ignored by git), so that what
the browser showed can be looked at after the run: `out/screenshots/test_cli-gallery.png` is a live job's gallery."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHECK = """() => ({
  images: [...document.images].map(i => ({
    src: i.getAttribute('src'), cls: i.className, complete: i.complete, width: i.naturalWidth,
  })),
  text: document.body.innerText,
  prompt: document.querySelector('#prompt')?.textContent,
  promptChildren: document.querySelector('#prompt')?.children.length,
  status: document.querySelector('#status')?.textContent,
  failure: document.querySelector('#failure')?.textContent ?? null,
  scripts: document.scripts.length,
  pwned: window.__pwned === true,
})"""


def chromium() -> str:
    found = os.environ.get("ADFORGE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("ADFORGE_REQUIRE_BROWSER") == "1":
            pytest.fail("ADFORGE_REQUIRE_BROWSER=1 but no Chromium found (ADFORGE_CHROMIUM or chromium on PATH)")
        pytest.skip("no headless Chromium installed (apt-get install chromium); the gallery was not opened in a browser")
    return found


SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"


def open_gallery(page: Path, screenshot: Path) -> dict[str, Any]:
    """What the browser shows of `page` once every image settled; saves a full-page screenshot (and a copy in
    SCREENSHOTS named after the calling test's file and the screenshot's name)."""
    executable = chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(page.resolve().as_uri(), wait_until="load")
            tab.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=10_000)
            seen: dict[str, Any] = tab.evaluate(CHECK)
            tab.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    kept = SCREENSHOTS / f"{_calling_test_file()}-{screenshot.name}"
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(screenshot, kept)
    return seen


def _calling_test_file() -> str:
    """The stem of the test module that asked for the page (PYTEST_CURRENT_TEST: 'tests/x/test_y.py::test_z (call)')."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "gallery")
    return Path(current.split("::", 1)[0]).stem
