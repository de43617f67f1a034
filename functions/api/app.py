"""Public API: jobs, uploads, batches, vendors, and the OpenAPI document of every route."""

from adforge.http_api import http_function
from adforge.idempotency import CONFIG
from adforge.routes import docs, jobs

lambda_handler = http_function("api", jobs.router, docs.router, validation=True, before=CONFIG.register_lambda_context)
