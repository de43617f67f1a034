"""Open a gallery page in the system's headless Chromium (Debian's `chromium`) through Playwright's driver.

Playwright's own browser download comes from a CDN this project never reaches, so only an installed Chromium is used:
`ADFORGE_CHROMIUM`, else `chromium` on PATH. Without one the browser tests skip and say why, unless
`ADFORGE_REQUIRE_BROWSER=1` (CI installs Chromium and sets it), when they fail."""

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


def open_gallery(page: Path, screenshot: Path) -> dict[str, Any]:
    """What the browser shows of `page` once every image settled; saves a full-page screenshot."""
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
    return seen
