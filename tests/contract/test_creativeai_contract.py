from adforge.adapters.http_fetch import GuardedFetcher
from adforge.domain.models import JobRequest
from adforge.vendors.creativeai.client import CreativeAIClient
from adforge.vendors.creativeai.gateway import CreativeAIGateway
from adforge.vendors.creativeai.webhook import CreativeAIWebhooks
from adforge_local.sandboxes.base import Sandbox
from adforge_local.sandboxes.creativeai import CreativeAISandbox
from tests.contract.suite import VendorContract, VendorPair


def gateway(sandbox: Sandbox, fetcher: GuardedFetcher, wrong_key: str | None) -> CreativeAIGateway:
    assert isinstance(sandbox, CreativeAISandbox)
    return CreativeAIGateway(CreativeAIClient.create(sandbox.url, wrong_key or sandbox.api_key, timeout=10), fetcher)


def webhooks(sandbox: Sandbox) -> CreativeAIWebhooks:
    assert isinstance(sandbox, CreativeAISandbox)
    return CreativeAIWebhooks(sandbox.api_key, sandbox.clock.now)


class TestCreativeAIContract(VendorContract):
    pair = VendorPair(
        name="creativeai",
        sandbox=CreativeAISandbox,
        gateway=gateway,
        good=JobRequest(prompt="a red mug on marble", count=2, aspect_ratios=["9:16"]),
        invalid=JobRequest(prompt="a forbidden product shot"),
        webhooks=webhooks,
    )
