"""Vendor callbacks: POST /v1/webhooks/{vendor}[?job=<job id>]. Verify first, then record."""

from adforge.api.lazy import Handler, built_on_first_call


def build() -> Handler:
    """The resolver and its route, built at the first callback (adforge/api/lazy.py)."""
    from adforge.api.http import http_function
    from adforge.api.routes import vendor_callbacks

    return http_function("vendor-webhook", vendor_callbacks.router)


lambda_handler = built_on_first_call(build)
