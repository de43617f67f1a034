"""The one list of vendors: each one's capabilities, where its API lives, and where its adapters are built.

Capabilities are pure data (each vendor package's `__init__`, which imports nothing but the domain): routing and
`GET /v1/vendors` need them, so they load with this module. A vendor's gateway, client, transform and webhook
reader load only when that vendor is first used (`Vendor.gateway`, `Vendor.reader`, named by module path), so a
function imports no vendor code it never calls. Adding a vendor = a package under vendors/ + one entry here +
passing the contract suite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from adforge.domain.capabilities import Capabilities
from adforge.ports.assets import Fetcher
from adforge.ports.vendors import VendorGateway, WebhookReader
from adforge.vendors import adcreative, adcreator, adsumo, creativeai

GatewayFactory = Callable[[str, Mapping[str, str], Fetcher, float], VendorGateway]
ReaderFactory = Callable[[Mapping[str, str], Callable[[], float]], WebhookReader]


def _load(path: str) -> Any:
    """`package.module:function` -> the function, its module imported now."""
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


@dataclass(frozen=True)
class Vendor:
    capabilities: Capabilities
    base_url_setting: str  # the VendorSettings field holding the API origin
    gateway_factory: str  # "module:function", a GatewayFactory
    reader_factory: str | None = None  # "module:function", a ReaderFactory; None: poll only
    secret_name: str = ""  # entry in the vendor secret; defaults to the vendor name

    @property
    def name(self) -> str:
        return self.capabilities.name

    @property
    def secret_key(self) -> str:
        return self.secret_name or self.name

    @property
    def takes_webhooks(self) -> bool:
        return self.reader_factory is not None

    def gateway(self, base_url: str, secret: Mapping[str, str], fetcher: Fetcher, timeout: float) -> VendorGateway:
        factory: GatewayFactory = _load(self.gateway_factory)
        return factory(base_url, secret, fetcher, timeout)

    def reader(self, secret: Mapping[str, str], clock: Callable[[], float]) -> WebhookReader:
        assert self.reader_factory is not None, f"{self.name} takes no webhooks"
        factory: ReaderFactory = _load(self.reader_factory)
        return factory(secret, clock)


CATALOG: dict[str, Vendor] = {
    vendor.name: vendor
    for vendor in (
        Vendor(
            creativeai.CAPABILITIES,
            "creativeai_base_url",
            "adforge.vendors.creativeai.gateway:build",
            "adforge.vendors.creativeai.webhook:build_reader",
        ),
        Vendor(adcreator.CAPABILITIES, "adcreator_base_url", "adforge.vendors.adcreator.gateway:build"),
        Vendor(adsumo.CAPABILITIES, "adsumo_base_url", "adforge.vendors.adsumo.gateway:build"),
        Vendor(
            adcreative.CAPABILITIES_PHOTOSHOOT,
            "adcreative_base_url",
            "adforge.vendors.adcreative.gateway:build_photoshoot",
            "adforge.vendors.adcreative.webhook:build_reader",
        ),
        Vendor(
            adcreative.CAPABILITIES_STOCK,
            "adcreative_base_url",
            "adforge.vendors.adcreative.gateway:build_stock",
            "adforge.vendors.adcreative.webhook:build_reader",
        ),
    )
}
CAPABILITIES: dict[str, Capabilities] = {name: vendor.capabilities for name, vendor in CATALOG.items()}
"""Every vendor's capabilities, by name: what the services route with (given to them, never a global they read)."""
