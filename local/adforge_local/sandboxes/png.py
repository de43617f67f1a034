"""Real, small, deterministic image and video bytes for sandbox outputs (stdlib only)."""

from __future__ import annotations

import hashlib
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, seed: str, alpha: bool = False) -> bytes:
    """An RGB PNG: a gradient in colours derived from `seed`, with a centred 'product' block. `alpha`: an RGBA PNG
    whose background is fully transparent and whose block is opaque (a transparent-background render)."""
    digest = hashlib.sha256(seed.encode()).digest()
    (r0, g0, b0), (r1, g1, b1) = digest[0:3], digest[3:6]
    clear, opaque = (b"\x00", b"\xff") if alpha else (b"", b"")
    rows = []
    for y in range(height):
        t = y / max(1, height - 1)
        background = bytes((int(r0 + (r1 - r0) * t), int(g0 + (g1 - g0) * t), int(b0 + (b1 - b0) * t)))
        inside = bytes((255 - background[0], 255 - background[1], 255 - background[2])) + opaque
        background += clear
        in_band = height * 0.3 < y < height * 0.7
        left, right = int(width * 0.3), int(width * 0.7)
        row = background * left + (inside if in_band else background) * (right - left) + background * (width - right)
        rows.append(b"\x00" + row)
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + _chunk(b"IEND", b"")
    )


def mp4(seed: str) -> bytes:
    """A minimal ISO-BMFF file (ftyp + free + mdat boxes): sniffable as video/mp4, deterministic."""
    payload = hashlib.sha256(seed.encode()).digest() * 64

    def box(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", 8 + len(data)) + kind + data

    return box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + box(b"free", b"") + box(b"mdat", payload)


def dimensions(size: str, scale: int = 4) -> tuple[int, int]:
    """'1024x1536' -> a quarter-size canvas, keeping the aspect."""
    width, height = (int(part) for part in size.lower().split("x"))
    return max(1, width // scale), max(1, height // scale)
