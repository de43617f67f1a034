"""What an operator sees of a job on the local stack: the EMF metrics it emits and its log lines, read from the
function log files (LocalStack.logs: each function's stdout and stderr, as CloudWatch Logs would hold them)."""

import json
import time
from pathlib import Path

import pytest

from adforge.domain.models import JobKind
from adforge.vendors.catalog import CATALOG
from tests.e2e.conftest import finish, stored, submit

pytestmark = pytest.mark.e2e

JOB_STEPS = ("SubmitFunction", "AwaitWebhookFunction", "PollFunction", "CollectFunction")


class LogWindow:
    """The lines every function logged after this was opened (the stack and its log files live for the session)."""

    def __init__(self, logs: Path) -> None:
        self._logs = logs
        self._start = {path: path.stat().st_size for path in logs.glob("*.log")}

    def documents(self, function: str = "") -> list[dict]:
        """Each JSON line appended since, in the log files of functions whose name holds `function`."""
        found = []
        for path in sorted(self._logs.glob("*.log")):
            if function not in path.name:
                continue
            with path.open("rb") as log:
                log.seek(self._start.get(path, 0))
                text = log.read().decode(errors="replace")
            for line in text.splitlines():
                try:
                    document = json.loads(line)
                except ValueError:
                    continue  # a line that is no JSON document (none of ours)
                if isinstance(document, dict):
                    found.append(document)
        return found

    def metrics(self, name: str) -> list[dict]:
        """The EMF documents that carry metric `name` (with their dimensions, values and namespace)."""
        return [doc for doc in self.documents() if name in metric_names(doc)]


def metric_names(document: dict) -> set[str]:
    directives = document.get("_aws", {}).get("CloudWatchMetrics", [])
    return {metric["Name"] for directive in directives for metric in directive["Metrics"]}


def dimensions(document: dict) -> dict[str, str]:
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "AdForge"
    (names,) = directive["Dimensions"]
    return {name: document[name] for name in names}


def values(document: dict, name: str) -> list[float]:
    value = document[name]
    return value if isinstance(value, list) else [value]


def test_a_job_emits_its_metrics_and_every_line_of_its_work_carries_its_job_id(stack, acme):
    stack.creativeai.set_faults(drop_webhooks=True)  # the webhook never comes: AwaitWebhook, then Poll, then Collect
    stack.wait_quiet()  # the window holds this job's work only
    window = LogWindow(stack.logs)
    started = time.time()
    job_id = submit(acme, image=None)
    job = finish(stack, acme, job_id)
    elapsed = time.time() - started
    assert (job["status"], job["vendor"]) == ("completed", "creativeai")

    (created,) = window.metrics("JobsCreated")
    assert dimensions(created) == {"service": "api", "vendor": "auto", "kind": "image"}
    (completed,) = window.metrics("JobsCompleted")
    assert dimensions(completed) == {"service": "collect", "vendor": "creativeai", "kind": "image"}
    assert values(completed, "JobsCompleted") == [1]
    (latency,) = values(completed, "JobLatency")
    assert 0 < latency <= elapsed
    price = CATALOG["creativeai"].capabilities.cost_per_output(JobKind.IMAGE)
    assert values(completed, "JobCost") == [pytest.approx(price * len(job["assets"]))]
    (polled,) = window.metrics("PollsPerJob")
    assert dimensions(polled) == {"service": "collect", "vendor": "creativeai", "kind": "image"}
    vendor_polls = stack.creativeai.polls[stored(stack, job_id)["vendor_job_id"]]
    assert vendor_polls >= 1 and values(polled, "PollsPerJob") == [vendor_polls]  # each status call the vendor answered
    (rendered,) = window.metrics("VendorRenderLatency")
    assert dimensions(rendered) == {"service": "poll", "vendor": "creativeai", "kind": "image"}
    assert 0 < values(rendered, "VendorRenderLatency")[0] < latency

    calls = [dimensions(doc) for doc in window.metrics("VendorCalls")]  # Submit's creation and Poll's status call
    assert len([call for call in calls if call["outcome"] == "ok"]) >= 2, calls
    assert all(call == {"service": "adforge", "vendor": "creativeai", "outcome": call["outcome"]} for call in calls)

    for function in JOB_STEPS:  # log lines and EMF documents alike (the job's id is a property of its metrics)
        lines = window.documents(function)
        assert [line for line in lines if "_aws" not in line], f"{function} logged nothing of the job"
        assert {line.get("job_id") for line in lines} == {job_id}, [line for line in lines if line.get("job_id") != job_id]
        assert {line.get("tenant_id") for line in lines} == {"acme"}
    assert {doc.get("job_id") for doc in window.documents("ApiFunction") if "_aws" in doc} == {job_id}


def test_a_failed_job_is_counted_failed_with_its_vendor_and_kind(stack, acme):
    stack.creativeai.set_faults(fail_generation=True)
    stack.wait_quiet()
    window = LogWindow(stack.logs)
    job_id = submit(acme, image=None)
    job = finish(stack, acme, job_id)
    assert (job["status"], job["error"]["code"]) == ("failed", "generation_failed")
    (failed,) = window.metrics("JobsFailed")
    assert dimensions(failed) == {"service": "fail", "vendor": "creativeai", "kind": "image"}
    assert values(failed, "JobsFailed") == [1]
    assert not window.metrics("JobsCompleted") and not window.metrics("JobCost")
    fail_lines = window.documents("FailFunction")
    assert [line for line in fail_lines if "_aws" not in line], "FailFunction logged nothing of the job"
    assert {line.get("job_id") for line in fail_lines} == {job_id}
