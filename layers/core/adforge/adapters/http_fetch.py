"""Outbound GET of untrusted URLs: SSRF-guarded at connect time, redirects re-checked, bounded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urljoin

import httpcore
import httpx

from adforge.adapters.ssrf_guard import DestinationGuard
from adforge.ports.assets import FetchFailed, FetchRefused

MAX_REDIRECTS = 3
CHUNK = 64 * 1024


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves and checks every host right before the TCP connect, then connects to that IP."""

    def __init__(self, guard: DestinationGuard) -> None:
        self._guard = guard
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        address = self._guard.resolve(host, port)
        return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> httpcore.NetworkStream:
        raise FetchRefused("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guarded_transport(guard: DestinationGuard) -> httpx.HTTPTransport:
    """An httpx transport whose every connection passes `guard` (TLS still verifies the hostname)."""
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(  # the one seam httpx leaves for a network backend
        ssl_context=httpx.create_ssl_context(), network_backend=_GuardedBackend(guard), max_connections=10
    )
    return transport


class _Body:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.content_type = response.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        length = response.headers.get("content-length")
        self.declared_length = int(length) if length and length.isdigit() else None

    def chunks(self) -> Iterator[bytes]:
        return self._response.iter_bytes(CHUNK)


class GuardedFetcher:
    """`Fetcher` with SSRF checks on every hop and short timeouts."""

    def __init__(self, guard: DestinationGuard, timeout: float = 20.0) -> None:
        self._guard = guard
        self._client = httpx.Client(
            transport=guarded_transport(guard), timeout=httpx.Timeout(timeout, connect=5.0), follow_redirects=False
        )

    @contextmanager
    def open(self, url: str) -> Iterator[_Body]:
        for _ in range(MAX_REDIRECTS + 1):
            self._guard.check_url(url)
            try:
                with self._client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise FetchFailed(f"GET {url[:80]} answered {response.status_code}")
                    yield _Body(response)
                    return
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:  # what the guard's shape check let by
                raise FetchRefused(f"httpx refused {url[:80]!r}: {error}") from error
            except httpx.HTTPError as error:
                raise FetchFailed(f"GET {url[:80]} failed: {type(error).__name__}") from error
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    def check(self, url: str) -> None:
        """Would `open` be allowed to start? (Shape and scheme only; addresses are checked at connect time.)"""
        self._guard.check_url(url)
