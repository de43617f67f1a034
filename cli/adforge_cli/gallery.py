"""One self-contained HTML page per job: the product photo beside every creative, the timeline, any failure.

Every string that comes from the job (prompt, metadata, errors, keys) goes through `html.escape`; the page has
no script and a Content-Security-Policy that allows none, so an injection attempt stays text."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

CSP = "default-src 'none'; img-src 'self' data: file:; media-src 'self' data: file:; style-src 'unsafe-inline'"
STYLE = """
body{font:15px/1.4 system-ui,sans-serif;margin:2rem;color:#222;background:#fafafa}
h1{font-size:1.3rem}.meta td{padding:.1rem .8rem .1rem 0;vertical-align:top}
.grid{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:8px;padding:.6rem;max-width:340px}
figure img,figure video{max-width:320px;max-height:320px;display:block}
figcaption{font-size:.8rem;margin-top:.4rem;word-break:break-all}
.product{border-color:#888}.failed{background:#fde8e8;border:2px solid #c00;border-radius:8px;padding:1rem;margin:1rem 0}
.timeline li{margin:.2rem 0}code{font-size:.8rem}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def aspect_ratio(asset: Mapping[str, Any], requested: list[str]) -> str | None:
    """The requested ratio closest to the asset's pixel size (Collect crops each output to one of them)."""
    width, height = asset.get("width"), asset.get("height")
    if not width or not height:
        return requested[0] if len(requested) == 1 else None
    actual = Fraction(int(width), int(height))
    if not requested:
        return f"{actual.numerator}:{actual.denominator}"

    def distance(ratio: str) -> float:
        a, b = ratio.split(":")
        return abs(float(actual) - int(a) / int(b))

    return min(requested, key=distance)


def price(job: Mapping[str, Any], vendors: Iterable[Mapping[str, Any]]) -> float | None:
    """What one output of this job's kind costs at the vendor that served it, from `GET /v1/vendors`."""
    kind = (job.get("request") or {}).get("kind", "image")
    for vendor in vendors:
        if vendor.get("name") == job.get("vendor"):
            value = (vendor.get("prices_usd") or {}).get(kind, vendor.get("cost_per_output_usd"))
            return float(value) if value is not None else None
    return None


def _creative(asset: Mapping[str, Any], file_name: str, ratio: str | None, vendor: str | None, cost: float | None) -> str:
    src = _e(file_name)
    media = (
        f'<video src="{src}" controls muted></video>'
        if str(asset.get("content_type", "")).startswith("video/")
        else f'<img class="creative" src="{src}" alt="creative {src}">'
    )
    size = f"{asset['width']}x{asset['height']} px" if asset.get("width") and asset.get("height") else "size unknown"
    native = f" (vendor's own {asset['native_width']}x{asset['native_height']})" if asset.get("native_width") else ""
    rows = [
        ("ratio", ratio or "?"),
        ("pixels", size + native),
        ("vendor", vendor or "?"),
        ("cost", f"${cost:.4f}" if cost is not None else "unknown"),
        ("bytes", asset.get("size", "?")),
        ("sha256", asset.get("sha256") or "?"),
    ]
    caption = "<br>".join(f'<span class="{_e(k)}">{_e(k)}: <code>{_e(v)}</code></span>' for k, v in rows)
    return f'<figure class="asset">{media}<figcaption>{caption}</figcaption></figure>'


def timeline(job: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(when, what) rows in time order: each status the job took (the API's `timeline`) and every vendor attempt."""
    rows: list[tuple[str, str]] = [
        (str(change.get("at", "")), f"status {change.get('status')}") for change in job.get("timeline") or []
    ]
    for attempt in job.get("attempts") or []:
        what = f"attempt at {attempt.get('vendor')}: {attempt.get('outcome')}"
        if attempt.get("vendor_job_id"):
            what += f" (vendor job {attempt['vendor_job_id']})"
        if attempt.get("error"):
            what += f" - {attempt['error'].get('code')}: {attempt['error'].get('message')}"
        rows.append((str(attempt.get("at", "")), what))
    return sorted(rows, key=lambda row: _instant(row[0]))  # stable: a status before an attempt of the same instant


def _instant(stamp: str) -> datetime:
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def render(
    job: Mapping[str, Any],
    files: Mapping[str, str],
    product: str | None,
    vendors: Iterable[Mapping[str, Any]] = (),
) -> str:
    """The page; `files` maps each asset key to its file name beside the page, `product` is the photo's file name."""
    request = job.get("request") or {}
    requested = list(request.get("aspect_ratios") or [])
    cost = price(job, list(vendors))
    failed = job.get("status") in ("failed", "timed_out", "cancelled")
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>AdForge job {_e(job.get('id'))}</title><style>{STYLE}</style></head><body>",
        f"<h1>Job <code id='job-id'>{_e(job.get('id'))}</code>: <span id='status'>{_e(job.get('status'))}</span></h1>",
        "<table class='meta'>",
        f"<tr><td>prompt</td><td id='prompt'>{_e(request.get('prompt', ''))}</td></tr>",
        f"<tr><td>vendor</td><td id='vendor'>{_e(job.get('vendor') or '-')} (asked: {_e(job.get('vendor_requested'))})</td></tr>",
        f"<tr><td>kind / count</td><td>{_e(request.get('kind', 'image'))} x {_e(request.get('count', 1))}, "
        f"ratios {_e(', '.join(requested))}</td></tr>",
    ]
    for key, value in (request.get("metadata") or {}).items():
        parts.append(f"<tr><td>metadata <code>{_e(key)}</code></td><td class='metadata'>{_e(value)}</td></tr>")
    parts.append("</table>")
    if failed:
        error = job.get("error") or {}
        parts.append(
            f"<div class='failed' id='failure'><strong>Job {_e(job.get('status'))}</strong>: "
            f"<code>{_e(error.get('code', 'unknown'))}</code> {_e(error.get('message', ''))}</div>"
        )
    parts.append("<div class='grid'>")
    if product:
        parts.append(
            f"<figure class='product'><img class='product-photo' src='{_e(product)}' alt='product photo'>"
            f"<figcaption>product photo</figcaption></figure>"
        )
    else:
        parts.append("<figure class='product'><figcaption>product photo not stored beside this page</figcaption></figure>")
    for asset in job.get("assets") or []:
        if asset["key"] in files:
            parts.append(_creative(asset, files[asset["key"]], aspect_ratio(asset, requested), job.get("vendor"), cost))
    parts.append("</div><h2>Timeline</h2><ol class='timeline'>")
    parts += [f"<li><code>{_e(when)}</code> {_e(what)}</li>" for when, what in timeline(job)]
    parts.append("</ol></body></html>\n")
    return "\n".join(parts)


def write(
    target: Path,
    job: Mapping[str, Any],
    files: Mapping[str, str],
    product: str | None,
    vendors: Iterable[Mapping[str, Any]] = (),
) -> Path:
    page = target / "index.html"
    page.write_text(render(job, files, product, vendors), encoding="utf-8")
    return page
