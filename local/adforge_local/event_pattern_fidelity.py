"""EventBridge refuses a rule whose pattern it cannot read; moto 5.2.5 stores it and then matches too much.

moto checks only that a pattern's values are objects or non-empty arrays, and its matcher answers True for a match
type it does not know (`EventPattern._does_item_match_named_filter`: `return True` after the known names). So a
misspelt or unsupported filter (`{"wildcards": ...}`, `{"contains": ...}`) would pass every event here, and PutRule
in AWS refuses it (InvalidEventPatternException). Installed by the local stack, this makes moto's pattern parser
refuse what EventBridge's content filtering does not define (the documented match types and the shapes of their
values; `$or` of patterns; moto's own two checks kept) before the rule is stored: a template rule that would not
deploy does not provision either. moto is pinned exactly; tests/integration/test_event_patterns.py fails loudly if
the seam moves.
"""

from __future__ import annotations

from typing import Any

from moto.events.exceptions import InvalidEventPatternException
from moto.events.models import EventPatternParser

ORIGINAL_VALIDATE = EventPatternParser._validate_event_pattern
STRING_MATCHES = {"equals-ignore-case", "cidr", "wildcard"}
AFFIX_MATCHES = {"prefix", "suffix"}  # a string, or {"equals-ignore-case": string}
NUMERIC_OPERATORS = {"<", "<=", "=", ">", ">="}
ANYTHING_BUT_OBJECTS = {"prefix", "suffix", "equals-ignore-case", "wildcard"}


def problems(pattern: dict[str, Any], path: str = "") -> list[str]:
    """Why EventBridge would refuse `pattern` (empty when it would not), each naming the field."""
    found: list[str] = []
    for key, value in pattern.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2 or not all(isinstance(p, dict) for p in value):
                found.append(f"{where}: $or takes an array of at least two patterns")
            else:
                found += [problem for branch in value for problem in problems(branch, where)]
        elif isinstance(value, dict):
            found += problems(value, where)
        elif isinstance(value, list) and value:
            found += [problem for item in value for problem in _leaf(item, where)]
        else:
            found.append(f"{where}: must be an object or a non-empty array")
    return found


def _leaf(item: Any, where: str) -> list[str]:
    if item is None or isinstance(item, str | int | float | bool):
        return []
    if not isinstance(item, dict) or len(item) != 1:
        return [f"{where}: a match is a value or an object of exactly one match type"]
    ((match, value),) = item.items()
    if match in AFFIX_MATCHES:
        ok = isinstance(value, str) or (
            isinstance(value, dict) and set(value) == {"equals-ignore-case"} and isinstance(value["equals-ignore-case"], str)
        )
    elif match in STRING_MATCHES:
        ok = isinstance(value, str) and not (match == "wildcard" and "**" in value)  # consecutive wildcards refused
    elif match == "exists":
        ok = isinstance(value, bool)
    elif match == "numeric":
        ok = _numeric(value)
    elif match == "anything-but":
        ok = _anything_but(value)
    else:
        return [f"{where}: Unrecognized match type {match}"]
    return [] if ok else [f"{where}: malformed {match} match {value!r}"]


def _numeric(value: Any) -> bool:
    if not isinstance(value, list) or len(value) not in (2, 4):
        return False
    pairs = zip(value[::2], value[1::2], strict=True)
    return all(op in NUMERIC_OPERATORS and isinstance(n, int | float) and not isinstance(n, bool) for op, n in pairs)


def _anything_but(value: Any) -> bool:
    if isinstance(value, str | int | float):
        return True
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, str | int | float) for v in value)
    if isinstance(value, dict) and len(value) == 1:
        ((match, inner),) = value.items()
        return match in ANYTHING_BUT_OBJECTS and isinstance(inner, str | list)
    return False


def _validate(parser: EventPatternParser, pattern: dict[str, Any]) -> None:
    """In place of moto's check (which recurses through itself, so it is not called: `problems` makes its checks)."""
    found = problems(pattern)
    if found:
        raise InvalidEventPatternException(reason="; ".join(found))


def install() -> None:
    EventPatternParser._validate_event_pattern = _validate  # type: ignore[method-assign, assignment]


def uninstall() -> None:
    EventPatternParser._validate_event_pattern = ORIGINAL_VALIDATE  # type: ignore[method-assign]
