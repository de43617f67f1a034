"""One contract every vendor adapter + sandbox pair passes. A new vendor is added by passing it.

Subclass `VendorContract`, set `pair`, and pytest runs every case below against that vendor's
adapter talking real HTTP to that vendor's sandbox (built from the docs, not from the adapter).
The sandbox runs on a `ManualClock`: nothing progresses until a case advances it, and callbacks due by then
(job progress, webhook deliveries to the receiver) have run when `advance()` returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Protocol

import httpx
import pytest

from adforge.adapters.http_fetch import GuardedFetcher
from adforge.adapters.ssrf_guard import DestinationGuard
from adforge.domain.media import sniff
from adforge.domain.models import JobRequest, VendorState, VendorSubmission, VendorUpdate
from adforge.ports import vendors as errors
from adforge.ports.vendors import VendorGateway, WebhookReader
from adforge_local.sandboxes.base import Sandbox
from adforge_local.sandboxes.clock import Clock, ManualClock

SAMPLE = Path(__file__).resolve().parents[2] / "local" / "assets" / "sample-product.png"
PACE = 0.3  # the sandbox's processing_seconds in these cases


class SandboxFactory(Protocol):
    def __call__(self, *, clock: Clock) -> Sandbox: ...


@dataclass
class VendorPair:
    """How to build one vendor's sandbox, adapter and requests."""

    name: str
    sandbox: SandboxFactory
    gateway: Callable[[Sandbox, GuardedFetcher, str | None], VendorGateway]  # (sandbox, fetcher, wrong key or None)
    good: JobRequest
    invalid: JobRequest  # a request this vendor refuses with a validation error
    webhooks: Callable[[Sandbox], WebhookReader] | None = None
    signed_webhooks: bool = True
    webhook_query: dict[str, str] = field(default_factory=dict)  # what our callback URL carries (e.g. a token)
    outputs_per_request: Callable[[JobRequest], int] = field(default=lambda request: request.count)


class Receiver:
    """A loopback endpoint that keeps every delivery (raw body + headers), for webhook cases."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[bytes, dict[str, str], str]] = []  # body, headers, path with query
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.deliveries.append((body, dict(self.headers.items()), self.path))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:  # serves the product photo to vendors that fetch it
                data = SAMPLE.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


class VendorContract:
    pair: ClassVar[VendorPair]

    @pytest.fixture
    def fresh(self, sandbox: Sandbox, receiver: Receiver) -> Sandbox:
        sandbox.reset()
        sandbox.set_faults(processing_seconds=PACE, webhook_retry_delays=[0.0, 0.2, 0.5])
        receiver.deliveries.clear()
        return sandbox

    @pytest.fixture
    def fetcher(self) -> GuardedFetcher:
        return GuardedFetcher(DestinationGuard(allow_loopback=True), timeout=10)

    def gateway(self, sandbox: Sandbox, fetcher: GuardedFetcher, wrong_key: str | None = None) -> VendorGateway:
        return self.pair.gateway(sandbox, fetcher, wrong_key)

    def submission(self, receiver: Receiver, request: JobRequest | None = None) -> VendorSubmission:
        callback = f"{receiver.url}/v1/webhooks/{self.pair.name}?job=job_contract"
        return VendorSubmission(
            request=request or self.pair.good, product_image_url=f"{receiver.url}/product.png", callback_url=callback
        )

    def final(self, gateway: VendorGateway, vendor_job_id: str, clock: ManualClock) -> VendorUpdate:
        """Run the clock through the job's pace, then read the state it must have reached."""
        clock.advance(PACE)
        update = gateway.status(vendor_job_id, self.pair.good.kind)
        assert update.state.is_final, f"the job is still {update.state} after its {PACE} s pace"
        return update

    def in_progress(self, gateway: VendorGateway, vendor_job_id: str) -> bool:
        return gateway.status(vendor_job_id, self.pair.good.kind).state in (VendorState.PENDING, VendorState.PROCESSING)

    # the contract ------------------------------------------------------------------------------
    def test_submit_progress_complete_and_download(
        self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver, clock: ManualClock
    ) -> None:
        gateway = self.gateway(fresh, fetcher)
        vendor_job_id = gateway.submit(self.submission(receiver))
        first = gateway.status(vendor_job_id, self.pair.good.kind)
        assert first.vendor_job_id == vendor_job_id
        assert first.state in (VendorState.PENDING, VendorState.PROCESSING)
        update = self.final(gateway, vendor_job_id, clock)
        assert update.state is VendorState.COMPLETED, update.error
        assert len(update.outputs) == self.pair.outputs_per_request(self.pair.good)
        for ref in update.outputs:
            with gateway.open_output(ref) as download:
                body = b"".join(download.chunks())
            assert sniff(body) in {"image/png", "image/jpeg", "image/webp", "video/mp4"}

    def test_vendor_side_failure_is_reported_as_failed(
        self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver, clock: ManualClock
    ) -> None:
        fresh.set_faults(fail_generation=True)
        gateway = self.gateway(fresh, fetcher)
        update = self.final(gateway, gateway.submit(self.submission(receiver)), clock)
        assert update.state is VendorState.FAILED
        assert update.error is not None and update.error.code and update.error.message

    def test_a_job_that_never_finishes_stays_in_progress(
        self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver, clock: ManualClock
    ) -> None:
        fresh.set_faults(never_finish=True)
        gateway = self.gateway(fresh, fetcher)
        vendor_job_id = gateway.submit(self.submission(receiver))
        clock.advance(100 * PACE)
        assert self.in_progress(gateway, vendor_job_id)

    def test_a_held_job_stays_in_progress_until_released(
        self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver, clock: ManualClock
    ) -> None:
        """The `hold` fault over the admin API: the job waits however long time runs, and paces from the release."""
        assert httpx.post(f"{fresh.url}/_sandbox/faults", json={"hold": True}).json()["hold"] is True
        gateway = self.gateway(fresh, fetcher)
        vendor_job_id = gateway.submit(self.submission(receiver))
        clock.advance(100 * PACE)
        assert self.in_progress(gateway, vendor_job_id)
        assert httpx.post(f"{fresh.url}/_sandbox/release").json()["released"] >= 1  # adcreator: one per output
        assert self.in_progress(gateway, vendor_job_id)  # the pace starts at the release
        assert fresh.faults.hold is False
        assert self.final(gateway, vendor_job_id, clock).state is VendorState.COMPLETED

    def test_wrong_credentials_are_an_auth_failure(self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver) -> None:
        with pytest.raises(errors.VendorAuthFailed):
            self.gateway(fresh, fetcher, wrong_key="not-the-key").submit(self.submission(receiver))

    def test_a_request_the_vendor_refuses_is_rejected_not_retried(
        self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver
    ) -> None:
        with pytest.raises(errors.VendorRejected) as raised:
            self.gateway(fresh, fetcher).submit(self.submission(receiver, self.pair.invalid))
        assert not raised.value.retryable and raised.value.message

    def test_rate_limit_keeps_retry_after(self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver) -> None:
        fresh.set_faults(rate_limit=True, retry_after=7)
        with pytest.raises(errors.VendorRateLimited) as raised:
            self.gateway(fresh, fetcher).submit(self.submission(receiver))
        assert raised.value.retry_after == 7 and raised.value.retryable

    def test_an_outage_is_retryable(self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver) -> None:
        fresh.set_faults(error_status=503)
        with pytest.raises(errors.VendorUnavailable) as raised:
            self.gateway(fresh, fetcher).submit(self.submission(receiver))
        assert raised.value.retryable

    def test_webhook_delivery_verifies_and_reads(
        self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver, clock: ManualClock
    ) -> None:
        if self.pair.webhooks is None:
            pytest.skip(f"{self.pair.name} documents no webhooks: poll only")
        gateway = self.gateway(fresh, fetcher)
        vendor_job_id = gateway.submit(self.submission(receiver))
        reader = self.pair.webhooks(fresh)
        assert receiver.deliveries == []
        clock.advance(PACE)  # deliveries are made by the time advance() returns
        updates = [reader.read(body, headers, self.pair.webhook_query)[1] for body, headers, _ in receiver.deliveries]
        # some vendors send progress messages (one per task) before the final one
        final = [update for update in updates if update.state.is_final]
        assert final, "no final webhook arrived"
        assert final[-1].vendor_job_id == vendor_job_id and final[-1].state is VendorState.COMPLETED
        assert all(update.vendor_job_id == vendor_job_id for update in updates)

    def test_badly_signed_webhooks_are_refused(
        self, fresh: Sandbox, fetcher: GuardedFetcher, receiver: Receiver, clock: ManualClock
    ) -> None:
        if self.pair.webhooks is None or not self.pair.signed_webhooks:
            pytest.skip(f"{self.pair.name} does not sign webhooks")
        from adforge.domain.signatures import SignatureInvalid

        fresh.set_faults(bad_signature=True, webhook_retry_delays=[0.0])
        self.gateway(fresh, fetcher).submit(self.submission(receiver))
        clock.advance(PACE)
        assert receiver.deliveries, "no webhook arrived"
        body, headers, _ = receiver.deliveries[0]
        with pytest.raises(SignatureInvalid):
            self.pair.webhooks(fresh).read(body, headers, self.pair.webhook_query)
