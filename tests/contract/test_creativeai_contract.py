import pytest

from adforge.adapters.http_fetch import GuardedFetcher
from adforge.adapters.ssrf_guard import DestinationGuard
from adforge.domain.media import sniff
from adforge.domain.models import JobKind, JobRequest, VendorState, VendorSubmission
from adforge.vendors.creativeai.client import CreativeAIClient
from adforge.vendors.creativeai.gateway import CreativeAIGateway
from adforge.vendors.creativeai.webhook import CreativeAIWebhooks
from adforge_local.sandboxes.base import Sandbox
from adforge_local.sandboxes.clock import ManualClock
from adforge_local.sandboxes.creativeai import CreativeAISandbox
from tests.contract.suite import PACE, Receiver, VendorContract, VendorPair


def gateway(sandbox: Sandbox, fetcher: GuardedFetcher, wrong_key: str | None) -> CreativeAIGateway:
    assert isinstance(sandbox, CreativeAISandbox)
    return CreativeAIGateway(CreativeAIClient.create(sandbox.url, wrong_key or sandbox.api_key, timeout=10), fetcher)


def webhooks(sandbox: Sandbox) -> CreativeAIWebhooks:
    assert isinstance(sandbox, CreativeAISandbox)
    return CreativeAIWebhooks(sandbox.signing_secret, sandbox.clock.now)


class TestCreativeAIContract(VendorContract):
    pair = VendorPair(
        name="creativeai",
        sandbox=CreativeAISandbox,
        gateway=gateway,
        good=JobRequest(prompt="a red mug on marble", kind="video", count=2, aspect_ratios=["9:16"]),  # one batch
        invalid=JobRequest(prompt="a forbidden product shot"),
        webhooks=webhooks,
    )


class TestCreativeAIPaths:
    """The paths the generic contract (a batch of two videos) does not take, against the same sandbox."""

    pair = TestCreativeAIContract.pair

    @pytest.fixture
    def fresh(self, sandbox: Sandbox, receiver: Receiver) -> Sandbox:
        sandbox.reset()
        sandbox.set_faults(processing_seconds=PACE, webhook_retry_delays=[0.0, 0.2, 0.5])
        receiver.deliveries.clear()
        return sandbox

    def send(self, sandbox: Sandbox, receiver: Receiver, request: JobRequest, photo: bool) -> tuple[CreativeAIGateway, str]:
        fetcher = GuardedFetcher(DestinationGuard(allow_loopback=True), timeout=10)
        submission = VendorSubmission(
            request=request,
            product_image_url=f"{receiver.url}/product.png" if photo else None,
            callback_url=f"{receiver.url}/v1/webhooks/creativeai?job=job_contract",
        )
        client = gateway(sandbox, fetcher, None)
        return client, client.submit(submission)

    def test_one_native_image_completes_and_its_signed_webhook_names_it(
        self, fresh: Sandbox, receiver: Receiver, clock: ManualClock
    ) -> None:
        client, vendor_job_id = self.send(fresh, receiver, JobRequest(prompt="a red mug on marble"), photo=False)
        assert client.status(vendor_job_id, JobKind.IMAGE).state in (VendorState.PENDING, VendorState.PROCESSING)
        clock.advance(PACE)
        update = client.status(vendor_job_id, JobKind.IMAGE)
        assert update.state is VendorState.COMPLETED and len(update.outputs) == 1
        reader = webhooks(fresh)
        final = [reader.read(body, headers, {})[1] for body, headers, _ in receiver.deliveries]
        assert final and final[-1].vendor_job_id == vendor_job_id and final[-1].state is VendorState.COMPLETED

    def test_n_native_images_are_n_generations_polled_together(
        self, fresh: Sandbox, receiver: Receiver, clock: ManualClock
    ) -> None:
        client, vendor_job_id = self.send(fresh, receiver, JobRequest(prompt="a red mug on marble", count=3), photo=False)
        assert len(vendor_job_id.split(",")) == 3
        clock.advance(PACE)
        update = client.status(vendor_job_id, JobKind.IMAGE)
        assert update.state is VendorState.COMPLETED and len(set(update.outputs)) == 3
        assert receiver.deliveries == []  # no webhook asked for: one delivery could not name the job

    def test_a_failed_native_image_fails_the_job(self, fresh: Sandbox, receiver: Receiver, clock: ManualClock) -> None:
        fresh.set_faults(fail_generation=True)
        client, vendor_job_id = self.send(fresh, receiver, JobRequest(prompt="a red mug on marble", count=2), photo=False)
        clock.advance(PACE)
        update = client.status(vendor_job_id, JobKind.IMAGE)
        assert update.state is VendorState.FAILED and update.error is not None and update.error.message

    def test_a_product_photo_is_edited_into_the_scene_and_answered_at_once(self, fresh: Sandbox, receiver: Receiver) -> None:
        client, vendor_job_id = self.send(fresh, receiver, JobRequest(prompt="a red mug on marble", count=2), photo=True)
        update = client.status(vendor_job_id, JobKind.IMAGE)
        assert update.state is VendorState.COMPLETED and len(update.outputs) == 2
        for ref in update.outputs:
            with client.open_output(ref) as download:
                assert sniff(b"".join(download.chunks())) in {"image/png", "image/jpeg", "image/webp"}

    def test_one_image_to_video_completes(self, fresh: Sandbox, receiver: Receiver, clock: ManualClock) -> None:
        request = JobRequest(prompt="a red mug on marble", kind="video", aspect_ratios=["16:9"])
        client, vendor_job_id = self.send(fresh, receiver, request, photo=True)
        clock.advance(PACE)
        update = client.status(vendor_job_id, JobKind.VIDEO)
        assert update.state is VendorState.COMPLETED and len(update.outputs) == 1
        with client.open_output(update.outputs[0]) as download:
            assert sniff(b"".join(download.chunks())) == "video/mp4"
