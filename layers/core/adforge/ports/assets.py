"""Ports of files: untrusted URLs fetched, objects stored, pixels framed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only: the errors load without pydantic
    from adforge.domain.framing import Pixels
    from adforge.domain.models import Asset

REFUSED = "this URL is not allowed"
log = logging.getLogger(__name__)


class FetchRefused(Exception):
    """The destination is not allowed; nothing was sent. The message is always `REFUSED` (a caller must not map
    internal names or addresses by comparing answers); `detail` (logged, never answered) says why."""

    code = "url_not_allowed"

    def __init__(self, detail: str) -> None:
        super().__init__(REFUSED)
        self.detail = detail
        log.warning("outbound URL refused: %s", detail)


class FetchFailed(Exception):
    """The destination was allowed but did not give us a usable body."""

    code = "fetch_failed"


class Download(Protocol):
    """An open HTTP response body being streamed."""

    content_type: str
    declared_length: int | None

    def chunks(self) -> Iterator[bytes]:
        """The body, a chunk at a time."""


class Fetcher(Protocol):
    """Outbound GET of untrusted URLs, guarded against SSRF."""

    def open(self, url: str) -> AbstractContextManager[Download]:
        """Stream `url`; raises `FetchRefused` or `FetchFailed`."""

    def check(self, url: str) -> None:
        """Raises `FetchRefused` when `url` could never be reached (scheme, shape): nothing is sent."""


class AssetStore(Protocol):
    """Inputs and outputs in object storage."""

    def ingest(self, source: AbstractContextManager[Download], key: str) -> Asset:
        """Stream an opened download into `key` (+ extension), size-limited and content-checked."""

    def describe(self, key: str) -> Asset:
        """Metadata of an object already stored; raises `InputRejected` when unusable."""

    def open(self, key: str) -> AbstractContextManager[Download]:
        """Stream an object already stored."""

    def share(self, key: str, expires_in: int) -> str:
        """A time-limited GET URL a vendor can fetch."""

    def delete(self, key: str) -> None:
        """Remove an object (used to undo an ingest that no job came to own)."""

    def upload_url(self, key: str, content_type: str, content_length: int, expires_in: int) -> str:
        """A presigned PUT bound to this key, type and exact length."""


class ImageFramer(Protocol):
    """Pixel work on a vendor's output: its real size, and a centre crop to exactly the requested ratio."""

    def frame(self, download: Download, ratio: str | None) -> tuple[Download, Pixels | None]:
        """An image cropped to exactly `ratio` (None: as it is) with its pixel sizes; anything that is no still
        image (a video) streamed through unread, with None. Raises `InputRejected` on an oversized file or image."""

    def convert(self, download: Download, accepted: frozenset[str]) -> Download:
        """The image re-encoded in one of the `accepted` types (PNG when accepted: lossless, keeps alpha).
        Raises `InputRejected` when it cannot be read or none of `accepted` can be written."""
