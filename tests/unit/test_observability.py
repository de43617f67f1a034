"""Observability: vendor call outcomes, the EMF adapter, the observed job repository, the handler decorator."""

import json
import logging
from datetime import timedelta

import httpx
import pytest

from adforge import bootstrap
from adforge.adapters.emf_metrics import EmfJobMetrics
from adforge.api import observability
from adforge.domain.errors import TransitionRejected
from adforge.domain.models import Asset, Job, JobKind, JobRequest, VendorState, VendorUpdate
from adforge.domain.status import JobStatus
from adforge.ports.vendors import VendorRateLimited, VendorUnavailable
from adforge.services.observed_jobs import ObservedJobs
from adforge.vendors.call_outcomes import VENDOR_CALLS, status_outcome
from adforge.vendors.http import send, transport_outcome
from tests.fakes import FakeJobs, RecordingJobMetrics


@pytest.mark.parametrize(
    "status,outcome",
    [(200, "ok"), (202, "ok"), (400, "4xx"), (404, "4xx"), (422, "4xx"), (429, "429"), (500, "5xx"), (503, "5xx"), (302, "5xx")],
)
def test_each_status_maps_to_its_outcome(status, outcome):
    assert status_outcome(status) == outcome


@pytest.mark.parametrize(
    "error,outcome",
    [
        (httpx.ReadTimeout("slow"), "timeout"),
        (httpx.ConnectTimeout("slow"), "timeout"),
        (httpx.PoolTimeout("slow"), "timeout"),
        (httpx.ConnectError("refused"), "5xx"),
        (httpx.RemoteProtocolError("dropped"), "5xx"),
    ],
)
def test_a_call_without_an_answer_is_a_timeout_only_when_a_timeout_expired(error, outcome):
    assert transport_outcome(error) == outcome


@pytest.fixture
def calls():
    seen: list[tuple[str, str]] = []
    VENDOR_CALLS.watch(lambda vendor, outcome: seen.append((vendor, outcome)))
    yield seen
    VENDOR_CALLS.watch(None)


def client(answer):
    return httpx.Client(transport=httpx.MockTransport(answer), base_url="https://vendor.test")


def no_reader(body):
    return None, None, None


def test_send_reports_each_call_by_outcome(calls):
    ok = client(lambda request: httpx.Response(200, json={"id": "1"}))
    limited = client(lambda request: httpx.Response(429, headers={"retry-after": "3"}, json={}))
    broken = client(lambda request: httpx.Response(502, json={}))
    assert send("acme", lambda: ok.get("/"), no_reader) == {"id": "1"}
    with pytest.raises(VendorRateLimited):
        send("acme", lambda: limited.get("/"), no_reader)
    with pytest.raises(VendorUnavailable):
        send("acme", lambda: broken.get("/"), no_reader)

    def timeout(request):
        raise httpx.ReadTimeout("no answer", request=request)

    with pytest.raises(VendorUnavailable):
        send("acme", lambda: client(timeout).get("/"), no_reader)
    assert calls == [("acme", "ok"), ("acme", "429"), ("acme", "5xx"), ("acme", "timeout")]


def test_emf_documents_one_per_dimension_set_flushed_once():
    lines: list[str] = []
    metrics = EmfJobMetrics(service="poll", namespace="AdForge", out=lines.append)
    metrics.job_counted(JobStatus.COMPLETED, "creativeai", "image")
    metrics.job_latency("creativeai", "image", 12.5)
    metrics.vendor_call("creativeai", "ok")
    metrics.vendor_call("creativeai", "ok")
    metrics.vendor_call("creativeai", "429")
    metrics.job_counted(JobStatus.SUBMITTED, "creativeai", "image")  # no count metric for a step in between
    metrics.flush()
    metrics.flush()  # nothing left
    documents = [json.loads(line) for line in lines]
    by_dimensions = {tuple(sorted((k, d[k]) for k in d["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0])): d for d in documents}
    assert set(by_dimensions) == {
        (("kind", "image"), ("service", "poll"), ("vendor", "creativeai")),
        (("outcome", "ok"), ("service", "adforge"), ("vendor", "creativeai")),
        (("outcome", "429"), ("service", "adforge"), ("vendor", "creativeai")),
    }
    job = by_dimensions[(("kind", "image"), ("service", "poll"), ("vendor", "creativeai"))]
    assert job["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "AdForge"
    assert (job["JobsCompleted"], job["JobLatency"]) == ([1.0], [12.5])
    assert by_dimensions[(("outcome", "ok"), ("service", "adforge"), ("vendor", "creativeai"))]["VendorCalls"] == [1.0, 1.0]


def test_emf_documents_name_the_job_in_hand_as_properties_and_keep_jobs_apart():
    lines: list[str] = []
    metrics = EmfJobMetrics(service="collect", namespace="AdForge", out=lines.append)
    metrics.job_counted(JobStatus.COMPLETED, "adsumo", "image")  # no job in hand: no properties
    for job_id in ("job_a", "job_b"):  # a batch: two jobs in one invocation
        metrics.about = lambda job_id=job_id: {"job_id": job_id, "tenant_id": "acme", "vendor": "adsumo", "level": "INFO"}
        metrics.job_counted(JobStatus.COMPLETED, "adsumo", "image")
        metrics.vendor_call("adsumo", "ok")
    metrics.flush()
    documents = [json.loads(line) for line in lines]
    named = sorted((d.get("job_id", ""), d.get("tenant_id", ""), "VendorCalls" in d) for d in documents)
    assert named == [("", "", False), ("job_a", "acme", False), ("job_a", "acme", True),
                     ("job_b", "acme", False), ("job_b", "acme", True)]  # fmt: skip
    for document in documents:  # properties, not dimensions; the vendor stays the dimension's value
        assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0] in (
            ["kind", "vendor", "service"],
            ["outcome", "vendor", "service"],
        )
        assert document["vendor"] == "adsumo" and "level" not in document


def test_emf_respects_metrics_disabled(monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    lines: list[str] = []
    metrics = EmfJobMetrics(service="poll", namespace="AdForge", out=lines.append)
    metrics.vendor_call("creativeai", "ok")
    metrics.flush()
    assert lines == []


PRICE = 0.04


def observed_world():
    inner, metrics, seen = FakeJobs(), RecordingJobMetrics(), []
    jobs = ObservedJobs(inner, metrics, lambda vendor, kind: PRICE if vendor == "creativeai" else None, seen.append)
    return jobs, metrics, seen


def new_job(**request) -> Job:
    job = Job(id="job_1", tenant_id="acme", request=JobRequest(prompt="a red mug", **request), vendor_requested="auto")
    return job.model_copy(update={"created_at": job.created_at - timedelta(seconds=90)})


def test_a_completed_job_is_counted_timed_polled_and_priced_from_its_record():
    jobs, metrics, seen = observed_world()
    job = new_job(count=2)
    jobs.create(job)
    job = jobs.transition(job, JobStatus.SUBMITTED, vendor="creativeai", vendor_job_id="g1")
    job = jobs.amend(job, polls=job.polls + 3)
    final = VendorUpdate(vendor_job_id="g1", state=VendorState.COMPLETED, outputs=["a", "b"])
    rendered = jobs.transition(job, JobStatus.PROCESSING, result=final)
    assets = [Asset(key=f"k{i}", content_type="image/png", size=1) for i in range(2)]
    done = jobs.transition(rendered, JobStatus.COMPLETED, assets=assets)

    dims = {"vendor": "creativeai", "kind": "image"}
    assert metrics.named("jobs:queued") == [({"vendor": "auto", "kind": "image"}, 1)]
    assert metrics.named("jobs:completed") == [(dims, 1)]
    submitted_at = next(change.at for change in done.timeline if change.status is JobStatus.SUBMITTED)
    assert metrics.named("VendorRenderLatency") == [(dims, (rendered.updated_at - submitted_at).total_seconds())]
    assert metrics.named("JobLatency") == [(dims, (done.updated_at - done.created_at).total_seconds())]
    assert metrics.named("JobLatency")[0][1] >= 90
    assert metrics.named("PollsPerJob") == [(dims, 3)]
    assert metrics.named("JobCost") == [(dims, pytest.approx(2 * PRICE))]
    assert {j.id for j in seen} == {"job_1"} and seen[-1].vendor == "creativeai"


def test_a_refused_write_measures_nothing_and_a_failure_is_priced_at_nothing():
    jobs, metrics, _ = observed_world()
    job = new_job()
    jobs.create(job)
    failed = jobs.transition(job, JobStatus.FAILED)
    with pytest.raises(TransitionRejected):
        jobs.transition(failed, JobStatus.CANCELLED)
    assert [name for name, _, _ in metrics.recorded] == ["jobs:queued", "jobs:failed", "JobLatency", "PollsPerJob"]
    assert metrics.named("jobs:failed") == [({"vendor": "auto", "kind": "image"}, 1)]  # no vendor was ever tried


def test_the_job_dimension_of_an_ended_job_is_its_last_tried_vendor():
    jobs, metrics, _ = observed_world()
    job = new_job(kind=JobKind.IMAGE)
    jobs.create(job)
    job = jobs.amend(job, attempts=[{"vendor": "adsumo", "outcome": "failed"}])
    jobs.transition(job, JobStatus.TIMED_OUT)
    assert metrics.named("jobs:timed_out") == [({"vendor": "adsumo", "kind": "image"}, 1)]


class Context:
    function_name, memory_limit_in_mb, aws_request_id = "poll", 128, "r-1"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:000000000000:function:poll"


def test_an_observed_handler_puts_the_job_on_every_line_and_flushes_its_metrics(capsys):
    # a service name of its own: Powertools reuses the stdlib logger of a service, and with it the stream its
    # first Logger was made with (another test's captured stdout)
    bootstrap.job_metrics().flush()  # what other tests' vendor calls left in the process's buffer
    capsys.readouterr()

    @observability.observed("observed-handler-test")
    def handler(event, context):
        logging.getLogger("adforge.services.somewhere").info("from a service")
        if "load" in event:
            observability.about_job(new_job().model_copy(update={"vendor": "creativeai"}))
            logging.getLogger("adforge.vendors.somewhere").warning("from a vendor client")
        bootstrap.job_metrics().vendor_call("creativeai", "ok")
        return {"state": "processing"}

    handler({"job_id": "job_1", "load": True}, Context())
    handler({}, Context())  # a warm invocation naming no job: no job keys are left over
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    logs = [line for line in lines if "_aws" not in line]
    emf = [line for line in lines if "VendorCalls" in line]
    assert [(line["message"], line.get("job_id"), line.get("tenant_id"), line.get("vendor")) for line in logs] == [
        ("from a service", "job_1", None, None),
        ("from a vendor client", "job_1", "acme", "creativeai"),
        ("from a service", None, None, None),
    ]
    # VendorCalls carry the stack's service, whichever function called (emf_metrics.py)
    assert [(doc["service"], doc["outcome"], doc["VendorCalls"]) for doc in emf] == [
        ("adforge", "ok", [1.0])
    ] * 2  # VendorCalls: the stack's service (emf_metrics.py)
