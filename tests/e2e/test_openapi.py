"""GET /v1/openapi.json is generated from the code, validates as OpenAPI 3.1, and lists every route of the template."""

import json

import httpx
import pytest
from openapi_spec_validator import validate

from adforge.api.routes import docs

pytestmark = pytest.mark.e2e


def test_the_document_is_valid_and_complete(stack):
    answer = httpx.get(f"{stack.api.url}/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    validate(document)
    assert document == json.loads(docs.document())  # what tests/unit/test_openapi_document.py checks is what is served
    assert document["openapi"] == "3.1.0"
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    served = {(route.method, route.path) for route in stack.template.routes() if route.path != "/v1/openapi.json"}
    assert served - documented == set(), "routes in template.yaml missing from the document"
    assert documented - served == set(), "routes in the document that the template does not serve"
    create = document["paths"]["/v1/jobs"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/JobRequest")
    schemas = document["components"]["schemas"]
    options = schemas["JobRequest"]["properties"]
    assert {"preset", "negative_prompt", "background", "video"} <= set(options)
    assert options["background"]["enum"] == ["auto", "transparent"]
    video = schemas["VideoOptions"]["properties"]
    assert set(video) == {"duration_seconds", "resolution"}
    assert {"options", "prices_usd"} <= set(schemas["VendorView"]["properties"])
