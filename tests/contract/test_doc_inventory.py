"""tests/doc_examples holds every example of every vendor doc, verbatim, and nothing else.

Each doc is scanned for JSON blocks (objects, and arrays of objects; the photoshoot preset example's stray
non-breaking spaces are dropped first, as JSON needs) and Python `json={...}` literals: every block must be one of its
module's examples, and every example one of the doc's blocks. Multipart fields (`-F`, `--form`, `StringContent`) and
example query strings are matched against the doc's text the same way. Skipped where the docs are not beside the
repository (../shared/vendors).
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.contract.docs import DOCS
from tests.doc_examples import adcreative, adcreator, adsumo, creativeai

Forms = dict[str, tuple[dict[str, str], dict[str, str]]]

INVENTORY: dict[str, tuple[dict[str, Any], Forms, dict[str, dict[str, str]]]] = {
    "creativeai-api.txt": (creativeai.EXAMPLES, creativeai.FORMS, {}),
    "adsumo-image-api.txt": (adsumo.EXAMPLES, adsumo.FORMS, {}),
    "adcreator-platform-api.txt": (adcreator.EXAMPLES, adcreator.FORMS, {}),
    "adcreative-product-photoshoot-api.txt": (adcreative.PHOTOSHOOT_EXAMPLES, adcreative.PHOTOSHOOT_FORMS, {}),
    "adcreative-stock-image-api.txt": (adcreative.STOCK_EXAMPLES, adcreative.STOCK_FORMS, adcreative.STOCK_QUERIES),
}

pytestmark = pytest.mark.skipif(not DOCS.is_dir(), reason=f"the vendor docs are not at {DOCS}")


def doc_text(doc: str) -> str:
    return (DOCS / doc).read_text(encoding="utf-8").replace("\u0392\u00a0", " ").replace("\u0392 ", " ")


def json_blocks(text: str) -> list[tuple[int, Any]]:
    """(line, value) of every JSON object, or non-empty array of objects, not inside another."""
    decoder, found, i = json.JSONDecoder(), [], 0
    while i < len(text):
        if text[i] in "{[":
            try:
                value, end = decoder.raw_decode(text, i)
            except ValueError:
                value, end = None, i + 1
            is_object = isinstance(value, dict) and value
            is_objects = isinstance(value, list) and value and all(isinstance(item, dict) for item in value)
            if is_object or is_objects:
                found.append((text.count("\n", 0, i) + 1, value))
                i = end
                continue
        i += 1
    return found


def python_literals(text: str) -> list[tuple[int, Any]]:
    """The `json={...}` dicts of the doc's Python examples."""
    found = []
    for match in re.finditer(r"json=\{", text):
        start, depth = match.end() - 1, 0
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                found.append((text.count("\n", 0, start) + 1, ast.literal_eval(text[start : end + 1])))
                break
    return found


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


@pytest.mark.parametrize("doc", sorted(INVENTORY))
def test_every_block_of_the_doc_is_a_verbatim_example_and_every_example_a_block(doc):
    examples = INVENTORY[doc][0]
    text = doc_text(doc)
    blocks = json_blocks(text) + python_literals(text)
    kept = {canonical(value): name for name, value in examples.items()}
    missing = [(line, canonical(value)[:80]) for line, value in blocks if canonical(value) not in kept]
    assert not missing, f"{doc}: blocks with no verbatim copy in tests/doc_examples: {missing}"
    in_doc = {canonical(value) for _, value in blocks}
    invented = sorted(name for key, name in kept.items() if key not in in_doc)
    assert not invented, f"{doc}: examples that are no block of the doc (edited or made up): {invented}"


def form_in_doc(text: str, name: str, value: str) -> bool:
    escaped = value.replace('"', '\\"')
    return any(
        candidate in text
        for candidate in (f"{name}={value}", f'{name}="{value}"', f'{name}="{escaped}"', f'StringContent("{value}"), "{name}"')
    )


@pytest.mark.parametrize("doc", sorted(INVENTORY))
def test_every_multipart_example_is_the_docs_and_every_documented_form_field_is_kept(doc):
    forms = INVENTORY[doc][1]
    text = doc_text(doc)
    for name, (fields, files) in forms.items():
        for field, value in fields.items():
            assert form_in_doc(text, field, value), f"{doc} {name}: {field}={value!r} is not the doc's"
        for field, filename in files.items():
            assert f"{field}=@{filename}" in text or f'{field}=@"{filename}"' in text, f"{doc} {name}: file {field}"
    shown = set(re.findall(r"(?:-F|--form) ['\"]?([A-Za-z_]+)=", text))
    shown |= set(re.findall(r'StringContent\("[^"]*"\), "([A-Za-z_]+)"', text))
    kept = {field for fields, files in forms.values() for field in (*fields, *files)}
    assert shown <= kept, f"{doc}: form fields the doc shows that no kept example has: {sorted(shown - kept)}"


@pytest.mark.parametrize("doc", sorted(INVENTORY))
def test_every_example_query_string_is_kept_verbatim(doc):
    queries = INVENTORY[doc][2]
    urls = re.findall(r"https://[^\s'\"]+\?[^\s'\"]+", doc_text(doc))
    shown = {canonical(dict(parse_qsl(urlsplit(url).query))) for url in urls}
    assert shown == {canonical(query) for query in queries.values()}
