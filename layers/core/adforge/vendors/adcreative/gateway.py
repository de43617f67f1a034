"""AdCreative.ai Product Photoshoot and Stock Image Generation as `VendorGateway`s: transforms + client."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from adforge.domain.models import JobKind, VendorSubmission, VendorUpdate
from adforge.ports.assets import Download, Fetcher
from adforge.ports.vendors import VendorError, VendorNotFound, VendorOutcomeUnknown, VendorRejected
from adforge.vendors.adcreative import NAME_PHOTOSHOOT, NAME_STOCK, channels, photoshoot, progress, stock
from adforge.vendors.adcreative.auth import Account
from adforge.vendors.adcreative.client import AdCreativeClient

MAX_PHOTO_BYTES = 20 * 1024 * 1024
logger = logging.getLogger(__name__)


class WebhookChannel:
    """Makes sure one active WebHook channel delivers to our endpoint; checked once per gateway and callback URL.

    Webhooks are optional (the photoshoot doc: "Optional: Configure webhook via /NotificationChannel") and only
    spare polls: a set-up that fails in any way (a channel list we cannot read, any vendor error listing, creating
    or updating a channel) is logged and the job goes on, found by polling once the webhook wait ends. Nothing else
    is recorded; the set-up is tried again on the next submission. The start call itself says whether the
    application needs an active channel.
    """

    def __init__(self, client: AdCreativeClient, vendor: str, token: str) -> None:
        self._client = client
        self._vendor = vendor
        self._token = token
        self._ensured: str | None = None

    def ensure(self, callback_url: str | None) -> None:
        if callback_url is None:
            return
        url = channels.channel_url(callback_url, self._token)
        if url == self._ensured:
            return
        try:
            self._set_up(url)
        except VendorError as error:
            logger.warning("%s: webhook channel not set up, the job is polled instead: %s", self._vendor, error)
            return
        self._ensured = url

    def _set_up(self, url: str) -> None:
        try:
            existing = channels.read_channels(self._vendor, self._client.notification_channels())
        except VendorNotFound:
            existing = []
        action, channel_id = channels.plan(existing, url)
        if action == "update" and channel_id:
            self._client.update_notification_channel(channel_id, url)
        elif action == "create":
            self._client.create_notification_channel(url)


def job_process(vendor: str, listing: Callable[[], Any], claimed: Callable[[str], bool]) -> str | None:
    """Reconciliation: the one process CheckUserProgress lists for a job's userId (see the package notes), or None
    when its documented 404 says that user has none."""
    try:
        answer = listing()
    except VendorNotFound:
        return None
    found = [progress.vendor_job_id(progress.fields(item, vendor), vendor) for item in progress.items(answer)]
    found = [vendor_job_id for vendor_job_id in found if not claimed(vendor_job_id)]
    if len(found) > 1:
        raise VendorOutcomeUnknown(vendor, f"{len(found)} processes carry this job's userId: cannot tell which one is ours")
    return found[0] if found else None


def job_user(account: Account, submission: VendorSubmission, vendor: str) -> str:
    if submission.reference is None:
        raise VendorOutcomeUnknown(vendor, "a submission without our job id cannot be looked up")
    return account.user_for(submission.reference)


class PhotoshootGateway:
    name = NAME_PHOTOSHOOT

    def __init__(self, client: AdCreativeClient, account: Account, fetcher: Fetcher, webhook_token: str) -> None:
        self._client = client
        self._account = account
        self._fetcher = fetcher
        self._channel = WebhookChannel(client, self.name, webhook_token)

    def submit(self, submission: VendorSubmission) -> str:
        """PresetKeys (for a named preset) -> Recommendations (uploads the photo) -> AdCreative, as the job's user."""
        request = submission.request
        user = self._account.user_for(submission.reference)
        self._channel.ensure(submission.callback_url)
        named = photoshoot.named_preset(request)
        presets = photoshoot.catalogue_presets(named, photoshoot.read_presets(self._client.preset_keys())) if named else []
        photo, content_type = self._product_photo(submission.product_image_url)
        answer = self._client.recommendations(user, photo, photoshoot.upload_name(content_type), content_type)
        recommendation = photoshoot.read_recommendation(answer)
        presets = presets or photoshoot.recommended_presets(request, recommendation)
        fields = photoshoot.adcreative_fields(request, recommendation, presets)
        return progress.job_id(progress.process_id(self._client.start_photoshoot(user, fields), self.name), user)

    def reconcile(self, submission: VendorSubmission, since: datetime, claimed: Callable[[str], bool]) -> str | None:
        """The job's process, found by its userId alone (`since` is not needed: the userId is the job's own)."""
        user = job_user(self._account, submission, self.name)
        return job_process(self.name, lambda: self._client.photoshoot_progress(user), claimed)

    def _product_photo(self, url: str | None) -> tuple[bytes, str]:
        """The product photo's bytes, fetched through the SSRF guard (it is uploaded, not linked)."""
        if url is None:
            raise VendorRejected(self.name, "Product Photoshoot needs a product image", vendor_code="product_image_missing")
        photo = bytearray()
        with self._fetcher.open(url) as download:
            for chunk in download.chunks():
                photo += chunk
                if len(photo) > MAX_PHOTO_BYTES:
                    raise VendorRejected(
                        self.name, f"product image over {MAX_PHOTO_BYTES} bytes", vendor_code="product_image_too_large"
                    )
            return bytes(photo), download.content_type

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        process, user = progress.split_job_id(vendor_job_id, self.name)
        answer = self._client.photoshoot_progress(user, process)
        return progress.to_update(progress.pick(answer, self.name, process), self.name)

    def open_output(self, ref: str) -> AbstractContextManager[Download]:
        """The authenticated Download of one task: PNG, full resolution."""
        process_id, task_id = progress.parse_ref(ref, self.name)
        return self._client.photoshoot_download(process_id, task_id)


class StockGateway:
    name = NAME_STOCK

    def __init__(self, client: AdCreativeClient, account: Account, webhook_token: str) -> None:
        self._client = client
        self._account = account
        self._channel = WebhookChannel(client, self.name, webhook_token)

    def submit(self, submission: VendorSubmission) -> str:
        user = self._account.user_for(submission.reference)
        self._channel.ensure(submission.callback_url)
        fields, files = stock.stock_form(submission.request, stock.style_for(submission.request))
        return progress.job_id(progress.process_id(self._client.start_stock(user, fields, files), self.name), user)

    def reconcile(self, submission: VendorSubmission, since: datetime, claimed: Callable[[str], bool]) -> str | None:
        """As `PhotoshootGateway.reconcile`."""
        user = job_user(self._account, submission, self.name)
        return job_process(self.name, lambda: self._client.stock_progress(user), claimed)

    def status(self, vendor_job_id: str, kind: JobKind) -> VendorUpdate:
        process, user = progress.split_job_id(vendor_job_id, self.name)
        answer = self._client.stock_progress(user, process)
        return progress.to_update(progress.pick(answer, self.name, process), self.name)

    def open_output(self, ref: str) -> AbstractContextManager[Download]:
        """The authenticated Download of one task, full resolution (the stock Download has no format)."""
        process_id, task_id = progress.parse_ref(ref, self.name)
        return self._client.stock_download(process_id, task_id)


def build_photoshoot(base_url: str, secret: Mapping[str, str], fetcher: Fetcher, timeout: float) -> PhotoshootGateway:
    """`base_url` is the API origin (https://api.adcreative.ai); `secret` is this vendor's entry in the vendor secret."""
    account = Account.from_secret(secret)
    client = AdCreativeClient.create(base_url, account, NAME_PHOTOSHOOT, timeout)
    return PhotoshootGateway(client, account, fetcher, channels.webhook_token(secret))


def build_stock(base_url: str, secret: Mapping[str, str], fetcher: Fetcher, timeout: float) -> StockGateway:
    """As `build_photoshoot`; the stock API never fetches anything, so `fetcher` is not used."""
    account = Account.from_secret(secret)
    client = AdCreativeClient.create(base_url, account, NAME_STOCK, timeout)
    return StockGateway(client, account, channels.webhook_token(secret))
