"""The OpenAPI document, built in-process: valid 3.1, one error shape, and every status a route can answer documented.

Two checks keep the document honest: a static one (every `ApiError(<status>, ...)` a route can reach, and every
status the shared handlers map an exception to, is documented on that route) and a behavioural one (each route is
driven in-process into each of its answers, and the status and body must be what the document says).
"""

import ast
import base64
import inspect
import itertools
import json
from types import SimpleNamespace

import jsonschema
import pytest
from openapi_spec_validator import validate

from adforge import bootstrap
from adforge.api import http as http_api
from adforge.api.errors import TABLE
from adforge.api.http import http_function
from adforge.api.routes import docs, jobs, shop_webhooks, vendor_callbacks
from adforge.domain.models import Job, JobRequest
from adforge.domain.status import JobStatus
from adforge.ports.jobs import InvalidCursor
from adforge.services.intake import JobIntake
from adforge.services.tenant_jobs import TenantJobs
from tests.fakes import FakeAssets, FakeEvents, FakeFetcher, FakeJobs, FakeWorkflow, vendor

DOCUMENT = json.loads(docs.document())
OPERATIONS = {op["operationId"]: op for item in DOCUMENT["paths"].values() for op in item.values()}
ROUTE_MODULES = (jobs, vendor_callbacks, shop_webhooks)


def documented(operation_id: str) -> set[int]:
    return {int(status) for status in OPERATIONS[operation_id]["responses"]}


def conforms(instance, schema) -> None:
    jsonschema.validate(instance, {**schema, "components": DOCUMENT["components"]})


def test_the_document_is_valid_openapi_3_1():
    validate(DOCUMENT)
    assert DOCUMENT["openapi"] == "3.1.0"


def test_every_error_answer_is_the_one_error_shape_and_no_unsent_schema_is_left():
    for operation_id, operation in OPERATIONS.items():
        for status, response in operation["responses"].items():
            schema = response["content"]["application/json"]["schema"]
            if int(status) >= 400:
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (operation_id, status)
    error = DOCUMENT["components"]["schemas"]["ErrorDetail"]
    assert set(error["required"]) == {"code", "message", "request_id"}
    assert "HTTPValidationError" not in json.dumps(DOCUMENT)


def test_operations_are_named_tagged_and_secured_except_the_webhook_routes():
    assert set(OPERATIONS) == {"createJob", "listJobs", "getJob", "cancelJob", "createBatch", "createUpload",
                               "listVendors", "receiveVendorWebhook", "receiveProductWebhook"}  # fmt: skip
    assert DOCUMENT["security"] == [{"bearerAuth": []}]
    bearer = DOCUMENT["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    for operation_id, operation in OPERATIONS.items():
        assert operation["tags"], operation_id
        assert ("security" in operation) == operation_id.startswith("receive"), operation_id
        if "security" in operation:
            assert operation["security"] == []


def parameters(operation_id: str) -> dict[tuple[str, str], dict]:
    return {(p["in"], p["name"]): p for p in OPERATIONS[operation_id].get("parameters", [])}


def test_headers_query_parameters_and_enums_are_documented():
    assert parameters("createJob")[("header", "Idempotency-Key")]["schema"]["maxLength"] == 255
    assert {("query", "limit"), ("query", "cursor")} <= set(parameters("listJobs"))
    vendor_hook = parameters("receiveVendorWebhook")
    assert {("query", "job"), ("query", "token"), ("header", "X-CreativeAI-Signature")} <= set(vendor_hook)
    assert set(vendor_hook[("path", "vendor")]["schema"]["enum"]) == set(bootstrap.capabilities())
    product_hook = parameters("receiveProductWebhook")
    assert product_hook[("path", "platform")]["schema"]["enum"] == ["shopify", "woocommerce"]
    assert {("header", "X-Shopify-Hmac-Sha256"), ("header", "X-WC-Webhook-Signature")} <= set(product_hook)
    for operation_id in ("receiveVendorWebhook", "receiveProductWebhook"):
        assert OPERATIONS[operation_id]["requestBody"]["required"] is True
    schemas = DOCUMENT["components"]["schemas"]
    assert set(schemas["JobRequest"]["properties"]["vendor"]["enum"]) == {"auto", *bootstrap.capabilities()}
    assert schemas["JobStatus"]["enum"] == [status.value for status in JobStatus]
    assert schemas["JobView"]["properties"]["status"] == {"$ref": "#/components/schemas/JobStatus"}


def test_model_rules_that_json_schema_can_say_are_in_the_schema():
    schemas = DOCUMENT["components"]["schemas"]
    image = {"$ref": "#/components/schemas/ProductImage"}
    conforms({"key": "k"}, image)
    conforms({"url": "https://x.example/p.png", "key": None}, image)
    for both_or_neither in ({}, {"key": "k", "url": "https://x.example/p.png"}, {"key": None}):
        with pytest.raises(jsonschema.ValidationError):
            conforms(both_or_neither, image)
    assert schemas["JobRequest"]["properties"]["aspect_ratios"]["uniqueItems"] is True
    request = {"$ref": "#/components/schemas/JobRequest"}
    for refused in ({"prompt": "a mug", "video": {}}, {"prompt": "a mug", "kind": "video", "background": "transparent"}):
        with pytest.raises(jsonschema.ValidationError):
            conforms(refused, request)
        with pytest.raises(ValueError):
            JobRequest.model_validate(refused)  # the schema says no more than the model does
    assert schemas["BatchRequest"]["properties"]["items"]["items"] == request


def test_outbound_notifications_are_described_as_openapi_webhooks():
    notification = DOCUMENT["webhooks"]["jobFinished"]["post"]
    assert {p["name"] for p in notification["parameters"]} == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    body = notification["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/JobNotification"}
    data = DOCUMENT["components"]["schemas"]["JobNotificationData"]["properties"]
    assert {"job_id", "status", "assets", "error", "metadata"} <= set(data)


# --- statically: what the route code can raise -------------------------------------------------------------------


def _raised_statuses(function, module) -> set[int]:
    """`ApiError(<status>` in the function and in the module's own functions it calls, transitively."""
    seen: set[str] = set()
    statuses: set[int] = set()
    pending = [function.__name__]
    while pending:
        name = pending.pop()
        if name in seen or not inspect.isfunction(getattr(module, name, None)):
            continue
        seen.add(name)
        tree = ast.parse(inspect.getsource(getattr(module, name)).lstrip())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id == "ApiError" and isinstance(node.args[0], ast.Constant):
                    statuses.add(node.args[0].value)
                pending.append(node.func.id)
    return statuses


def _handled_statuses() -> set[int]:
    """Every status install_error_handlers maps an exception to: its own, and the error table's."""
    tree = ast.parse(inspect.getsource(http_api.install_error_handlers).lstrip())
    own = {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "error_response"
        if isinstance(node.args[1], ast.Constant)
    }
    return own | {row.status for row in TABLE.values()}


def _routes():
    for module in ROUTE_MODULES:
        for function in vars(module).values():
            if (
                inspect.isfunction(function)
                and function.__module__ == module.__name__
                and "@router." in inspect.getsource(function)
            ):
                yield module, function


@pytest.mark.parametrize("module,function", list(_routes()), ids=lambda v: getattr(v, "__name__", ""))
def test_every_status_a_route_raises_is_documented_on_it(module, function):
    source = inspect.getsource(function)
    operation_id = source.split('operation_id="', 1)[1].split('"', 1)[0]
    raised = _raised_statuses(function, module)
    assert raised <= documented(operation_id), f"{operation_id} raises {sorted(raised - documented(operation_id))}"


def test_the_static_check_finds_the_routes_own_answers():
    assert any(_raised_statuses(function, module) for module, function in _routes()), "it would prove nothing"


def test_the_shared_handlers_answer_only_documented_kinds_of_status():
    assert _handled_statuses() <= set(http_api.ERRORS)


# --- behaviourally: each JSON route driven into its answers, in process ------------------------------------------


class Jobs(FakeJobs):
    def list_for_tenant(self, tenant_id, limit, cursor):
        if cursor is not None and not cursor.isdigit():
            raise InvalidCursor("the cursor is not one we issued")
        return super().list_for_tenant(tenant_id, limit, cursor)


class BrokenWorkflow(FakeWorkflow):
    def start(self, job):
        raise RuntimeError("Step Functions is down")


@pytest.fixture
def api(monkeypatch, two_vendors):
    """The API function's handler with fakes behind bootstrap; `call(method, path, ...)` -> (status, body)."""
    store = Jobs()
    workflow = FakeWorkflow()
    ids = itertools.count(1)
    vendors = two_vendors[1].vendors

    def intake():
        return JobIntake(store, FakeAssets(), FakeEvents(), workflow, FakeFetcher(), vendors, new_id=lambda: f"job_{next(ids)}")

    made = {"intake": intake}
    monkeypatch.setattr(bootstrap, "intake", lambda: made["intake"]())  # noqa: PLW0108 (a test swaps made["intake"])
    monkeypatch.setattr(
        bootstrap, "tenant_jobs", lambda: TenantJobs(store, FakeAssets(), FakeEvents(), workflow, vendors=vendors)
    )
    monkeypatch.setattr(bootstrap, "input_assets", FakeAssets)
    handler = http_function("api", jobs.router, docs.router, validation=True)
    context = SimpleNamespace(function_name="api", memory_limit_in_mb=128, aws_request_id="r",
                              invoked_function_arn="arn:aws:lambda:eu-west-1:000000000000:function:api")  # fmt: skip

    def call(method, path, body=None, headers=None, query=None, tenant="acme", raw=None, encoded=False):
        text = raw if raw is not None else (json.dumps(body) if body is not None else None)
        event = {
            "resource": path, "path": path, "httpMethod": method,
            "headers": {"Content-Type": "application/json", **(headers or {})},
            "multiValueHeaders": {}, "queryStringParameters": query, "multiValueQueryStringParameters":
            {k: [v] for k, v in (query or {}).items()} or None, "pathParameters": None,
            "requestContext": {"requestId": "req-1", "authorizer": {"tenant_id": tenant} if tenant else {}},
            "body": text, "isBase64Encoded": encoded,
        }  # fmt: skip
        answer = handler(event, context)
        return answer["statusCode"], json.loads(answer["body"]) if answer.get("body") else None

    call.store = store  # type: ignore[attr-defined]
    call.made = made  # type: ignore[attr-defined]
    return call


def finished_job(store, tenant="acme") -> str:
    request = JobRequest(prompt="a mug")
    job = Job(id="job_done", tenant_id=tenant, status=JobStatus.COMPLETED, request=request, vendor_requested="auto")
    store.items[job.id] = job
    return job.id


PROMPT = {"prompt": "a red mug on marble"}
SCENARIOS = [
    ("createJob", "POST", "/v1/jobs", {"body": PROMPT}, 202),
    ("createJob", "POST", "/v1/jobs", {"body": {"prompt": "x"}}, 422),
    ("createJob", "POST", "/v1/jobs", {"body": {**PROMPT, "vendor": "nobody"}}, 422),
    ("createJob", "POST", "/v1/jobs", {"body": PROMPT, "tenant": None}, 401),
    ("createJob", "POST", "/v1/jobs", {"body": PROMPT, "headers": {"Idempotency-Key": "k" * 256}}, 400),
    ("createJob", "POST", "/v1/jobs", {"raw": "{not json"}, 400),
    ("createJob", "POST", "/v1/jobs", {"raw": "a mug", "headers": {"Content-Type": "text/plain"}}, 415),
    ("createJob", "POST", "/v1/jobs", {"body": PROMPT, "broken": True}, 503),
    ("listJobs", "GET", "/v1/jobs", {}, 200),
    ("listJobs", "GET", "/v1/jobs", {"query": {"cursor": "forged"}}, 400),
    ("listJobs", "GET", "/v1/jobs", {"query": {"limit": "0"}}, 422),
    ("getJob", "GET", "/v1/jobs/job_done", {}, 200),
    ("getJob", "GET", "/v1/jobs/job_nope", {}, 404),
    ("getJob", "GET", "/v1/jobs/job_done", {"tenant": "globex"}, 404),
    ("getJob", "GET", '/v1/jobs/a"b', {}, 404),  # an id Powertools' route pattern does not take
    ("cancelJob", "POST", "/v1/jobs/a`b/cancel", {}, 404),
    ("cancelJob", "POST", "/v1/jobs/job_nope/cancel", {}, 404),
    ("cancelJob", "POST", "/v1/jobs/job_done/cancel", {}, 409),
    ("createBatch", "POST", "/v1/batches", {"body": {"items": [PROMPT]}}, 202),
    ("createBatch", "POST", "/v1/batches", {"body": {"items": [PROMPT, {"prompt": 3}]}}, 207),
    ("createBatch", "POST", "/v1/batches", {"body": {"items": []}}, 422),
    ("createUpload", "POST", "/v1/uploads", {"body": {"content_type": "image/png", "content_length": 10}}, 200),
    ("createUpload", "POST", "/v1/uploads", {"body": {"content_type": "image/gif", "content_length": 10}}, 422),
    ("listVendors", "GET", "/v1/vendors", {"tenant": None}, 401),
]


def _schema_of(operation_id: str, status: int) -> dict:
    return OPERATIONS[operation_id]["responses"][str(status)]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("operation_id,method,path,options,expected", SCENARIOS)
def test_each_route_answers_what_the_document_says(api, operation_id, method, path, options, expected):
    finished_job(api.store)
    options = dict(options)
    if options.pop("broken", False):
        broken = JobIntake(
            api.store, FakeAssets(), FakeEvents(), BrokenWorkflow(), FakeFetcher(), {"cheap": vendor("cheap", 0.01)}
        )
        api.made["intake"] = lambda: broken
    status, body = api(method, path, **options)
    assert status == expected, body
    assert status in documented(operation_id)
    conforms(body, _schema_of(operation_id, status))
    if status >= 400:
        assert body["error"]["request_id"] == "req-1"


# --- unreadable bodies: a 4xx in the one shape, nothing written ----------------------------------------------------


def binary(data: bytes) -> dict:
    return {"raw": base64.b64encode(data).decode(), "encoded": True}  # as API Gateway passes bytes that are not text


def typed(content_type: str, raw: str) -> dict:
    return {"raw": raw, "headers": {"Content-Type": content_type}}


UNREADABLE = [
    pytest.param(binary(b'{"prompt": "caf\xe9 mug"}'), 400, "invalid_encoding", id="latin-1"),
    pytest.param(binary(json.dumps(PROMPT).encode("utf-16")), 400, "invalid_encoding", id="utf-16"),
    pytest.param({"raw": json.dumps(PROMPT).encode("utf-16-le").decode()}, 400, "malformed_json", id="utf-16le-no-bom"),
    pytest.param({"raw": "\ufeff" + json.dumps(PROMPT)}, 400, "malformed_json", id="utf-8-bom"),
    pytest.param(typed("text/plain", json.dumps(PROMPT)), 415, "unsupported_media_type", id="text/plain"),
    pytest.param(typed("multipart/form-data", "--x\r\n"), 415, "unsupported_media_type", id="multipart-no-boundary"),
    pytest.param(typed("application/x-www-form-urlencoded", "prompt=a+mug"), 415, "unsupported_media_type", id="form"),
    pytest.param(typed("text/plain", ""), 415, "unsupported_media_type", id="empty-text/plain"),
]


@pytest.mark.parametrize("path", ["/v1/jobs", "/v1/batches", "/v1/uploads"])
@pytest.mark.parametrize("options,status,code", UNREADABLE)
def test_an_unreadable_body_is_a_4xx_in_the_one_error_shape_and_writes_nothing(api, path, options, status, code):
    answer_status, body = api("POST", path, **options)
    assert (answer_status, body["error"]["code"]) == (status, code), body
    assert set(body["error"]) == {"code", "message", "request_id"}
    assert api.store.items == {}


def test_a_utf8_json_body_with_a_charset_is_taken(api):
    status, body = api("POST", "/v1/jobs", body=PROMPT, headers={"Content-Type": "application/json; charset=utf-8"})
    assert status == 202, body
    assert body["status"] == "queued"
