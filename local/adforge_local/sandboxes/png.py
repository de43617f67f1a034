"""Real, small, deterministic image and video bytes for sandbox outputs (stdlib only)."""

from __future__ import annotations

import hashlib
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, seed: str, alpha: bool = False, block: bool = True) -> bytes:
    """An RGB PNG: a gradient in colours derived from `seed`, with a centred 'product' block (unless not `block`).
    `alpha`: an RGBA PNG whose background is fully transparent and whose block is opaque (a transparent render)."""
    digest = hashlib.sha256(seed.encode()).digest()
    (r0, g0, b0), (r1, g1, b1) = digest[0:3], digest[3:6]
    clear, opaque = (b"\x00", b"\xff") if alpha else (b"", b"")
    rows = []
    for y in range(height):
        t = y / max(1, height - 1)
        background = bytes((int(r0 + (r1 - r0) * t), int(g0 + (g1 - g0) * t), int(b0 + (b1 - b0) * t)))
        inside = bytes((255 - background[0], 255 - background[1], 255 - background[2])) + opaque
        background += clear
        in_band = block and height * 0.3 < y < height * 0.7
        left, right = int(width * 0.3), int(width * 0.7)
        row = background * left + (inside if in_band else background) * (right - left) + background * (width - right)
        rows.append(b"\x00" + row)
    return _png_file(width, height, alpha, b"".join(rows))


def encode(width: int, height: int, pixels: bytes, alpha: bool = False) -> bytes:
    """8-bit RGB (or RGBA) pixels, packed row by row (as Pillow's `tobytes()` gives them), as a PNG written the way
    `png` writes one: every row with filter 0, one IDAT chunk (what adcreative_media's converters read)."""
    stride = width * (4 if alpha else 3)
    if len(pixels) != stride * height:
        raise ValueError(f"{len(pixels)} bytes are not {width}x{height} {'RGBA' if alpha else 'RGB'} pixels")
    rows = b"".join(b"\x00" + pixels[at : at + stride] for at in range(0, len(pixels), stride))
    return _png_file(width, height, alpha, rows)


def _png_file(width: int, height: int, alpha: bool, filtered_rows: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(filtered_rows, 6)) + _chunk(b"IEND", b"")
    )


MP4_TIMESCALE = 1000  # units per second of the movie header's duration


def _box(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", 8 + len(data)) + kind + data


def mp4(seed: str, seconds: float | None = None) -> bytes:
    """A minimal ISO-BMFF file (ftyp + free + mdat boxes): sniffable as video/mp4, deterministic. With `seconds`, a
    `moov` box whose movie header (`mvhd`, version 0) gives that length, as a real file's does."""
    payload = hashlib.sha256(seed.encode()).digest() * 64
    moov = b""
    if seconds is not None:
        identity = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
        header = struct.pack(">IIIII", 0, 0, 0, MP4_TIMESCALE, round(seconds * MP4_TIMESCALE))
        mvhd = header + struct.pack(">IH10x", 0x10000, 0x100) + identity + b"\x00" * 24 + struct.pack(">I", 2)
        moov = _box(b"moov", _box(b"mvhd", mvhd))
    return _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + moov + _box(b"free", b"") + _box(b"mdat", payload)


def mp4_seconds(data: bytes) -> float | None:
    """The length a `moov/mvhd` (version 0) box gives, or None without one (top-level boxes only are walked)."""
    at = 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"moov" and data[at + 12 : at + 16] == b"mvhd":
            timescale, duration = struct.unpack(">II", data[at + 16 + 12 : at + 16 + 20])
            return float(duration / timescale) if timescale else None
        if size < 8:
            return None
        at += size
    return None


def dimensions(size: str, scale: int = 4) -> tuple[int, int]:
    """'1024x1536' -> a quarter-size canvas, keeping the aspect."""
    width, height = (int(part) for part in size.lower().split("x"))
    return max(1, width // scale), max(1, height // scale)
