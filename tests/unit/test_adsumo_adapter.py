import json
import logging

import httpx
import pytest

from adforge.domain.models import JobKind, JobRequest, VendorState, VendorSubmission
from adforge.ports import vendors as errors
from adforge.vendors.adsumo import CAPABILITIES, USD_PER_CREDIT
from adforge.vendors.adsumo.client import AdsumoClient
from adforge.vendors.adsumo.gateway import AdsumoGateway
from adforge.vendors.adsumo.transform import (
    MODEL,
    RESOLUTION,
    edit_payload,
    estimate_credits,
    generation_ids,
    job_id,
    text_to_image_payload,
    to_update,
)
from tests.doc_examples.adsumo import ACCEPTED_RESPONSE, COMPLETED_RESPONSE
from tests.fakes import FakeFetcher

GEN = "f47ac10b-58cc-4372-a567-0e02b2c3d479"


def submission(image: str | None = "https://assets/p.png", **request) -> VendorSubmission:
    return VendorSubmission(request=JobRequest(prompt="red mug", **request), product_image_url=image)


def client_for(handler) -> AdsumoClient:
    return AdsumoClient(
        httpx.Client(
            base_url="https://www.adsumo.test",
            transport=httpx.MockTransport(handler),
            headers={"Authorization": "Bearer adsumo_sk_test"},
        )
    )


def recording(seen: list[httpx.Request], status: int = 202, body: object | None = None, headers=None):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = body if body is not None else {"generation_id": GEN, "type": "edit", "status": "processing"}
        return httpx.Response(status, json=answer, headers=headers)

    return client_for(handler)


def numbered(seen: list[httpx.Request], fail_at: int | None = None, status: int = 402):
    """Accepts each creation with the doc's 202 body under a new id (gen-1, gen-2, ...); the `fail_at`-th
    creation answers `status` instead."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == fail_at:
            return httpx.Response(status, json={"error": "Insufficient credits"})
        return httpx.Response(202, json={**ACCEPTED_RESPONSE, "generation_id": f"gen-{len(seen)}"})

    return client_for(handler)


def polled(answers: dict[str, dict[str, object]], seen: list[httpx.Request] | None = None):
    """Answers `GET /generations/{id}` from `answers`."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(200, json=answers[request.url.path.rsplit("/", 1)[1]])

    return client_for(handler)


def completed(generation: str, url: str) -> dict[str, object]:
    return {**COMPLETED_RESPONSE, "generation_id": generation, "result_url": url}


# credits ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "resolution", "quantity", "credits"),
    [
        ("fast", "1k", 1, 1),
        ("fast", "2k", 3, 6),
        ("fast", "4k", 8, 16),
        ("pro", "1k", 2, 4),
        ("pro", "2k", 1, 2),
        ("pro", "4k", 4, 16),  # the doc's own example
    ],
)
def test_credit_table(model, resolution, quantity, credits):
    assert estimate_credits(model, resolution, quantity) == credits


@pytest.mark.parametrize(
    ("model", "resolution", "quantity"), [("pro", "2k", 0), ("pro", "2k", 9), ("ultra", "1k", 1), ("pro", "8k", 1)]
)
def test_credit_estimate_refuses_what_the_table_does_not_price(model, resolution, quantity):
    with pytest.raises(ValueError):
        estimate_credits(model, resolution, quantity)


def test_declared_cost_is_one_output_at_the_chosen_model_and_resolution():
    assert CAPABILITIES.cost_per_output_usd == pytest.approx(estimate_credits(MODEL, RESOLUTION, 1) * USD_PER_CREDIT)


def test_capabilities_are_images_by_polling():
    assert (CAPABILITIES.kinds, CAPABILITIES.webhooks, CAPABILITIES.max_count) == (frozenset({JobKind.IMAGE}), False, 8)
    assert CAPABILITIES.why_not(JobRequest(prompt="red mug", aspect_ratios=["4:5"])) is not None
    assert CAPABILITIES.why_not(JobRequest(prompt="red mug", aspect_ratios=["16:9"], count=4)) is None


# request mapping --------------------------------------------------------------------------------
def test_text_to_image_payload():
    assert text_to_image_payload(submission(image=None, aspect_ratios=["9:16"], count=3)) == {
        "prompt": "red mug",
        "model": "pro",
        "aspect_ratio": "9:16",
        "quantity": 1,  # a count of 3 is three generations of one image each
        "resolution": "2k",
    }


def test_edit_payload_sends_the_product_photo_as_the_reference():
    assert edit_payload(submission(aspect_ratios=["16:9"]), "https://assets/p.png") == {
        "prompt": "red mug",
        "model": "pro",
        "aspect_ratio": "16:9",
        "quantity": 1,
        "resolution": "2k",
        "reference_image_urls": ["https://assets/p.png"],
    }


@pytest.mark.parametrize(
    ("image", "path", "extra"),
    [
        ("https://assets/p.png", "/api/v1/images/edit", {"reference_image_urls": ["https://assets/p.png"]}),
        (None, "/api/v1/images/text-to-image", {}),
    ],
)
def test_gateway_routes_by_product_image(image, path, extra):
    seen: list[httpx.Request] = []
    gateway = AdsumoGateway(recording(seen), FakeFetcher())
    assert gateway.submit(submission(image=image)) == GEN
    (request,) = seen
    assert (request.method, request.url.path) == ("POST", path)
    assert request.headers["Authorization"] == "Bearer adsumo_sk_test"
    body = json.loads(request.content)
    assert body == {"prompt": "red mug", "model": "pro", "aspect_ratio": "1:1", "quantity": 1, "resolution": "2k", **extra}


@pytest.mark.parametrize("image", ["https://assets/p.png", None])
@pytest.mark.parametrize("count", [1, 2, 4])
def test_a_count_of_n_starts_n_generations_of_one_image_joined_in_the_job_id(image, count):
    seen: list[httpx.Request] = []
    vendor_job_id = AdsumoGateway(numbered(seen), FakeFetcher()).submit(submission(image=image, count=count))
    assert vendor_job_id == ",".join(f"gen-{n}" for n in range(1, count + 1))
    assert len(seen) == count
    assert all(json.loads(request.content)["quantity"] == 1 for request in seen)
    assert generation_ids(vendor_job_id) == [f"gen-{n}" for n in range(1, count + 1)]


def test_a_later_generation_refused_raises_its_error_and_logs_the_paid_ones(caplog):
    seen: list[httpx.Request] = []
    gateway = AdsumoGateway(numbered(seen, fail_at=3), FakeFetcher())
    at_warning = caplog.at_level(logging.WARNING, logger="adforge.vendors.adsumo.gateway")
    with at_warning, pytest.raises(errors.VendorInsufficientCredits):  # a 402 keeps its type: `auto` fails over
        gateway.submit(submission(count=4))
    assert len(seen) == 3  # nothing is started after the refusal
    assert "gen-1,gen-2 already started, paid and unused" in caplog.text


def test_a_first_generation_refused_logs_nothing_paid(caplog):
    at_warning = caplog.at_level(logging.WARNING, logger="adforge.vendors.adsumo.gateway")
    with at_warning, pytest.raises(errors.VendorInsufficientCredits):
        AdsumoGateway(numbered([], fail_at=1), FakeFetcher()).submit(submission(count=2))
    assert "paid" not in caplog.text


def test_gateway_logs_the_credit_estimate_before_submitting(caplog):
    with caplog.at_level(logging.INFO, logger="adforge.vendors.adsumo.gateway"):
        AdsumoGateway(recording([]), FakeFetcher()).submit(submission(count=3))
    assert "estimated at 6 credits" in caplog.text


def test_product_shots_posts_to_its_endpoint():
    seen: list[httpx.Request] = []
    payload = {"product_id": "a1b2", "style_id": "lifestyle-outdoor", "model": "pro", "aspect_ratio": "16:9"}
    assert recording(seen).product_shots(payload)["generation_id"] == GEN
    assert (seen[0].url.path, json.loads(seen[0].content)) == ("/api/v1/images/product-shots", payload)


def test_status_is_one_poll_of_the_generation():
    seen: list[httpx.Request] = []
    client = recording(seen, 200, ACCEPTED_RESPONSE)
    update = AdsumoGateway(client, FakeFetcher()).status(GEN, JobKind.IMAGE)
    assert (update.vendor_job_id, update.state) == (GEN, VendorState.PROCESSING)
    assert [(r.method, r.url.path) for r in seen] == [("GET", f"/api/v1/generations/{GEN}")]


def test_status_polls_each_generation_once_and_collects_every_result_url():
    seen: list[httpx.Request] = []
    answers = {"g1": completed("g1", "https://cdn/1.png"), "g2": completed("g2", "https://cdn/2.png")}
    update = AdsumoGateway(polled(answers, seen), FakeFetcher()).status("g1,g2", JobKind.IMAGE)
    assert [(r.method, r.url.path) for r in seen] == [("GET", "/api/v1/generations/g1"), ("GET", "/api/v1/generations/g2")]
    assert (update.vendor_job_id, update.state, update.outputs) == (
        "g1,g2",
        VendorState.COMPLETED,
        ["https://cdn/1.png", "https://cdn/2.png"],
    )


def test_a_count_of_n_yields_n_outputs_end_to_end():
    seen: list[httpx.Request] = []
    gateway = AdsumoGateway(numbered(seen), FakeFetcher())
    vendor_job_id = gateway.submit(submission(count=3))
    answers = {g: completed(g, f"https://cdn/{g}.png") for g in generation_ids(vendor_job_id)}
    update = AdsumoGateway(polled(answers), FakeFetcher()).status(vendor_job_id, JobKind.IMAGE)
    assert update.outputs == ["https://cdn/gen-1.png", "https://cdn/gen-2.png", "https://cdn/gen-3.png"]


def test_generation_ids_are_escaped_in_the_path():
    seen: list[httpx.Request] = []
    recording(seen, 200, {"generation_id": "a/b", "status": "processing"}).generation("a/b")
    assert seen[0].url.raw_path == b"/api/v1/generations/a%2Fb"


@pytest.mark.parametrize("body", [{"status": "processing"}, {**ACCEPTED_RESPONSE, "generation_id": "a,b"}, {"generation_id": ""}])
def test_submit_answer_without_a_usable_generation_id_is_a_protocol_error(body):
    with pytest.raises(errors.VendorProtocolError):
        AdsumoGateway(recording([], 202, body), FakeFetcher()).submit(submission())


def test_the_doc_accepted_answer_is_the_job_id():
    assert AdsumoGateway(recording([], 202, ACCEPTED_RESPONSE), FakeFetcher()).submit(submission()) == GEN


@pytest.mark.parametrize("vendor_job_id", ["", "a,,b", ",a"])
def test_a_malformed_job_id_is_not_found(vendor_job_id):
    with pytest.raises(errors.VendorNotFound):
        generation_ids(vendor_job_id)


def test_job_id_joins_in_order():
    assert job_id(["a", "b", "c"]) == "a,b,c"


def test_outputs_are_opened_through_the_fetcher():
    fetcher = FakeFetcher()
    with AdsumoGateway(recording([]), fetcher).open_output("https://cdn.adsumo.ai/generations/f47.png") as output:
        assert b"".join(output.chunks()) == b"https://cdn.adsumo.ai/generations/f47.png"
    assert fetcher.opened == ["https://cdn.adsumo.ai/generations/f47.png"]


# status mapping ---------------------------------------------------------------------------------
def test_the_doc_completed_example_reads_its_result_url():
    update = to_update(GEN, [COMPLETED_RESPONSE])
    assert (update.vendor_job_id, update.state, update.outputs, update.error) == (
        GEN,
        VendorState.COMPLETED,
        ["https://cdn.adsumo.ai/generations/f47ac10b.png"],
        None,
    )


def test_the_doc_accepted_example_is_processing():
    assert to_update(GEN, [ACCEPTED_RESPONSE]).state is VendorState.PROCESSING


def test_result_urls_is_not_read():
    """Only the documented `result_url`: a `result_urls` list (shown by no doc example) neither adds outputs
    nor stands in for a missing `result_url`."""
    assert to_update(GEN, [{**COMPLETED_RESPONSE, "result_urls": ["u0", "u1"]}]).outputs == [COMPLETED_RESPONSE["result_url"]]
    body = {k: v for k, v in COMPLETED_RESPONSE.items() if k != "result_url"}
    with pytest.raises(errors.VendorProtocolError):
        to_update(GEN, [{**body, "result_urls": ["u0", "u1"]}])


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (["completed", "processing"], VendorState.PROCESSING),
        (["processing", "processing"], VendorState.PROCESSING),
        (["pending", "processing"], VendorState.PROCESSING),
        (["pending", "queued"], VendorState.PENDING),
        (["completed", "completed"], VendorState.COMPLETED),
        (["completed", "failed"], VendorState.FAILED),
        (["failed", "processing"], VendorState.FAILED),  # seen at once, not when the others finish
    ],
)
def test_generations_combine(states, expected):
    bodies = [
        completed(f"g{n}", f"https://cdn/{n}.png") if state == "completed" else {**ACCEPTED_RESPONSE, "status": state}
        for n, state in enumerate(states)
    ]
    update = to_update("g0,g1", bodies)
    assert (update.vendor_job_id, update.state) == ("g0,g1", expected)
    assert update.outputs == (["https://cdn/0.png", "https://cdn/1.png"] if expected is VendorState.COMPLETED else [])


def test_a_failed_generation_fails_the_job_with_its_error():
    bodies = [completed("g0", "https://cdn/0.png"), {"generation_id": "g1", "status": "failed", "error": "Model overloaded"}]
    update = to_update("g0,g1", bodies)
    assert update.state is VendorState.FAILED and update.outputs == []
    assert (update.error.code, update.error.message) == ("generation_failed", "Model overloaded")


@pytest.mark.parametrize(
    ("status", "state"),
    [("processing", "processing"), ("PROCESSING", "processing"), ("pending", "pending"), ("queued", "pending")],
)
def test_in_progress_states(status, state):
    update = to_update(GEN, [{"generation_id": GEN, "status": status, "result_url": "ignored-until-completed"}])
    assert (update.state, update.outputs) == (VendorState(state), [])


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        ("Generation failed: model error", "generation_failed", "Generation failed: model error"),
        ({"code": "nsfw", "message": "blocked"}, "nsfw", "blocked"),
        (None, "generation_failed", "generation failed"),
    ],
)
def test_failed_carries_the_error(error, code, message):
    update = to_update(GEN, [{"generation_id": GEN, "status": "failed", "error": error}])
    assert update.state is VendorState.FAILED
    assert (update.error.code, update.error.message) == (code, message)


@pytest.mark.parametrize(
    "body",
    [
        {"generation_id": GEN, "status": "completed"},
        {"generation_id": GEN, "status": "completed", "result_url": ""},
        {"generation_id": GEN, "status": "exploded"},
        {"generation_id": GEN},
        ["not", "an", "object"],
    ],
)
def test_unreadable_status_bodies_are_protocol_errors(body):
    with pytest.raises(errors.VendorProtocolError):
        to_update(GEN, [body])


# errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, errors.VendorRejected),
        (401, errors.VendorAuthFailed),
        (402, errors.VendorInsufficientCredits),
        (404, errors.VendorNotFound),
        (429, errors.VendorRateLimited),
        (500, errors.VendorUnavailable),
    ],
)
@pytest.mark.parametrize("body", [{"error": "vendor said so"}, {"error": {"code": "x", "message": "vendor said so"}}])
def test_documented_statuses_map_to_typed_errors(status, expected, body):
    with pytest.raises(errors.VendorError) as raised:
        recording([], status, body).edit({"prompt": "x"})
    assert type(raised.value) is expected
    assert raised.value.message == "vendor said so"
    assert raised.value.retryable is (status in (429, 500))


def test_rate_limit_keeps_retry_after():
    with pytest.raises(errors.VendorRateLimited) as raised:
        recording([], 429, {"error": "Rate limit exceeded"}, {"Retry-After": "17"}).text_to_image({"prompt": "x"})
    assert raised.value.retry_after == 17.0


def test_an_error_without_a_json_body_still_maps_by_status():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="<html>oops</html>")

    client = AdsumoClient(httpx.Client(base_url="https://www.adsumo.test", transport=httpx.MockTransport(handler)))
    with pytest.raises(errors.VendorUnavailable) as raised:
        client.generation(GEN)
    assert raised.value.message == "HTTP 500"


def test_network_failure_is_unavailable():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = AdsumoClient(httpx.Client(base_url="https://www.adsumo.test", transport=httpx.MockTransport(handler)))
    with pytest.raises(errors.VendorUnavailable):
        client.generation(GEN)


def test_admission_counts_one_creation_per_output():
    """N outputs are N creation requests: the account's creation bucket is charged N tokens."""
    from adforge.vendors.rate_limits import limits_for

    assert limits_for("adsumo", "adsumo", {"api_key": "k"}).creation(JobRequest(prompt="a red mug", count=3))[2] == 3


@pytest.mark.parametrize(
    "fields",
    [
        {"preset": "lifestyle-outdoor"},  # style_id belongs to product-shots, which is not routed
        {"negative_prompt": "blur"},
        {"background": "transparent", "image": None},
    ],
)
def test_options_the_doc_does_not_show_are_refused(fields):
    assert CAPABILITIES.why_not(JobRequest(prompt="red mug", **fields)) is not None
