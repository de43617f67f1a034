import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from adforge.adapters.http_fetch import GuardedFetcher
from adforge.adapters.ssrf_guard import DestinationGuard
from adforge.ports.assets import FetchFailed, FetchRefused


def fixed(*addresses: str):
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "169.254.1.1", "0.0.0.0", "::1",
     "fd00:ec2::254", "fe80::1", "::ffff:10.0.0.1", "100.64.0.1", "224.0.0.1", "240.0.0.1"],
)  # fmt: skip
def test_refused_addresses(address):
    assert not DestinationGuard().allowed(ipaddress.ip_address(address))


def test_public_addresses_are_allowed():
    assert DestinationGuard().allowed(ipaddress.ip_address("93.184.216.34"))
    assert DestinationGuard().allowed(ipaddress.ip_address("2606:4700::1111"))


def test_loopback_only_when_the_local_stack_allows_it_and_never_metadata():
    local = DestinationGuard(allow_loopback=True)
    assert local.allowed(ipaddress.ip_address("127.0.0.1"))
    assert not local.allowed(ipaddress.ip_address("169.254.169.254"))
    assert not local.allowed(ipaddress.ip_address("10.0.0.1"))


def test_a_name_resolving_to_any_private_address_is_refused():
    guard = DestinationGuard(resolver=fixed("93.184.216.34", "10.0.0.7"))
    with pytest.raises(FetchRefused):
        guard.resolve("mixed.example", 443)
    assert DestinationGuard(resolver=fixed("93.184.216.34")).resolve("ok.example", 443) == "93.184.216.34"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "http://example.com/a.png",
        "https://user:pw@example.com/a.png",
        "https:///x",
    ],
)
def test_url_shapes_refused(url):
    with pytest.raises(FetchRefused):
        DestinationGuard(resolver=fixed("93.184.216.34")).check_url(url)


class _Redirect(BaseHTTPRequestHandler):
    def do_GET(self):
        target = {"/to-private": "http://10.0.0.1/secret", "/to-metadata": "http://169.254.169.254/latest/meta-data/"}[self.path]
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def redirector():
    server = HTTPServer(("127.0.0.1", 0), _Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_redirects_are_checked_again(redirector, path):
    fetcher = GuardedFetcher(DestinationGuard(allow_loopback=True))
    with pytest.raises(FetchRefused), fetcher.open(redirector + path):
        pass


def test_the_check_happens_at_connect_time_for_names():
    """'localhost' passes no URL-level check in production, and its address is refused at connect."""
    fetcher = GuardedFetcher(DestinationGuard(allow_loopback=False))
    with pytest.raises(FetchRefused), fetcher.open("https://localhost:9/x.png"):
        pass


def test_unreachable_allowed_destination_is_fetch_failed(redirector):
    fetcher = GuardedFetcher(DestinationGuard(allow_loopback=True), timeout=2)
    with pytest.raises(FetchFailed), fetcher.open(redirector.rsplit(":", 1)[0] + ":9/x.png"):
        pass
