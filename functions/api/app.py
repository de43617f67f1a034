"""Public API: jobs, uploads, batches, vendors, and the OpenAPI document of every route."""

from adforge.api.http import http_function
from adforge.api.idempotency import CONFIG
from adforge.api.routes import docs, jobs

lambda_handler = http_function("api", jobs.router, docs.router, validation=True, before=CONFIG.register_lambda_context)
