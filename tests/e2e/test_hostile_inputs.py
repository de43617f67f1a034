"""Hostile inputs on the live local stack: one answer for every refused URL, nothing written, batches item by item."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from adforge.ports.assets import REFUSED

pytestmark = pytest.mark.e2e

REFUSED_URLS = [
    "https://10.20.30.40/p.png",
    "https://169.254.169.254/latest/meta-data/",
    "https://nowhere.invalid/p.png",
    "https://0177.0.0.1/p.png",
    "https://256.1.1.1/p.png",
    "https://[::1/p.png",
    "https://example.com:99999/p.png",
    "https://example.com/" + "a" * 70_000,
    "ftp://example.com/p.png",
    "https://user:pw@example.com/p.png",
]


def jobs_of(tenant) -> list[str]:
    return [job["id"] for job in tenant.api.get("/v1/jobs", params={"limit": 100}).json()["jobs"]]


def test_every_refused_url_answers_the_same_422_and_writes_nothing(stack, acme):
    before = jobs_of(acme)
    answers = [acme.api.post("/v1/jobs", json={"prompt": "a red mug", "image": {"url": url}}) for url in REFUSED_URLS]
    bodies = {(a.status_code, a.json()["error"]["code"], a.json()["error"]["message"]) for a in answers}
    assert bodies == {(422, "url_not_allowed", REFUSED)}
    for answer in answers:
        assert "10.20.30.40" not in answer.text and "nowhere" not in answer.text
    assert jobs_of(acme) == before


def test_a_plain_http_webhook_url_is_refused_when_it_is_not_loopback(stack, acme):
    answer = acme.api.post("/v1/jobs", json={"prompt": "a red mug", "webhook_url": "http://hooks.example.com/adforge"})
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "url_not_allowed")


def test_a_malformed_url_in_a_batch_refuses_that_item_only(stack, acme):
    items = [
        {"prompt": "a red mug", "image": {"key": acme.upload_key}},
        {"prompt": "a red mug", "image": {"url": "https://0177.0.0.1/p.png"}},
        {"prompt": "a red mug", "image": {"key": acme.upload_key}},
    ]
    answer = acme.api.post("/v1/batches", json={"items": items})
    assert answer.status_code == 207, answer.text
    results = answer.json()["items"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert results[1]["error"]["code"] == "url_not_allowed"
    for result in results:
        if result["status"] == "accepted":
            stack.wait_for_execution(result["job"]["id"])


@pytest.mark.parametrize(("field", "value"), [("count", "2"), ("count", True), ("metadata", {"k" * 65: "v"})])
def test_lax_types_and_oversized_fields_are_refused_with_nothing_written(stack, acme, field, value):
    before = jobs_of(acme)
    answer = acme.api.post("/v1/jobs", json={"prompt": "a red mug", field: value})
    assert answer.status_code == 422 and "error" in answer.json()
    assert jobs_of(acme) == before


def test_a_presigned_upload_signs_its_type_and_length_with_sigv4(stack, acme):
    ticket = acme.api.post("/v1/uploads", json={"content_type": "image/png", "content_length": 2436}).json()
    query = parse_qs(urlsplit(ticket["url"]).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    signed = query["X-Amz-SignedHeaders"][0].split(";")
    assert "content-length" in signed and "content-type" in signed
    ok = httpx.put(ticket["url"], content=b"\x89PNG" + b"\x00" * 2432, headers=ticket["headers"])
    assert ok.status_code == 200, ok.text
