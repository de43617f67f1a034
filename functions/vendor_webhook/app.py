"""Vendor callbacks: POST /v1/webhooks/{vendor}[?job=<job id>]. Verify first, then record."""

from adforge.http_api import http_function
from adforge.routes import vendor_webhooks

lambda_handler = http_function("vendor-webhook", vendor_webhooks.router)
