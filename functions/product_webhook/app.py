"""Shopify / WooCommerce product webhooks: POST /v1/hooks/{platform}. Verify, claim, queue, answer 200.

The work (one job per changed product image) happens in the worker, so the platform's 5-second budget
is kept whatever the number of images.
"""

from adforge.api.lazy import Handler, built_on_first_call


def build() -> Handler:
    """The resolver and its route, built at the first delivery (adforge/api/lazy.py)."""
    from adforge.api.http import http_function
    from adforge.api.routes import shop_webhooks

    return http_function("product-webhook", shop_webhooks.router)


lambda_handler = built_on_first_call(build)
