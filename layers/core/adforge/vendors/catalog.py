"""The one list of vendors: capabilities, where their API lives, how to build their adapters.

Adding a vendor = a package under vendors/ + one entry here + passing the contract suite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from adforge.ports.assets import Fetcher
from adforge.ports.vendors import VendorGateway, WebhookReader
from adforge.vendors import adcreative, adcreator, adsumo, creativeai
from adforge.vendors.adcreative import gateway as adcreative_gateway
from adforge.vendors.adcreative import webhook as adcreative_webhook
from adforge.vendors.adcreator import gateway as adcreator_gateway
from adforge.vendors.adsumo import gateway as adsumo_gateway
from adforge.vendors.capabilities import Capabilities
from adforge.vendors.creativeai import gateway as creativeai_gateway
from adforge.vendors.creativeai import webhook as creativeai_webhook

GatewayFactory = Callable[[str, Mapping[str, str], Fetcher, float], VendorGateway]
ReaderFactory = Callable[[Mapping[str, str], Callable[[], float]], WebhookReader]


@dataclass(frozen=True)
class Vendor:
    capabilities: Capabilities
    base_url_setting: str  # the VendorSettings field holding the API origin
    build: GatewayFactory
    reader: ReaderFactory | None = None  # None: poll only
    secret_name: str = ""  # entry in the vendor secret; defaults to the vendor name

    @property
    def name(self) -> str:
        return self.capabilities.name

    @property
    def secret_key(self) -> str:
        return self.secret_name or self.name


CATALOG: dict[str, Vendor] = {
    vendor.name: vendor
    for vendor in (
        Vendor(creativeai.CAPABILITIES, "creativeai_base_url", creativeai_gateway.build, creativeai_webhook.build_reader),
        Vendor(adcreator.CAPABILITIES, "adcreator_base_url", adcreator_gateway.build),
        Vendor(adsumo.CAPABILITIES, "adsumo_base_url", adsumo_gateway.build),
        Vendor(
            adcreative.CAPABILITIES_PHOTOSHOOT,
            "adcreative_base_url",
            adcreative_gateway.build_photoshoot,
            adcreative_webhook.build_reader,
        ),
        Vendor(
            adcreative.CAPABILITIES_STOCK, "adcreative_base_url", adcreative_gateway.build_stock, adcreative_webhook.build_reader
        ),
    )
}
