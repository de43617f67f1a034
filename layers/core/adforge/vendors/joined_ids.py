"""A vendor job of N generations, for vendors that make one output per generation: the N ids joined by ","."""

from __future__ import annotations

from typing import Any

from adforge.ports.vendors import VendorNotFound, VendorProtocolError

SEPARATOR = ","


def generation_id(vendor: str, body: Any, field: str) -> str:
    """The generation id (`body[field]`) from a creation answer: one part of a joined vendor job id."""
    found = body.get(field) if isinstance(body, dict) else None
    if not isinstance(found, str) or not found or SEPARATOR in found:
        raise VendorProtocolError(vendor, f"creation answer has no usable {field}")
    return found


def job_id(generation_ids: list[str]) -> str:
    """The vendor job id: the generations' ids, in the order they were started."""
    return SEPARATOR.join(generation_ids)


def generation_ids(vendor: str, vendor_job_id: str) -> list[str]:
    ids = vendor_job_id.split(SEPARATOR)
    if not all(ids):
        raise VendorNotFound(vendor, f"not an {vendor} job id: {vendor_job_id!r}")
    return ids
