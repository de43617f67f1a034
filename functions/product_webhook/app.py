"""Shopify / WooCommerce product webhooks: POST /v1/hooks/{platform}. Verify, claim, queue, answer 200.

The work (one job per changed product image) happens in the worker, so the platform's 5-second budget
is kept whatever the number of images.
"""

from adforge.http_api import http_function
from adforge.routes import product_hooks

lambda_handler = http_function("product-webhook", product_hooks.router)
