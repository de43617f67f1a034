"""What the entrypoints (functions/*/app.py) share, on top of every other layer: the HTTP routes, the one error
shape and error-to-status table, the public views, idempotency, and the workflow's error codes. Services and
adapters come from the composition root (adforge.bootstrap), never built here."""
