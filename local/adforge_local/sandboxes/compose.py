"""Sandbox creatives that look like ads, for every sandbox's image outputs: the scene the prompt seeds (png.py's
gradient), the merchant's product photo placed on it, and the prompt's quoted text drawn as a headline.

No vendor documents a headline field, so the sandboxes read one the way image models do: the first text in double
quotes (straight "..." or curly “...”) inside the prompt, e.g. `studio shot, headline "Summer Sale"`. A prompt with
no quoted text gets no headline. The same inputs always give the same bytes (seeded scene, fixed font, no clock).
"""

from __future__ import annotations

import io
import re

from PIL import Image, ImageChops, ImageDraw, ImageFont

from adforge_local.sandboxes.png import encode, png

BACKDROP_TOLERANCE = 24  # a photo pixel this close to its corner colour is the studio backdrop, not the product
SHARE = 0.7  # of the canvas the product may take on each side
QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”')
HEADLINE_TOP = 0.04  # of the canvas height, above the band
HEADLINE_SIZE = 0.09  # font size as a share of the canvas height (shrunk to fit the width)
HEADLINE_WIDTH = 0.9  # of the canvas width the text may take
HEADLINE_BAND = 1.6  # band height per font pixel: the text with a margin above and below
MIN_FONT = 6  # pixels: the smallest canvases (Adsumo's 1/16 scale) still get a legible-ish line
BAND_ALPHA = 176  # a dark band under white text: at most ~31% of the scene's light shows through (contrast >= 7:1)
TEXT_COLOUR = (255, 255, 255, 255)


def headline(prompt: str | None) -> str | None:
    """The prompt's first non-blank quoted text, whitespace collapsed; None when it quotes nothing."""
    for match in QUOTED.finditer(prompt or ""):
        text = " ".join((match.group(1) or match.group(2) or "").split())
        if text:
            return text
    return None


def compose(
    width: int, height: int, seed: str, product: bytes | None = None, prompt: str | None = None, alpha: bool = False
) -> bytes:
    """The creative as PNG bytes of exactly `width` x `height` (RGBA when `alpha`: a transparent background).

    Without a product photo (or with bytes that only look like an image: the sandboxes sniff magic numbers, as the
    vendors document, and such bytes get the plain render) the scene is png.py's plain render, its centred block
    standing in for the product. With one, its plain backdrop (the colour of its top-left pixel) is keyed out and the
    rest scaled down to fit, centred a little below the middle. A quoted text in `prompt` adds the headline band.
    Without either, the bytes are exactly `png(width, height, seed, alpha=alpha)`."""
    photo = _cut_out(product) if product else None
    text = headline(prompt)
    if photo is None and text is None:
        return png(width, height, seed, alpha=alpha)
    mode = "RGBA" if alpha else "RGB"
    with Image.open(io.BytesIO(png(width, height, seed, alpha=alpha, block=photo is None))) as plain:
        scene = plain.convert(mode)
    if photo is not None:
        scene = _place(scene, photo)
    if text is not None:
        scene = _with_headline(scene, text)
    return encode(width, height, scene.convert(mode).tobytes(), alpha=alpha)


def _cut_out(product: bytes) -> Image.Image | None:
    """The product photo as RGBA with its backdrop transparent, or None for bytes Pillow cannot read."""
    try:
        with Image.open(io.BytesIO(product)) as opened:
            photo = opened.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    backdrop = Image.new("RGB", photo.size, photo.getpixel((0, 0))[:3])  # type: ignore[index]
    distance = ImageChops.difference(photo.convert("RGB"), backdrop).convert("L")
    keyed = distance.point(lambda v: 255 if v > BACKDROP_TOLERANCE else 0)
    photo.putalpha(ImageChops.multiply(photo.getchannel("A"), keyed))
    return photo


def _place(scene: Image.Image, photo: Image.Image) -> Image.Image:
    width, height = scene.size
    photo.thumbnail((max(1, int(width * SHARE)), max(1, int(height * SHARE))))
    left = (width - photo.width) // 2
    top = min(height - photo.height, (height - photo.height) // 2 + height // 20)
    layered = scene.convert("RGBA")
    layered.alpha_composite(photo, (left, top))
    return layered


def _fitted(text: str, width: int, height: int) -> tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """The text and Pillow's default font at the size that fits it across the canvas, shrunk to half the headline
    size at most (smaller would not read); what still does not fit is cut, with an ellipsis."""
    room = width * HEADLINE_WIDTH
    size = max(MIN_FONT, round(height * HEADLINE_SIZE))
    font = ImageFont.load_default(size=size)
    length = font.getlength(text)
    if length > room:
        size = max(MIN_FONT, size // 2, int(size * room / length))
        font = ImageFont.load_default(size=size)
    for _ in range(len(text)):  # bounded: one character fewer each time
        if font.getlength(text) <= room or len(text) <= 1:
            break
        text = text[:-2].rstrip() + "…"
    return text, font


def _with_headline(scene: Image.Image, text: str) -> Image.Image:
    """A dark translucent band across the top with the text in white, centred in it."""
    width, height = scene.size
    text, font = _fitted(text, width, height)
    size = int(getattr(font, "size", MIN_FONT))
    top = round(height * HEADLINE_TOP)
    band = max(1, round(size * HEADLINE_BAND))
    overlay = Image.new("RGBA", scene.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((0, top, width - 1, top + band - 1), fill=(0, 0, 0, BAND_ALPHA))
    draw.text((width / 2, top + band / 2), text, font=font, fill=TEXT_COLOUR, anchor="mm")
    layered = scene.convert("RGBA")
    layered.alpha_composite(overlay)
    return layered
