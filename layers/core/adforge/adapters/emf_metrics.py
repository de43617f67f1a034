"""`JobMetrics` as CloudWatch embedded metric format (EMF) documents on stdout, through Powertools.

Powertools' `Metrics` flushes one dimension set per document, but the job metrics differ in their dimensions
(vendor and kind; vendor and outcome): each distinct set of dimension values is buffered in a Powertools EMF
provider of its own (`EphemeralMetrics`, which shares no state) and `flush()` prints one document per set. The
function's handler flushes once per invocation (adforge/observability.py), like `log_metrics` does.

Every document carries the `service` dimension (the function) and the namespace from
`POWERTOOLS_METRICS_NAMESPACE` (template.yaml Globals: `AdForge`) unless one is given. `VendorCalls` is the
exception: its `service` is the stack's (`adforge`, template.yaml's POWERTOOLS_SERVICE_NAME), whichever function
made the call, so that one metric-math alarm per vendor (at most 10 metrics) covers all of its calls.

The job in hand when a figure is measured (`about`: its `job_id` and `tenant_id`, which observed() reads from the
function's Logger) is written on its document as properties, not dimensions: CloudWatch keeps them with the log
line (Logs Insights finds a job's metrics by id) without a metric per job. Figures of different jobs in one
invocation (a batch) go in documents of their own. `vendor` is never a property: it is a dimension's name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from adforge.domain.status import JobStatus

COUNTS = {
    JobStatus.QUEUED: "JobsCreated",
    JobStatus.COMPLETED: "JobsCompleted",
    JobStatus.FAILED: "JobsFailed",
    JobStatus.CANCELLED: "JobsCancelled",
    JobStatus.TIMED_OUT: "JobsTimedOut",
}
"""The count metric of each status a job is counted in (created, and each ending)."""

Dimensions = tuple[tuple[str, str], ...]
PROPERTIES = ("job_id", "tenant_id")  # what `about` may put on a document
STACK_SERVICE = "adforge"  # the service dimension of VendorCalls (see the module notes)


class EmfJobMetrics:
    """Buffers measurements per dimension set until `flush()` prints them as EMF documents."""

    def __init__(self, service: str | None = None, namespace: str | None = None, out: Callable[[str], None] = print) -> None:
        self.service = service  # the function; observability.observed() names it
        self.namespace = namespace
        self._out = out
        self.about: Callable[[], Mapping[str, object]] = dict  # the job in hand; observability.observed() tells it
        self._sets: dict[tuple[Dimensions, Dimensions], EphemeralMetrics] = {}

    def job_counted(self, status: JobStatus, vendor: str, kind: str) -> None:
        name = COUNTS.get(status)
        if name is not None:
            self._add(name, MetricUnit.Count, 1, vendor=vendor, kind=kind)

    def job_latency(self, vendor: str, kind: str, seconds: float) -> None:
        self._add("JobLatency", MetricUnit.Seconds, seconds, vendor=vendor, kind=kind)

    def vendor_render_latency(self, vendor: str, kind: str, seconds: float) -> None:
        self._add("VendorRenderLatency", MetricUnit.Seconds, seconds, vendor=vendor, kind=kind)

    def polls_per_job(self, vendor: str, kind: str, polls: int) -> None:
        self._add("PollsPerJob", MetricUnit.Count, polls, vendor=vendor, kind=kind)

    def job_cost(self, vendor: str, kind: str, usd: float) -> None:
        # EMF has no currency unit: the name and the dashboard say USD
        self._add("JobCost", MetricUnit.NoUnit, usd, vendor=vendor, kind=kind)

    def vendor_call(self, vendor: str, outcome: str) -> None:
        self._add("VendorCalls", MetricUnit.Count, 1, service=STACK_SERVICE, vendor=vendor, outcome=outcome)

    def _add(self, name: str, unit: MetricUnit, value: float, service: str | None = None, **dimensions: str) -> None:
        service = service or self.service
        named = (("service", service or ""), *sorted(dimensions.items()))
        about = self.about()
        properties = tuple((k, str(about[k])) for k in PROPERTIES if about.get(k))
        provider = self._sets.get((named, properties))
        if provider is None:
            provider = self._sets[(named, properties)] = EphemeralMetrics(service=service, namespace=self.namespace)
            for dimension, dimension_value in named[1:]:
                provider.add_dimension(dimension, dimension_value)
            for key, property_value in properties:
                provider.add_metadata(key, property_value)
        provider.add_metric(name=name, unit=unit, value=value)

    def flush(self) -> None:
        """Print one EMF document per dimension set measured since the last flush, then forget them."""
        sets, self._sets = self._sets, {}
        if is_metrics_disabled():
            return
        for provider in sets.values():
            self._out(json.dumps(provider.serialize_metric_set(), separators=(",", ":")))
