"""Shopify / WooCommerce product webhooks: POST /v1/hooks/{platform}. Verify, claim, queue, answer 200.

The work (one job per changed product image) happens in the worker, so the platform's 5-second budget
is kept whatever the number of images.
"""

from adforge.api.http import http_function
from adforge.api.routes import shop_webhooks

lambda_handler = http_function("product-webhook", shop_webhooks.router)
