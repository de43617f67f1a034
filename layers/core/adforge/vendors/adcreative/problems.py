"""AdCreative.ai problem+json error bodies, both documented forms. Pure."""

from __future__ import annotations

from typing import Any

NO_CREDITS = "api key credits for application does not exist"
"""The documented 400 (adcreative-product-photoshoot-api.txt, "400 Bad Request - API Key Credits for Application
does not exist"), told from other 400s only by its text."""
INSUFFICIENT_CREDITS = "insufficient_credits"  # the vendor code `errors.error_for_status` maps to no credits


def _source(key: str) -> str:
    """`"engine: StockGeneration/AdCreative"` stays; `"business:"` (no source) becomes `"business"`."""
    return key.strip().rstrip(":").strip()


def read_error(body: Any) -> tuple[str | None, str | None, str | None]:
    """`{"errors": {source: [message]}, "title", "traceId" | "extensions": {"traceId"}}` -> (code, message, trace id).

    The code is the first error source (an `engine: ...` / `business: ...` key or a field name): it names where the
    vendor refused, for the record; the typed error itself is decided by the HTTP status. The one exception: a
    message carrying the documented "API Key Credits for Application does not exist" makes the code
    `insufficient_credits` (whatever the status), so it is `VendorInsufficientCredits` and `auto` fails over.
    """
    if not isinstance(body, dict):
        return None, None, None
    errors = body.get("errors")
    entries: list[tuple[str, str]] = []
    if isinstance(errors, dict):
        for key, messages in errors.items():
            if isinstance(messages, list):  # skips serializer bookkeeping such as "$id"
                entries.extend((_source(str(key)), str(message)) for message in messages)
    extensions = body.get("extensions")
    trace = body.get("traceId") or (extensions.get("traceId") if isinstance(extensions, dict) else None)
    code = (entries[0][0] or None) if entries else None
    if any(NO_CREDITS in text.lower() for _, text in entries):
        code = INSUFFICIENT_CREDITS
    message = "; ".join(f"{source}: {text}" if source else text for source, text in entries) or body.get("title")
    return code, (str(message) if message else None), (str(trace) if trace else None)
