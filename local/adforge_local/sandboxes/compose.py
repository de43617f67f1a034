"""An edit that looks like an ad: the merchant's product photo placed on the scene the prompt seeds."""

from __future__ import annotations

import io

from PIL import Image, ImageChops

from adforge_local.sandboxes.png import png

BACKDROP_TOLERANCE = 24  # a photo pixel this close to its corner colour is the studio backdrop, not the product
SHARE = 0.7  # of the canvas the product may take on each side


def compose(width: int, height: int, seed: str, product: bytes) -> bytes:
    """The seeded gradient scene with the product photo on it: the photo's plain backdrop (the colour of its
    top-left pixel) keyed out, the rest scaled to fit and placed centred, a little below the middle. Bytes that
    only look like an image (the sandbox sniffs magic numbers, as the vendor documents) get the plain render."""
    try:
        with Image.open(io.BytesIO(product)) as opened:
            photo = opened.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        return png(width, height, seed)
    scene = Image.open(io.BytesIO(png(width, height, seed, block=False))).convert("RGB")
    backdrop = Image.new("RGB", photo.size, photo.getpixel((0, 0))[:3])  # type: ignore[index]
    distance = ImageChops.difference(photo.convert("RGB"), backdrop).convert("L")
    keyed = distance.point(lambda v: 255 if v > BACKDROP_TOLERANCE else 0)
    photo.putalpha(ImageChops.multiply(photo.getchannel("A"), keyed))
    photo.thumbnail((max(1, int(width * SHARE)), max(1, int(height * SHARE))))
    left = (width - photo.width) // 2
    top = min(height - photo.height, (height - photo.height) // 2 + height // 20)
    scene.paste(photo, (left, top), photo)
    out = io.BytesIO()
    scene.save(out, "PNG")
    return out.getvalue()
