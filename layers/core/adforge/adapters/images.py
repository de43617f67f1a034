"""`ImageFramer` over Pillow: a vendor's still image decoded (bounded), centre-cropped to the exact ratio asked for.

Bounds: the file is read into memory only up to the asset byte limit (the same limit the store applies), and an
image is decoded only when its header's width x height is at most `max_pixels` (checked before any pixel is
decoded; Pillow's own `MAX_IMAGE_PIXELS` bomb check stays on as a second guard). Choices the vendor docs do not
settle: a crop keeps the vendor's format (PNG stays lossless, JPEG and WebP are written at quality 95) and its ICC
profile; an image already of the exact ratio is stored byte for byte as the vendor made it. Only the first frame of
an animated image is kept when one is cropped (no vendor documents animated stills). GIFs and videos pass through
uncropped and unread: no ffmpeg here, so a video keeps the ratio its vendor documents.

`convert` re-encodes a product photo for a vendor whose doc names fewer input formats than AdForge takes: to PNG
when the vendor takes PNG (lossless, alpha kept), else JPEG (alpha flattened by dropping it) or WebP.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from PIL import Image

from adforge.domain.errors import InputRejected
from adforge.domain.framing import Pixels, centre_crop, conversion_target
from adforge.domain.media import SNIFF_BYTES, sniff
from adforge.ports.assets import Download

FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}  # the still images we crop
SAVE_OPTIONS: dict[str, dict[str, object]] = {"PNG": {}, "JPEG": {"quality": 95}, "WEBP": {"quality": 95}}
MAX_PIXELS = 40_000_000  # 4K is 16.8 MP; 40 MP of RGBA is 160 MB decoded, inside Collect's 1024 MB


class _Buffered:
    """A `Download` of bytes already in memory."""

    def __init__(self, content_type: str, data: bytes) -> None:
        self.content_type = content_type
        self.declared_length: int | None = len(data)
        self._data = data

    def chunks(self) -> Iterator[bytes]:
        yield self._data


class _Resumed:
    """A `Download` whose first bytes were already read (to sniff it): they come first, then the rest, streamed."""

    def __init__(self, download: Download, head: bytes, rest: Iterator[bytes]) -> None:
        self.content_type = download.content_type
        self.declared_length = download.declared_length
        self._head = head
        self._rest = rest

    def chunks(self) -> Iterator[bytes]:
        if self._head:
            yield self._head
        yield from self._rest


class PillowFramer:
    def __init__(self, max_bytes: int, max_pixels: int = MAX_PIXELS) -> None:
        self._max_bytes = max_bytes
        self._max_pixels = max_pixels

    def frame(self, download: Download, ratio: str | None) -> tuple[Download, Pixels | None]:
        if download.declared_length is not None and download.declared_length > self._max_bytes:
            raise InputRejected("too_large", f"file is {download.declared_length} bytes, over the {self._max_bytes} byte limit")
        chunks = iter(download.chunks())
        head = b""
        for chunk in chunks:
            head += chunk
            if len(head) >= SNIFF_BYTES:
                break
        kind = sniff(head)
        if kind not in FORMATS:
            return _Resumed(download, head, chunks), None
        data = self._read_all(head, chunks)
        return self.frame_bytes(data, kind, ratio)

    def frame_bytes(self, data: bytes, kind: str, ratio: str | None) -> tuple[Download, Pixels | None]:
        """The crop itself, on an image already in memory (`kind`: its sniffed type, one of `FORMATS`)."""
        fmt = FORMATS[kind]
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > self._max_pixels:
                    raise InputRejected("too_large", f"image is {width}x{height}, over {self._max_pixels} pixels")
                if ratio is None:
                    return _Buffered(kind, data), Pixels(width=width, height=height)
                box = centre_crop(width, height, ratio)
                if box == (0, 0, width, height):
                    return _Buffered(kind, data), Pixels(width=width, height=height)
                cropped = image.crop(box)
                out = io.BytesIO()
                options = dict(SAVE_OPTIONS[fmt])
                if image.info.get("icc_profile"):
                    options["icc_profile"] = image.info["icc_profile"]
                cropped.save(out, format=fmt, **options)
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            raise InputRejected("unsupported_media", f"the vendor's image cannot be reframed to {ratio}: {error}") from error
        left, top, right, bottom = box
        pixels = Pixels(width=right - left, height=bottom - top, native_width=width, native_height=height)
        return _Buffered(kind, out.getvalue()), pixels

    def convert(self, download: Download, accepted: frozenset[str]) -> Download:
        if download.declared_length is not None and download.declared_length > self._max_bytes:
            raise InputRejected("too_large", f"file is {download.declared_length} bytes, over the {self._max_bytes} byte limit")
        data = self._read_all(b"", iter(download.chunks()))
        kind = sniff(data[:SNIFF_BYTES])
        target = conversion_target(accepted)
        if kind not in FORMATS or target is None:
            raise InputRejected("unsupported_media", f"cannot convert {kind or 'an unknown type'} to one of {sorted(accepted)}")
        if kind == target:
            return _Buffered(kind, data)
        try:
            with Image.open(io.BytesIO(data), formats=[FORMATS[kind]]) as image:
                width, height = image.size
                if width * height > self._max_pixels:
                    raise InputRejected("too_large", f"image is {width}x{height}, over {self._max_pixels} pixels")
                picture = image if target != "image/jpeg" or image.mode in ("RGB", "L", "CMYK") else image.convert("RGB")
                out = io.BytesIO()
                picture.save(out, format=FORMATS[target], **SAVE_OPTIONS[FORMATS[target]])
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            raise InputRejected("unsupported_media", f"the image cannot be converted: {error}") from error
        if out.tell() > self._max_bytes:
            raise InputRejected("too_large", f"the converted image exceeds the {self._max_bytes} byte limit")
        return _Buffered(target, out.getvalue())

    def _read_all(self, head: bytes, rest: Iterator[bytes]) -> bytes:
        data = bytearray(head)
        for chunk in rest:
            data += chunk
            if len(data) > self._max_bytes:
                raise InputRejected("too_large", f"file exceeds the {self._max_bytes} byte limit")
        if len(data) > self._max_bytes:
            raise InputRejected("too_large", f"file exceeds the {self._max_bytes} byte limit")
        return bytes(data)
