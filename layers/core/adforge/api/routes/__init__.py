"""HTTP routes as Powertools routers: each function serves some, the OpenAPI document shows them all."""
