"""Public API routes: jobs (create, get, list, cancel), uploads, vendors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from adforge import bootstrap
from adforge.api.errors import ApiError
from adforge.api.http import AUTHENTICATED, JSON_BODY, responses
from adforge.api.idempotency import once
from adforge.api.views import (
    BatchItemResult,
    BatchRequest,
    BatchResult,
    ErrorBody,
    JobPage,
    JobView,
    VendorList,
    job_view,
    vendor_list,
)
from adforge.domain.errors import InputRejected
from adforge.domain.models import JobRequest
from adforge.ports.assets import FetchFailed, FetchRefused
from adforge.services.tenant_jobs import UploadRequest, UploadTicket

logger = Logger(service="api")
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any string of your choosing (a UUID is fine): a retry with the same key and body returns the same job",
    "schema": {"type": "string", "maxLength": 255},  # an empty key is no key
}
router = Router()
DOWNLOAD_SECONDS = 3600


def tenant_id() -> str:
    """The tenant the authorizer bound to the caller's API key."""
    authorizer = router.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    tenant = authorizer.get("tenant_id")
    if not tenant:
        raise ApiError(401, "unauthorized", "missing or invalid API key")
    return str(tenant)


def _link(key: str) -> str:
    return bootstrap.input_assets().share(key, DOWNLOAD_SECONDS)


def _create(tenant: str, body: dict[str, Any]) -> dict[str, Any]:
    job = bootstrap.intake().create(tenant, JobRequest.model_validate(body))
    logger.info("job created", extra={"job_id": job.id, "tenant_id": job.tenant_id})
    return dict(json.loads(job_view(job).model_dump_json()))


@router.post(
    "/v1/jobs",
    operation_id="createJob",
    tags=["jobs"],
    responses=responses({202: ("The job, queued", JobView)}, {*AUTHENTICATED, *JSON_BODY, 409, 503}),
    openapi_extensions={"x-parameters": [IDEMPOTENCY_KEY]},
)
def create_job(request: JobRequest) -> Response[str]:
    """Create a job; with an `Idempotency-Key` header a retried request returns the same job and never submits twice."""
    key = router.current_event.headers.get("Idempotency-Key") or router.current_event.headers.get("idempotency-key")
    body = request.model_dump(mode="json")
    if not key:
        return Response(202, content_types.APPLICATION_JSON, json.dumps(_create(tenant_id(), body)))
    if len(key) > 255:
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key is at most 255 characters")
    created = once(bootstrap.store().table_name, _create)(tenant_id(), key, body)  # its refusals: adforge.api.errors
    return Response(202, content_types.APPLICATION_JSON, json.dumps(created))


@router.get(
    "/v1/jobs",
    operation_id="listJobs",
    tags=["jobs"],
    responses=responses({200: ("One page of jobs", JobPage)}, {*AUTHENTICATED, 400, 422}),
)
def list_jobs(
    limit: Annotated[int, Query(ge=1, le=100, description="Jobs per page")] = 20,
    cursor: Annotated[str | None, Query(max_length=1024, description="The previous page's `next_cursor` (400 if forged)")] = None,
) -> JobPage:
    """The caller's jobs, newest first; pass `next_cursor` back as `cursor` for the next page."""
    jobs, next_cursor = bootstrap.tenant_jobs().page(tenant_id(), limit, cursor)
    return JobPage(jobs=[job_view(job) for job in jobs], next_cursor=next_cursor)


@router.get(
    "/v1/jobs/<job_id>",
    operation_id="getJob",
    tags=["jobs"],
    responses=responses({200: ("The job; a completed one with download URLs", JobView)}, {*AUTHENTICATED, 404}),
)
def get_job(job_id: str) -> JobView:
    return job_view(bootstrap.tenant_jobs().own(tenant_id(), job_id), _link)


@router.post(
    "/v1/jobs/<job_id>/cancel",
    operation_id="cancelJob",
    tags=["jobs"],
    responses=responses({200: ("The job, cancelled", JobView)}, {*AUTHENTICATED, 404, 409}),
)
def cancel_job(job_id: str) -> JobView:
    """Cancel a running job (its execution is stopped); a finished job is not changed (409)."""
    return job_view(bootstrap.tenant_jobs().cancel(tenant_id(), job_id))


@router.post(
    "/v1/batches",
    operation_id="createBatch",
    tags=["jobs"],
    responses=responses(
        {202: ("Every item accepted", BatchResult), 207: ("Some items refused (see each item)", BatchResult)},
        {*AUTHENTICATED, *JSON_BODY, 503},
    ),
)
def create_batch(batch: BatchRequest) -> Response[str]:
    """Many products in one call, one job each; every item is accepted or refused on its own (207)."""
    tenant = tenant_id()
    remaining = _remaining_ms()
    results = []
    for index, item in enumerate(batch.items):
        if remaining() < BATCH_RESERVE_MS:  # answer in time rather than let API Gateway cut the call (a bare 502/504)
            results.append(BatchItemResult(index=index, status="rejected", error=NOT_ATTEMPTED))
            continue
        results.append(_batch_item(tenant, index, item))
    accepted = sum(1 for result in results if result.status == "accepted")
    body = BatchResult(accepted=accepted, rejected=len(results) - accepted, items=results)
    return Response(207 if body.rejected else 202, content_types.APPLICATION_JSON, body.model_dump_json())


BATCH_RESERVE_MS = 5000  # left for the items still to answer and the reply, under the function's timeout
NOT_ATTEMPTED = ErrorBody(
    code="not_attempted", message="the batch ran out of time before this item; nothing was created for it: send it again"
)


def _remaining_ms() -> Callable[[], int]:
    """The invocation's time left (the Lambda context's clock); no context (a test without one): no limit."""
    context = getattr(router, "lambda_context", None)
    return getattr(context, "get_remaining_time_in_millis", lambda: 2**31)


def _batch_item(tenant: str, index: int, item: dict[str, Any]) -> BatchItemResult:
    try:
        job = bootstrap.intake().create(tenant, JobRequest.model_validate(item))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return BatchItemResult(
            index=index, status="rejected", error=ErrorBody(code="validation_error", message=f"{where}: {first['msg']}")
        )
    except (InputRejected, FetchRefused, FetchFailed) as error:
        code = getattr(error, "code", "input_rejected")
        return BatchItemResult(index=index, status="rejected", error=ErrorBody(code=str(code), message=str(error)))
    return BatchItemResult(index=index, status="accepted", job=job_view(job))


@router.post(
    "/v1/uploads",
    operation_id="createUpload",
    tags=["uploads"],
    responses=responses({200: ("Where to PUT the photo", UploadTicket)}, {*AUTHENTICATED, *JSON_BODY}),
)
def create_upload(request: UploadRequest) -> UploadTicket:
    """A presigned PUT for one product photo (PNG, JPEG or WebP, at most 20 MB); use its `key` as `image.key`."""
    return bootstrap.tenant_jobs().reserve_upload(tenant_id(), request)


@router.get(
    "/v1/vendors",
    operation_id="listVendors",
    tags=["vendors"],
    responses=responses({200: ("Every offered vendor, cheapest first", VendorList)}, AUTHENTICATED),
)
def list_vendors() -> VendorList:
    tenant_id()  # any tenant may look; the route is still behind the authorizer
    return vendor_list(bootstrap.capabilities(), bootstrap.health().recent_failures())
