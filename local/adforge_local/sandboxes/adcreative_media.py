"""Download formats for the AdCreative.ai sandbox: PNG originals, JPEG (real baseline JFIF) and PDF 1.6 (stdlib only)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

from adforge_local.sandboxes.compose import compose

PNG, JPEG, PDF = 0, 1, 2
CONTENT_TYPES = {PNG: ("image/png", "png"), JPEG: ("image/jpeg", "jpg"), PDF: ("application/pdf", "pdf")}
THUMBNAIL_SCALE = 4

# Standard luminance DC Huffman table (ITU T.81 K.3): category -> (code, length).
_DC_COUNTS = bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
_DC_CODES = [
    (0b00, 2),
    (0b010, 3),
    (0b011, 3),
    (0b100, 3),
    (0b101, 3),
    (0b110, 3),
    (0b1110, 4),
    (0b11110, 5),
    (0b111110, 6),
    (0b1111110, 7),
    (0b11111110, 8),
    (0b111111110, 9),
]


def thumbnail(size: tuple[int, int]) -> tuple[int, int]:
    return max(1, size[0] // THUMBNAIL_SCALE), max(1, size[1] // THUMBNAIL_SCALE)


def render(
    kind: int, size: tuple[int, int], seed: str, low_resolution: bool, product: bytes | None = None, prompt: str = ""
) -> bytes:
    """The task's image as PNG, JPEG or PDF; low resolution means the thumbnail. The PNG is the creative compose.py
    draws at that size (the product photo on the seeded scene, the prompt's quoted text as headline); JPEG and PDF are
    converted from it."""
    width, height = thumbnail(size) if low_resolution else size
    original = compose(width, height, seed, product, prompt)
    if kind == PNG:
        return original
    if kind == JPEG:
        return jpeg_from_png(original)
    if low_resolution:
        return _pdf(width, height, "/Filter /DCTDecode", jpeg_from_png(original))
    predictor = f"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns {width} >>"
    return _pdf(width, height, predictor, _png_chunks(original)[b"IDAT"])


def _png_chunks(data: bytes) -> dict[bytes, bytes]:
    chunks: dict[bytes, bytes] = {}
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks[kind] = chunks.get(kind, b"") + data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return chunks


def _pixels(data: bytes) -> tuple[int, int, Callable[[int, int], tuple[int, int, int]]]:
    """Width, height and a pixel reader for an 8-bit RGB PNG whose rows all use filter 0 (as png.png and png.encode
    write them)."""
    chunks = _png_chunks(data)
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + 3 * width

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        at = y * stride + 1 + 3 * x
        return raw[at], raw[at + 1], raw[at + 2]

    return width, height, pixel


def _ycbcr(r: int, g: int, b: int) -> tuple[float, float, float]:
    return (
        0.299 * r + 0.587 * g + 0.114 * b,
        128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
        128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
    )


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", 0xFF00 | marker, len(payload) + 2) + payload


def jpeg_from_png(data: bytes) -> bytes:
    """A decodable baseline JPEG of the PNG: each 8x8 block flat in its centre colour (DC-only, quantiser 1)."""
    width, height, pixel = _pixels(data)
    bits: list[str] = []
    previous = [0, 0, 0]
    for top in range(0, height, 8):
        for left in range(0, width, 8):
            colour = _ycbcr(*pixel(min(left + 4, width - 1), min(top + 4, height - 1)))
            for component, level in enumerate(colour):
                dc = round(8 * (min(255.0, max(0.0, level)) - 128))
                diff, previous[component] = dc - previous[component], dc
                category = abs(diff).bit_length()
                code, length = _DC_CODES[category]
                bits.append(format(code, f"0{length}b"))
                if category:
                    bits.append(format(diff if diff > 0 else diff + (1 << category) - 1, f"0{category}b"))
                bits.append("0")  # end of block: the only AC symbol, coded as a single 0 bit
    stream = "".join(bits)
    stream += "1" * (-len(stream) % 8)
    entropy = int(stream, 2).to_bytes(len(stream) // 8, "big").replace(b"\xff", b"\xff\x00")
    components = b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    return (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _segment(0xDB, b"\x00" + b"\x01" * 64)
        + _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + components)
        + _segment(0xC4, b"\x00" + _DC_COUNTS + bytes(range(12)) + b"\x10" + bytes([1] + [0] * 15) + b"\x00")
        + _segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00")
        + entropy
        + b"\xff\xd9"
    )


def _pdf(width: int, height: int, filters: str, image: bytes) -> bytes:
    """A one-page PDF 1.6 showing `image` (an RGB image XObject) at its pixel size."""
    content = f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode()
    image_head = f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB /BitsPerComponent 8"
    page = f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Resources << /XObject << /Im0 4 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"{page} /Contents 5 0 R >>".encode(),
        f"{image_head} {filters} /Length {len(image)} >>\nstream\n".encode() + image + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
