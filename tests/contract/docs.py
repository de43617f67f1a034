"""Helpers of the doc-example suite: a recording vendor on httpx.MockTransport, and request specs written from the docs.

A `Spec` is one documented endpoint: method, path, the headers the doc requires, the body's encoding and every field
name the doc documents for it (body, form or query). `check()` holds a request the adapter sent to the spec of its
endpoint: a request to no documented endpoint, a missing header, an undocumented field or a value outside a documented
range fails. The docs' own request examples are held to the same specs (each vendor's test), so a spec can be no
looser than its doc's examples allow and no stricter than they show.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

DOCS = Path(__file__).resolve().parents[2].parent / "shared" / "vendors"  # the vendor docs, beside the repository

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


@dataclass(frozen=True)
class Spec:
    method: str
    path: str  # a regex over the URL path, anchored at both ends
    headers: Mapping[str, str] = field(default_factory=dict)  # header -> regex its value must match
    body: str = "none"  # "json" | "multipart" | "none"
    fields: frozenset[str] = frozenset()  # every documented field name (body, form parts or query)
    required: frozenset[str] = frozenset()
    nested: Mapping[str, frozenset[str]] = field(default_factory=dict)  # list field -> its items' documented keys
    values: Mapping[str, Callable[[Any], bool]] = field(default_factory=dict)  # field -> documented range
    note: str = ""  # where the doc is silent: the assumption (the vendor package's notes) this spec holds it to

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and re.fullmatch(self.path, path) is not None


def one_of(*allowed: Any) -> Callable[[Any], bool]:
    return lambda value: value in allowed


def between(low: float, high: float) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high


def multipart(request: httpx.Request) -> tuple[dict[str, str], dict[str, str]]:
    """(text fields, file fields -> file name) of a multipart/form-data request."""
    request.read()
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    fields: dict[str, str] = {}
    files: dict[str, str] = {}
    for part in request.content.split(b"--" + boundary)[1:-1]:
        head, _, body = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        assert name is not None, f"a multipart part without a name: {head!r}"
        filename = re.search(rb'filename="([^"]*)"', head)
        if filename is not None:
            files[name.group(1).decode()] = filename.group(1).decode()
        else:
            fields[name.group(1).decode()] = body[:-2].decode()
    return fields, files


def sent_fields(request: httpx.Request, spec: Spec) -> dict[str, Any]:
    """Every field a request carries: its query, and its JSON or multipart body (files by name)."""
    found: dict[str, Any] = dict(parse_qsl(request.url.query.decode()))
    if spec.body == "json":
        body = json.loads(request.read())
        assert isinstance(body, dict), f"{spec.method} {spec.path}: the body is not a JSON object"
        found.update(body)
    elif spec.body == "multipart":
        text, files = multipart(request)
        found.update(text)
        found.update(files)
    else:
        assert not request.read(), f"{spec.method} {spec.path} documents no body"
    return found


def check_fields(where: str, spec: Spec, found: Mapping[str, Any]) -> None:
    """A request's (or a doc example's) fields against the spec: documented names only, required ones present,
    documented values."""
    undocumented = set(found) - spec.fields
    assert not undocumented, f"{where}: fields the doc does not document: {sorted(undocumented)}"
    missing = spec.required - set(found)
    assert not missing, f"{where}: required fields missing: {sorted(missing)}"
    for name, keys in spec.nested.items():
        for item in found.get(name) or []:
            assert isinstance(item, dict) and set(item) <= keys, f"{where}: {name}[] item {item} has undocumented keys"
    for name, ok in spec.values.items():
        if name in found:
            assert ok(found[name]), f"{where}: {name}={found[name]!r} is outside what the doc documents"


def spec_for(specs: list[Spec], method: str, path: str) -> Spec:
    matching = [spec for spec in specs if spec.matches(method, path)]
    assert matching, f"{method} {path} is no endpoint the doc documents"
    return matching[0]


def check(request: httpx.Request, specs: list[Spec]) -> None:
    spec = spec_for(specs, request.method, request.url.path)
    where = f"{request.method} {request.url.path}"
    for name, pattern in spec.headers.items():
        value = request.headers.get(name)
        assert value is not None and re.fullmatch(pattern, value), f"{where}: header {name}={value!r} is not {pattern!r}"
    check_fields(where, spec, sent_fields(request, spec))


class Vendor:
    """A vendor on httpx.MockTransport: answers by (method, path regex), keeps every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: list[tuple[str, str, Answer]] = []

    def on(self, method: str, path: str, answer: Answer) -> Vendor:
        """`path` is a regex over the URL path; a later route for the same request wins."""
        self.routes.insert(0, (method, path, answer))
        return self

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        for method, path, answer in self.routes:
            if request.method == method and re.fullmatch(path, request.url.path):
                return answer(request) if callable(answer) else answer
        return httpx.Response(404, json={"error": f"no route for {request.method} {request.url.path}"})

    def http(self, base_url: str, headers: Mapping[str, str] | None = None) -> httpx.Client:
        return httpx.Client(base_url=base_url, transport=httpx.MockTransport(self.handle), headers=dict(headers or {}))

    def serve(self, gateway: Any) -> Any:
        """`gateway` (built by its vendor's `build`, so with the headers and base URL configuration gives it) now
        talks to this mock: its client's transport is swapped, nothing else."""
        gateway._client._http._transport = httpx.MockTransport(self.handle)
        return gateway

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and re.fullmatch(path, r.url.path)]


def answer(status: int, body: Any, headers: Mapping[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=dict(headers or {}))


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class PhotoDownload:
    content_type = "image/png"

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.declared_length: int | None = len(data)

    def chunks(self) -> Iterator[bytes]:
        yield self.data


class PhotoFetcher:
    """A `Fetcher` serving one product photo (a PNG) at every URL, keeping the URLs opened."""

    def __init__(self, data: bytes = PNG) -> None:
        self.data = data
        self.opened: list[str] = []

    def check(self, url: str) -> None:
        return None

    @contextmanager
    def _open(self, url: str) -> Iterator[PhotoDownload]:
        self.opened.append(url)
        yield PhotoDownload(self.data)

    def open(self, url: str) -> Any:
        return self._open(url)


def meaning_tests(meanings: Mapping[str, Callable[[], None]], documented: set[str]) -> tuple[Callable[..., None], ...]:
    """The two tests every vendor's doc suite has: each documented example (by name) has a meaning check, and each
    check passes. Bound at module level (`test_a, test_b = meaning_tests(...)`) so pytest collects them."""

    def test_every_example_of_the_doc_has_a_meaning_here() -> None:
        assert set(meanings) == documented

    @pytest.mark.parametrize("name", sorted(meanings))
    def test_the_doc_example_means_what_the_doc_says(name: str) -> None:
        meanings[name]()

    return test_every_example_of_the_doc_has_a_meaning_here, test_the_doc_example_means_what_the_doc_says
