"""Content sniffing: what a file really is, from its first bytes, whatever it claims."""

from __future__ import annotations

SNIFF_BYTES = 16

EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
}
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
CREATIVE_TYPES = frozenset(EXTENSIONS)


def sniff(head: bytes) -> str | None:
    """The media type of a file from its magic number, or None when unknown."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return None
