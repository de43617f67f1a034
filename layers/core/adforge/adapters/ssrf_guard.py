"""Which network destinations an outbound fetch may reach.

Pure policy: resolves a host and refuses private, loopback, link-local, metadata,
multicast and reserved addresses. Loopback is allowed only when the local stack
says so (`allow_loopback`), never in a deployed function.

Every refusal answers the same message (`FetchRefused`, adforge.ports.assets), whatever the reason: a caller must not be able to
map internal names or addresses by comparing answers. The reason is logged here, server-side only. A URL
that is malformed (bad port, bad IPv6 literal, a host that is neither a canonical IP address nor a DNS
name, such as `0177.0.0.1` or `256.1.1.1`), over `MAX_URL_LENGTH`, or carrying credentials is refused
before anything is resolved.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from adforge.ports.assets import FetchRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
MAX_URL_LENGTH = 2048
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
log = logging.getLogger(__name__)


def valid_host(host: str) -> bool:
    """An IP literal, or a DNS name whose last label is not numeric (so no `0177.0.0.1` or `256.1.1.1`)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        return False
    return not (labels[-1].isdigit() or labels[-1].startswith("0x"))


def system_resolver(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


class DestinationGuard:
    """Decides whether a URL, then each resolved address, may be contacted."""

    def __init__(self, allow_loopback: bool = False, resolver: Resolver = system_resolver) -> None:
        self.allow_loopback = allow_loopback
        self._resolve = resolver

    def check_url(self, url: str) -> None:
        """Scheme and shape: https always; plain http only to loopback in the local stack."""
        if len(url) > MAX_URL_LENGTH:
            raise FetchRefused(f"URL of {len(url)} characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise FetchRefused(f"malformed URL {url[:80]!r}: {error}") from error
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise FetchRefused(f"not an http(s) URL: {url[:80]}")
        if parts.username or parts.password:
            raise FetchRefused("URLs with credentials are not fetched")
        if not valid_host(parts.hostname):
            raise FetchRefused(f"malformed host {parts.hostname[:80]!r}")
        if parts.scheme == "http" and not (self.allow_loopback and self._all_loopback(parts.hostname, port or 80)):
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
