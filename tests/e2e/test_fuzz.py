"""Schemathesis against the live local stack, from GET /v1/openapi.json: no input makes the API fail or lie.

Every operation gets the examples, coverage and fuzzing phases (positive and negative data) with a fixed seed,
a bounded number of examples and no example database, so a run is reproducible and a failure is reported with
a curl line to replay it. `FUZZ_SEED` and `FUZZ_EXAMPLES` widen a local exploration; CI uses the defaults.

Where a check cannot hold for a principled reason, the configuration below narrows it for that operation only:

- createJob, positive_data_acceptance also allows 422: a schema-valid request can still be refused on rules that
  depend on state or the outside world, which JSON Schema cannot say: `image.key` must be an upload of this
  tenant, `webhook_url` must pass the outbound-URL guard (DNS, private ranges), and the chosen (or any, for
  `auto`) vendor must serve the kind, ratios, count and options together (the catalogue in GET /v1/vendors).
- listJobs, positive_data_acceptance also allows 400: `cursor` is opaque; only cursors we issued are taken, and
  a forged one is refused rather than silently read as "the first page" (see the security hardening issue).
- createBatch, negative_data_rejection also counts 207 as a refusal: the batch is answered item by item, so an
  invalid item is refused inside a 207 (`items[i].status == "rejected"`) while the others are taken.
- Unexpected methods (all of them, OPTIONS, HEAD, TRACE and QUERY included) get API Gateway's own answer for a
  route the template does not define: 403 Missing Authentication Token, which the template's GatewayResponses
  turn into our 404 `not_found`; the local gateway answers them the same way.
- The webhook routes answer positive data with 401 (no valid signature can be generated), which the check's
  defaults already accept: their payloads are the vendors' and the stores' own, verified before they are read.
"""

import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import httpx
import pytest

pytestmark = pytest.mark.e2e

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
]
SEED = int(os.environ.get("FUZZ_SEED", "20261202"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
BUDGET_SECONDS = 400  # a hang guard: the run takes about 110 s on this 2-core machine

CONFIG = """
[auth.openapi.bearerAuth]
bearer = "{key}"

[[operations]]
include-operation-id = "createJob"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]

[[operations]]
include-operation-id = "createBatch"
checks.negative_data_rejection.expected-statuses = ["207", "400", "401", "403", "404", "409", "415", "422"]

[[operations]]
include-operation-id = "listJobs"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404"]
"""


def stack_operations(stack) -> set[str]:
    """Every operation of the served document, as schemathesis names its test cases."""
    document = httpx.get(f"{stack.api.url}/v1/openapi.json").json()
    return {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item}


def test_schemathesis_finds_no_server_error_and_no_conformance_failure(stack, tmp_path):
    key = stack.create_tenant("fuzz")
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.format(key=key))
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color",
        "run", f"{stack.api.url}/v1/openapi.json", "--url", stack.api.url,
        "--checks", ",".join(CHECKS), "--phases", "examples,coverage,fuzzing", "--mode", "all",
        "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--generation-database", "none",
        "--workers", "1", "--request-timeout", "30", "--suppress-health-check", "too_slow,filter_too_much",
        "--report", "junit", "--report-junit-path", str(tmp_path / "junit.xml"),
    ]  # fmt: skip
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, timeout=BUDGET_SECONDS, cwd=tmp_path, check=False)
    elapsed = time.monotonic() - started
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-20000:]
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    tested = {case.get("name") for case in suite.iter("testcase")}
    documented = stack_operations(stack)
    assert tested == documented, f"operations not tested: {sorted(documented - tested)}"
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("0", "0", "0"), output[-5000:]
    print(f"schemathesis: {elapsed:.0f} s, seed {SEED}, {EXAMPLES} examples per operation\n{output[-3000:]}")
