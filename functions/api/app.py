"""Public API: jobs, uploads, batches, vendors, and the OpenAPI document of every route."""

from adforge.api.lazy import Handler, built_on_first_call


def build() -> Handler:
    """The resolver and its routes, built at the first request (adforge/api/lazy.py)."""
    from adforge.api.http import http_function
    from adforge.api.idempotency import CONFIG
    from adforge.api.routes import docs, jobs

    return http_function("api", jobs.router, docs.router, validation=True, before=CONFIG.register_lambda_context)


lambda_handler = built_on_first_call(build)
