"""Vendor callbacks: POST /v1/webhooks/{vendor}[?job=<job id>]. Verify first, then record."""

from adforge.api.http import http_function
from adforge.api.routes import vendor_callbacks

lambda_handler = http_function("vendor-webhook", vendor_callbacks.router)
