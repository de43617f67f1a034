from adforge.adapters.http_fetch import GuardedFetcher
from adforge.domain.models import JobRequest
from adforge.vendors.adcreator.gateway import AdCreatorGateway, build
from adforge_local.sandboxes.adcreator import AdCreatorSandbox
from adforge_local.sandboxes.base import Sandbox
from tests.contract.suite import VendorContract, VendorPair


def gateway(sandbox: Sandbox, fetcher: GuardedFetcher, wrong_key: str | None) -> AdCreatorGateway:
    assert isinstance(sandbox, AdCreatorSandbox)
    return build(sandbox.url, {"api_key": wrong_key or sandbox.api_key}, fetcher, timeout=10)


class TestAdCreatorContract(VendorContract):
    pair = VendorPair(
        name="adcreator",
        sandbox=AdCreatorSandbox,
        gateway=gateway,
        good=JobRequest(prompt="a red mug on marble", count=2, aspect_ratios=["1:1"]),
        invalid=JobRequest(prompt="a red mug on marble", preset="no-such-style"),  # stylePreset must be an id from /styles
    )
