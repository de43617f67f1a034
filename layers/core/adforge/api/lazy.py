"""A handler built at its function's first invocation instead of at import.

For the entrypoints whose construction is most of their cold start (Powertools' REST resolver and the pydantic
models of its routes, the batch processor and the product model, the X-Ray SDK): the module imports almost
nothing, and the first invocation builds the handler once, for the environment's life. This moves that cost
out of the import (Lambda's init phase), it does not remove it; what the function's path never uses is still
never loaded. One invocation at a time per environment (Lambda's model), so no lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any], Any], Any]


def built_on_first_call(build: Callable[[], Handler]) -> Handler:
    """A handler that calls `build()` at its first invocation and hands every invocation to what it built."""
    built: list[Handler] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        if not built:
            built.append(build())
        return built[0](event, context)

    handler.__doc__ = build.__doc__
    return handler
