"""Public jobs API: POST /v1/jobs, GET /v1/jobs/{job_id}."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext

from adforge import bootstrap
from adforge.domain.errors import JobNotFound
from adforge.domain.models import JobRequest
from adforge.http_api import ApiError, install_error_handlers
from adforge.views import JobView, VendorList, job_view, vendor_list

logger = Logger(service="api")
app = APIGatewayRestResolver(enable_validation=True)
install_error_handlers(app)
DOWNLOAD_SECONDS = 3600


def tenant_id() -> str:
    """The tenant the authorizer bound to the caller's API key."""
    authorizer = app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    tenant = authorizer.get("tenant_id")
    if not tenant:
        raise ApiError(401, "unauthorized", "missing or invalid API key")
    return str(tenant)


def _view(job_id: str) -> JobView:
    job = bootstrap.jobs().get(job_id)
    if job.tenant_id != tenant_id():
        raise JobNotFound(job_id)  # another tenant's job looks exactly like a missing one
    return job_view(job, lambda key: bootstrap.input_assets().share(key, DOWNLOAD_SECONDS))


@app.post("/v1/jobs")
def create_job(request: JobRequest) -> Response[str]:
    job = bootstrap.intake().create(tenant_id(), request)
    logger.info("job created", extra={"job_id": job.id, "tenant_id": job.tenant_id})
    return Response(202, content_types.APPLICATION_JSON, job_view(job).model_dump_json())


@app.get("/v1/jobs/<job_id>")
def get_job(job_id: str) -> JobView:
    return _view(job_id)


@app.get("/v1/vendors")
def list_vendors() -> VendorList:
    tenant_id()  # any tenant may look; the route is still behind the authorizer
    return vendor_list(bootstrap.VENDORS, bootstrap.health().recent_failures())


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
