"""AdCreative.ai NotificationChannel deliveries (both APIs): check our callback URL's token, then read the message.

The vendor signs nothing, so the token only proves the sender knows our callback URL. An update read here is a
hint (hence `signed_webhooks=False` in the capabilities): a final one is confirmed with one status call before it
is believed, a progress one is only acknowledged (services/webhooks).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping

from adforge.domain.models import VendorState, VendorUpdate
from adforge.domain.signatures import SignatureInvalid
from adforge.ports.vendors import VendorProtocolError
from adforge.vendors.adcreative import TOKEN_PARAM, progress
from adforge.vendors.adcreative.channels import webhook_token

FAMILY = "adcreative"


class AdCreativeWebhooks:
    """`WebhookReader` for both AdCreative.ai APIs (their messages differ only in the MessageType prefix)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def read(self, raw_body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> tuple[str, VendorUpdate]:
        provided = query.get(TOKEN_PARAM)
        if not provided or not hmac.compare_digest(provided.encode(), self._token.encode()):
            raise SignatureInvalid("callback token missing or wrong")
        data = progress.fields(json.loads(raw_body), FAMILY)
        message_type = str(data.get("messagetype") or "")
        vendor_job_id = progress.vendor_job_id(data, FAMILY)
        if message_type.endswith("Progress"):  # e.g. ImageGenerationProgress, ImageStockGenerationProgress
            update = progress.to_update(data, FAMILY)
            return f"{vendor_job_id}:{message_type}:{update.progress}", update
        if message_type.endswith("TaskCompleted"):  # one task finished; the process goes on
            return f"{vendor_job_id}:{message_type}:{data.get('taskid')}", VendorUpdate(
                vendor_job_id=vendor_job_id, state=VendorState.PROCESSING
            )
        raise VendorProtocolError(FAMILY, f"unknown notification message type {message_type!r}")


def build_reader(secret: Mapping[str, str], clock: Callable[[], float]) -> AdCreativeWebhooks:
    """One reader serves both APIs; `clock` is unused: the messages carry no timestamp to hold to a window."""
    return AdCreativeWebhooks(webhook_token(secret))
