"""Outbound webhook POSTs to untrusted URLs: SSRF-guarded at connect time, no redirects, bounded reads."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from adforge.adapters.http_fetch import guarded_transport
from adforge.adapters.ssrf_guard import DestinationGuard
from adforge.ports.assets import FetchRefused
from adforge.ports.notifications import PostResult

MAX_RESPONSE_BYTES = 4 * 1024
USER_AGENT = "AdForge-Webhooks/1"


class WebhookSender:
    """POSTs JSON bodies; a 3xx is returned as a status (never followed), a network error as a reason."""

    def __init__(self, guard: DestinationGuard, timeout: float = 15.0, *, transport: httpx.BaseTransport | None = None) -> None:
        """`transport` replaces the guarded one in tests only (the URL check still applies)."""
        self._guard = guard
        self._client = httpx.Client(
            transport=transport or guarded_transport(guard),
            timeout=httpx.Timeout(timeout, connect=5.0),
            follow_redirects=False,
            trust_env=False,
        )

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> PostResult:
        request_headers = {**headers, "content-type": "application/json", "user-agent": USER_AGENT}
        try:
            self._guard.check_url(url)
            with self._client.stream("POST", url, content=body, headers=request_headers) as response:
                _read_bounded(response)
                return PostResult(status=response.status_code, retry_after=response.headers.get("retry-after"))
        except FetchRefused as refused:
            return PostResult(reason=refused.detail, refused=True)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
            return PostResult(reason=f"malformed URL: {error}", refused=True)
        except httpx.HTTPError as error:
            return PostResult(reason=type(error).__name__)


def _read_bounded(response: httpx.Response) -> None:
    """Read at most MAX_RESPONSE_BYTES of the answer (a short one leaves the connection reusable)."""
    received = 0
    for chunk in response.iter_raw():
        received += len(chunk)
        if received >= MAX_RESPONSE_BYTES:
            return
