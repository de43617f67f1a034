"""The catalogue's adapters are named by path: each one resolves to the vendor's own builder."""

import pytest

from adforge.vendors import catalog


@pytest.mark.parametrize("name", sorted(catalog.CATALOG))
def test_every_builder_path_resolves_to_a_function_of_that_vendors_package(name):
    vendor = catalog.CATALOG[name]
    paths = [vendor.gateway_factory, *([vendor.reader_factory] if vendor.reader_factory else [])]
    for path in paths:
        assert callable(catalog._load(path))
        assert path.startswith(f"adforge.vendors.{name.split('_')[0]}.")


def test_webhook_readers_are_declared_for_exactly_the_vendors_that_send_webhooks():
    assert {name for name, vendor in catalog.CATALOG.items() if vendor.takes_webhooks} == {
        name for name, capabilities in catalog.CAPABILITIES.items() if capabilities.webhooks
    }
