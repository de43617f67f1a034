"""The verdict on each import and invocation the runner reports, from the qualified class names of its exceptions.

Ready: it returned, or it raised because an AWS call failed (anywhere in the exception's chain) or as
one of the app's mapped errors. A defect (ImportError, NameError, AttributeError, TypeError, KeyError,
SettingsError) raised or explicitly chained as the cause, or any other error, is not. Aggregates and
partial batch responses are judged by the record failures behind them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFECTS = (
    "builtins.ImportError",  # ModuleNotFoundError too
    "builtins.NameError",
    "builtins.AttributeError",
    "builtins.TypeError",
    "builtins.KeyError",  # os.environ["..."] of a variable the function lacks
    "adforge.settings.SettingsError",
)
AWS_ERRORS = (
    "botocore.exceptions.ClientError",
    "botocore.exceptions.EndpointConnectionError",
    "botocore.exceptions.ConnectTimeoutError",
    "botocore.exceptions.HTTPClientError",
)
MAPPED_ERRORS = (
    "adforge.domain.errors.DomainError",
    "adforge.ports.vendors.VendorError",
    "adforge.services.intake.ServiceUnavailable",
    "adforge.ports.assets.FetchFailed",
    "adforge.ports.assets.FetchRefused",
)


@dataclass(frozen=True)
class Outcome:
    ready: bool
    summary: str


def classify_import(error: Mapping[str, Any]) -> Outcome:
    return Outcome(False, f"import failed: {_said(error['chain'][0])}")


def classify(invocation: Mapping[str, Any]) -> Outcome:
    """Ready: it returned, or it raised because an AWS call failed (or as one of the app's mapped errors).

    A partial batch response is judged by the record failures behind it, and so is an aggregate error
    (Powertools' BatchProcessingError, an exception group): ready only when every one of them is.
    """
    if "returned" in invocation:
        answer = invocation["returned"]
        said = "returned" + "".join(f" {answer[k]}" for k in ("status", "code") if answer.get(k) is not None)
        failures = [classify_error(failure) for failure in invocation.get("failures", [])]
        if answer.get("batch_item_failures") and not failures:
            return Outcome(False, f"{said} {answer['batch_item_failures']} batch item failures, none seen")
        bad = _first_not_ready(failures)
        if bad is not None:
            return Outcome(False, f"{said}, a batch item failed: {bad.summary}")
        return Outcome(True, said + (f" ({len(failures)} batch item failures: {failures[0].summary})" if failures else ""))
    return classify_error(invocation["error"])


def classify_error(error: Mapping[str, Any]) -> Outcome:
    """Defects are looked for in the raised exception and what it was explicitly raised from (`from`); an
    exception merely being handled when another was raised (`context`) is not one. The AWS error that
    caused it may be anywhere in the chain (a library's own error raised while handling a ClientError)."""
    chain: list[Mapping[str, Any]] = error["chain"]
    top = chain[0]
    for link in itertools.takewhile(lambda item: item["via"] != "context", chain):
        if _first(link, DEFECTS):
            return Outcome(False, _said(link))
    children = [classify_error(child) for child in error.get("children", [])]
    if children:
        bad = _first_not_ready(children)
        if bad is not None:
            return Outcome(False, f"{_short(top)} of {bad.summary}")
        return Outcome(True, f"{_short(top)} of {len(children)}: {children[0].summary}")
    aws = next((link for link in chain if _first(link, AWS_ERRORS)), None)
    if aws is not None:
        return Outcome(True, f"AWS error {_short(top)}" + ("" if aws is top else f" <- {_short(aws)}"))
    if _first(top, MAPPED_ERRORS):
        return Outcome(True, f"app error {_short(top)}")
    return Outcome(False, f"unexpected {_said(top)}")


def _first_not_ready(outcomes: Iterable[Outcome]) -> Outcome | None:
    return next((outcome for outcome in outcomes if not outcome.ready), None)


def _first(link: Mapping[str, Any], names: Sequence[str]) -> str | None:
    """The first class of the link's MRO that is one of `names`."""
    return next((name for name in link["types"] if name in names), None)


def _short(link: Mapping[str, Any]) -> str:
    return str(link["types"][0]).rsplit(".", 1)[-1]


def _said(link: Mapping[str, Any]) -> str:
    """`Class: message` with the message's first three lines on one, cut at 200 characters."""
    message = " / ".join(line.strip() for line in str(link["message"]).strip().splitlines()[:3])
    return f"{_short(link)}: {message[:200]}" if message else _short(link)
