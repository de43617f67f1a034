"""Each function's Powertools Logger, Tracer and Metrics, and the job in hand on every log line.

`observed(service)` decorates a handler (functions/*/app.py, and adforge/http_api.py for the HTTP functions):

- Logger: the Lambda context on every line; the job id from the event when it names one (Step Functions tasks
  carry `job_id`, the notifier's EventBridge event `detail.job_id`), and the job id, tenant and vendor as soon as
  the work loads or creates its job (`about_job`, told by services/observed_jobs.py); the job keys are removed at
  the start of every invocation, so a warm environment never lends one job's id to the next.
- Our modules' stdlib `logging` (services, adapters, vendor clients: `logging.getLogger(__name__)`, so they need no
  Powertools) goes through the function's Logger: its handler and level are copied, once, onto the package's top
  logger `adforge` (`copy_config_to_registered_loggers`, include={"adforge"}). Chosen over child loggers (which
  would make every service import Powertools) and over copying onto every registered logger (which only reaches
  modules imported before the copy): each `adforge.*` logger propagates to `adforge`, whenever it is created, so a
  module imported lazily later is covered too, and its lines carry the same appended keys.
- Tracer: `capture_lambda_handler`, with botocore (boto3) and httpx patched. Only where Powertools would trace
  (in Lambda, POWERTOOLS_TRACE_DISABLED unset); elsewhere (the local stack, tests, tools) no Tracer is made at
  all, so the X-Ray SDK is not even imported. Made at the first invocation, not at import: patching httpx imports
  it, and most functions (the authorizer, the workflow's waits) never load httpx otherwise; the X-Ray SDK's own
  import is then paid by the first invocation of a traced function, not by every cold import.
- Metrics: `log_metrics` (no error on an empty set; no cold-start metric: Lambda's REPORT line has the init
  duration) flushes per invocation, and with it the job metrics (`JOB_METRICS`, adapters/emf_metrics.py) that
  bootstrap.py hands to the services; each of their documents carries the job id and tenant the Logger has at
  the moment a figure is measured (as properties), so a job's metric lines carry its id like its log lines.
"""

from __future__ import annotations

import functools
import logging
import os
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

from adforge.api.lazy import Handler, built_on_first_call

if TYPE_CHECKING:  # the model's pydantic loads with the work that reads a job, not with the handler
    from adforge.domain.models import Job

JOB_KEYS = ["job_id", "tenant_id", "vendor"]
PACKAGE_LOGGER = "adforge"
TRACED_MODULES = ("botocore", "httpx")  # boto3 is traced through botocore
NAMESPACE = "AdForge"  # what template.yaml sets as POWERTOOLS_METRICS_NAMESPACE; the default where nothing is set


class _Current:
    """The function's Logger and Tracer, once `observed` made them (one function per process)."""

    logger: Logger | None = None
    tracer: Any = None  # a Powertools Tracer, only where tracing is on


CURRENT = _Current()

# log_metrics(raise_on_empty_metrics=False) warns on every invocation that adds no metric of its own: most don't
warnings.filterwarnings("ignore", message="No application metrics to publish")


def tracing_enabled() -> bool:
    """Powertools' own rule (Tracer._is_tracer_disabled): in Lambda, unless POWERTOOLS_TRACE_DISABLED says not."""
    disabled = os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in ("1", "true", "yes", "on")
    emulated = bool(os.environ.get("AWS_SAM_LOCAL") or os.environ.get("AWS_CHALICE_CLI_MODE"))
    return not disabled and not emulated and bool(os.environ.get("LAMBDA_TASK_ROOT"))


def about_job(job: Job) -> None:
    """The work in hand is `job`'s: its id, tenant and vendor (once chosen) go on every log line from now on."""
    if CURRENT.logger is not None:
        CURRENT.logger.append_keys(job_id=job.id, tenant_id=job.tenant_id, vendor=job.vendor)
    if CURRENT.tracer is not None:
        CURRENT.tracer.put_annotation(key="job_id", value=job.id)


def forget_job() -> None:
    """The next lines belong to no job yet (a batch's next record)."""
    if CURRENT.logger is not None:
        CURRENT.logger.remove_keys(JOB_KEYS)


def job_id_of(event: Any) -> str | None:
    """The job an event names, if any: a workflow task's input, or a job lifecycle event from the bus."""
    if not isinstance(event, dict):
        return None
    detail = event.get("detail")
    named = event.get("job_id") or (detail.get("job_id") if isinstance(detail, dict) else None)
    return named if isinstance(named, str) else None


def observed(service: str) -> Callable[[Handler], Handler]:
    """The handler decorator of the function `service` (also the `service` of its logs and metrics)."""
    logger = Logger(service=service)
    logging.getLogger(PACKAGE_LOGGER)  # registered now, so that the copy below finds it
    copy_config_to_registered_loggers(source_logger=logger, include={PACKAGE_LOGGER})
    namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or NAMESPACE
    metrics = Metrics(service=service, namespace=namespace)
    from adforge import bootstrap

    job_metrics = bootstrap.job_metrics()
    bootstrap.observe_jobs(about_job)
    job_metrics.service, job_metrics.namespace = service, namespace
    job_metrics.about = logger.get_current_keys  # each figure's document names the job in hand
    CURRENT.logger = logger

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def invocation(event: dict[str, Any], context: Any) -> Any:
            logger.remove_keys(JOB_KEYS)
            job_id = job_id_of(event)
            if job_id is not None:
                logger.append_keys(job_id=job_id)
            try:
                return handler(event, context)
            finally:
                job_metrics.flush()

        measured: Handler = metrics.log_metrics(invocation, raise_on_empty_metrics=False)
        return logger.inject_lambda_context(built_on_first_call(lambda: traced(service, measured)))

    return decorate


def traced(service: str, handler: Handler) -> Handler:
    """`handler` under the function's Tracer where Powertools would trace (see the module notes), else itself."""
    if not tracing_enabled():
        return handler
    from aws_lambda_powertools import Tracer

    CURRENT.tracer = Tracer(service=service, patch_modules=TRACED_MODULES)
    wrapped: Handler = CURRENT.tracer.capture_lambda_handler(handler)
    return wrapped
