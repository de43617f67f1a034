import pytest

from adforge.adapters.http_fetch import GuardedFetcher
from adforge.domain.models import JobRequest, VendorState
from adforge.domain.signatures import SignatureInvalid
from adforge.vendors.adcreative import PHOTOSHOOT_TASKS
from adforge.vendors.adcreative.gateway import PhotoshootGateway, StockGateway, build_photoshoot, build_stock
from adforge.vendors.adcreative.webhook import AdCreativeWebhooks, build_reader
from adforge_local.sandboxes.adcreative import AdCreativeSandbox
from adforge_local.sandboxes.base import Sandbox
from adforge_local.sandboxes.clock import Clock, ManualClock
from tests.contract.suite import PACE, Receiver, VendorContract, VendorPair

API_KEY, API_SECRET, TOKEN = "contract-key", "contract-secret", "contract-webhook-token"
SECRET = {
    "api_key": API_KEY,
    "api_secret": API_SECRET,
    "application_id": "6a9d3f2c-1b0e-4c7f-a8d5-e3f0c1b9a4d6",
    "user_id": "2f1e3c4d-5b6a-4d8f-9c01-e2d3c4b5f6a7",
    "webhook_token": TOKEN,
}
BLANK_PROMPT = "   "  # built unvalidated: our domain refuses it too, but the adapter must map the vendor's refusal


def sandbox(*, clock: Clock) -> AdCreativeSandbox:
    return AdCreativeSandbox(API_KEY, API_SECRET, clock=clock)


def secret(wrong_key: str | None) -> dict[str, str]:
    return {**SECRET, "api_key": wrong_key or API_KEY}


def photoshoot(sandbox: Sandbox, fetcher: GuardedFetcher, wrong_key: str | None) -> PhotoshootGateway:
    """The gateway points the application's notification channel at the receiver itself, on its first submit."""
    return build_photoshoot(sandbox.url, secret(wrong_key), fetcher, timeout=10)


def stock(sandbox: Sandbox, fetcher: GuardedFetcher, wrong_key: str | None) -> StockGateway:
    return build_stock(sandbox.url, secret(wrong_key), fetcher, timeout=10)


def webhooks(sandbox: Sandbox) -> AdCreativeWebhooks:
    return build_reader(SECRET, sandbox.clock.now)


PRODUCT = {"url": "https://shop.example/mug.png"}


class AdCreativeContract(VendorContract):
    def test_deliveries_come_with_our_token_and_are_refused_without_it(
        self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver, clock: ManualClock
    ) -> None:
        """Stands in for the signature case: the channel URL carries our token (not the job), and only it opens a delivery."""
        assert self.pair.webhooks is not None
        self.gateway(fresh, fetcher).submit(self.submission(receiver))
        clock.advance(PACE)
        assert receiver.deliveries, "no webhook arrived"
        body, headers, path = receiver.deliveries[0]
        assert path == f"/v1/webhooks/{self.pair.name}?token={TOKEN}"
        for query in ({}, {"token": "not-our-token"}, {"token": TOKEN[:-1]}):
            with pytest.raises(SignatureInvalid):
                self.pair.webhooks(fresh).read(body, headers, query)


class TestAdCreativePhotoshootContract(AdCreativeContract):
    pair = VendorPair(
        name="adcreative_photoshoot",
        sandbox=sandbox,
        gateway=photoshoot,
        good=JobRequest(prompt="on a marble kitchen counter", aspect_ratios=["16:9"], image=PRODUCT),
        invalid=JobRequest.model_construct(prompt=BLANK_PROMPT, aspect_ratios=["16:9"], image=PRODUCT, count=1, preset=None),
        webhooks=webhooks,
        signed_webhooks=False,
        webhook_query={"token": TOKEN},
        outputs_per_request=lambda request: PHOTOSHOOT_TASKS,  # always 6 tasks, whatever `count` says
    )

    def test_vendor_side_failure_is_reported_as_failed(
        self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver, clock: ManualClock
    ) -> None:
        """Replaces the shared case: the sandbox's `fail_generation` fails 3 of the 6 tasks, a partial failure, which
        this adapter reports as completed with the 3 good images and a `partial_failure` error (see the package notes).
        """
        fresh.set_faults(fail_generation=True)
        gateway = self.gateway(fresh, fetcher)
        update = self.final(gateway, gateway.submit(self.submission(receiver)), clock)
        assert update.state is VendorState.COMPLETED
        assert len(update.outputs) == PHOTOSHOOT_TASKS // 2
        assert update.error is not None and update.error.code == "partial_failure"
        assert update.error.message.startswith("3 of 6 tasks failed")


class TestAdCreativeStockContract(AdCreativeContract):
    pair = VendorPair(
        name="adcreative_stock",
        sandbox=sandbox,
        gateway=stock,
        good=JobRequest(prompt="a red mug on a marble counter", aspect_ratios=["9:16"]),
        invalid=JobRequest.model_construct(prompt=BLANK_PROMPT, aspect_ratios=["9:16"], count=1, preset=None, image=None),
        webhooks=webhooks,
        signed_webhooks=False,
        webhook_query={"token": TOKEN},
        outputs_per_request=lambda request: 1,  # one task per process
    )
