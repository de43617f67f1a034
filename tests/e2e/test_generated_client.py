"""A Python client generated from GET /v1/openapi.json (openapi-python-client) works on the live local stack.

It uploads through the presigned URL, creates, gets, lists and cancels jobs, and every answer is a typed model
(a created job is a JobView, not None; an error is an ErrorResponse with its code, not an empty validation error).
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import SAMPLE

pytestmark = pytest.mark.e2e
PACKAGE = "adforge_generated_client"


@pytest.fixture(scope="module")
def client_package(stack, tmp_path_factory):
    """The generated package, imported from a temporary directory."""
    where = tmp_path_factory.mktemp("client")
    document = where / "openapi.json"
    document.write_bytes(httpx.get(f"{stack.api.url}/v1/openapi.json").content)
    bin_dir = Path(sys.executable).parent
    generated = subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path", str(document), "--meta", "none",
         "--output-path", str(where / PACKAGE)],
        capture_output=True, text=True, timeout=120, check=False, cwd=where,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},  # it formats with ruff
    )  # fmt: skip
    assert generated.returncode == 0 and "Warning" not in generated.stdout + generated.stderr, generated.stdout + generated.stderr
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_a_generated_client_uploads_creates_gets_lists_and_cancels_jobs_with_typed_results(stack, client_package):
    api = importlib.import_module(f"{PACKAGE}.api.jobs")
    uploads = importlib.import_module(f"{PACKAGE}.api.uploads")
    for module in ("create_job", "get_job", "list_jobs", "cancel_job"):
        importlib.import_module(f"{PACKAGE}.api.jobs.{module}")
    importlib.import_module(f"{PACKAGE}.api.uploads.create_upload")
    models = importlib.import_module(f"{PACKAGE}.models")
    client = client_package.AuthenticatedClient(base_url=stack.api.url, token=stack.create_tenant("generated"), timeout=30)
    photo = SAMPLE.read_bytes()

    ticket = uploads.create_upload.sync(client=client, body=models.UploadRequest(
        content_type=models.UploadRequestContentType.IMAGEPNG, content_length=len(photo)))  # fmt: skip
    assert isinstance(ticket, models.UploadTicket), ticket
    put = httpx.put(ticket.url, content=photo, headers=ticket.headers.additional_properties)
    assert put.status_code == 200, put.text

    request = models.JobRequest(prompt="a red mug on marble", image=models.ImageByKey(key=ticket.key))
    created = api.create_job.sync(client=client, body=request, idempotency_key="generated-client-1")
    assert isinstance(created, models.JobView), created
    assert created.status is models.JobStatus.QUEUED
    again = api.create_job.sync(client=client, body=request, idempotency_key="generated-client-1")
    assert isinstance(again, models.JobView) and again.id == created.id

    stack.wait_for_execution(created.id, 30)
    final = {models.JobStatus.COMPLETED, models.JobStatus.FAILED, models.JobStatus.CANCELLED, models.JobStatus.TIMED_OUT}
    stack.wait_until(lambda: api.get_job.sync(created.id, client=client).status in final, 5)
    fetched = api.get_job.sync(created.id, client=client)
    assert isinstance(fetched, models.JobView) and fetched.status is models.JobStatus.COMPLETED, fetched
    assert fetched.assets and all(isinstance(asset, models.AssetView) and asset.url for asset in fetched.assets)

    stack.creativeai.set_faults(never_finish=True)  # a text-to-image job waits for the webhook: still running
    text_only = models.JobRequest(prompt="a blue vase", vendor=models.JobRequestVendor.CREATIVEAI)
    running = api.create_job.sync(client=client, body=text_only)
    assert isinstance(running, models.JobView), running
    stack.wait_until(lambda: api.get_job.sync(running.id, client=client).status is models.JobStatus.SUBMITTED)
    cancelled = api.cancel_job.sync(running.id, client=client)
    assert isinstance(cancelled, models.JobView) and cancelled.status is models.JobStatus.CANCELLED, cancelled
    refused = api.cancel_job.sync(running.id, client=client)
    assert isinstance(refused, models.ErrorResponse) and refused.error.code == "transition_rejected", refused

    page = api.list_jobs.sync(client=client, limit=10)
    assert isinstance(page, models.JobPage)
    assert {job.id for job in page.jobs} == {created.id, running.id}
    assert all(isinstance(job.status, models.JobStatus) for job in page.jobs)

    missing = api.get_job.sync("job_nope", client=client)
    assert isinstance(missing, models.ErrorResponse) and missing.error.request_id, missing
