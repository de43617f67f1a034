"""Which network destinations an outbound fetch may reach.

Pure policy: resolves a host and refuses private, loopback, link-local, metadata,
multicast and reserved addresses. Loopback is allowed only when the local stack
says so (`allow_loopback`), never in a deployed function.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})


class FetchRefused(Exception):
    """The destination is not allowed; nothing was sent."""

    code = "url_not_allowed"


def system_resolver(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


class DestinationGuard:
    """Decides whether a URL, then each resolved address, may be contacted."""

    def __init__(self, allow_loopback: bool = False, resolver: Resolver = system_resolver) -> None:
        self.allow_loopback = allow_loopback
        self._resolve = resolver

    def check_url(self, url: str) -> None:
        """Scheme and shape: https always; plain http only to loopback in the local stack."""
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise FetchRefused(f"not an http(s) URL: {url[:80]}")
        if parts.username or parts.password:
            raise FetchRefused("URLs with credentials are not fetched")
        if parts.scheme == "http" and not (self.allow_loopback and self._all_loopback(parts.hostname, parts.port or 80)):
            raise FetchRefused("only https URLs are fetched")

    def resolve(self, host: str, port: int) -> str:
        """One allowed address for `host`, checked at connect time (no DNS rebinding window)."""
        addresses = self._addresses(host, port)
        for address in addresses:
            if not self.allowed(address):
                raise FetchRefused(f"{host} resolves to a refused address {address}")
        return str(addresses[0])

    def allowed(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address in METADATA_ADDRESSES:
            return False
        if address.is_loopback:
            return self.allow_loopback
        return address.is_global and not (address.is_multicast or address.is_reserved)

    def _all_loopback(self, host: str, port: int) -> bool:
        try:
            return all(address.is_loopback for address in self._addresses(host, port))
        except FetchRefused:
            return False

    def _addresses(self, host: str, port: int) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        try:
            resolved = self._resolve(host, port)
        except OSError as error:
            raise FetchRefused(f"cannot resolve {host}") from error
        if not resolved:
            raise FetchRefused(f"cannot resolve {host}")
        return [ipaddress.ip_address(address.split("%")[0]) for address in resolved]
