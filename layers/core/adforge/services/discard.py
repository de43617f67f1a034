"""A paid generation we will not use: deleted or cancelled at the vendor where its API documents a way."""

from __future__ import annotations

from collections.abc import Mapping

from adforge.domain.models import JobError, VendorAttempt
from adforge.ports.vendors import DiscardingGateway, VendorError, VendorGateway


def abandon(gateways: Mapping[str, VendorGateway], vendor: str, vendor_job_id: str, why: str) -> VendorAttempt:
    """Discard it at the vendor if we can; the attempt to keep on the job says what happened."""
    gateway = gateways.get(vendor)
    if not isinstance(gateway, DiscardingGateway):
        note = f"{why}; the vendor documents no way to cancel it, so it runs to its end unused"
    else:
        try:
            gateway.discard(vendor_job_id)
            note = f"{why}; deleted at the vendor"
        except VendorError as error:
            note = f"{why}; deleting it at the vendor failed: {error.message}"
    return VendorAttempt(
        vendor=vendor, vendor_job_id=vendor_job_id, outcome="abandoned", error=JobError(code="abandoned", message=note)
    )
