"""Ratio arithmetic (domain) and the Pillow crop adapter, on real images of odd sizes for every AdForge ratio."""

import io
import typing

import pytest
from PIL import Image

from adforge.adapters.images import PillowFramer
from adforge.domain.errors import InputRejected
from adforge.domain.framing import centre_crop, is_exactly, nearest_size, reduced
from adforge.domain.models import AspectRatio

RATIOS: tuple[str, ...] = typing.get_args(AspectRatio)
ODD_SIZES = [(1021, 1023), (1537, 1019), (1019, 1531), (1201, 629), (1675, 627), (333, 777), (97, 41)]


class Bytes:
    def __init__(self, data: bytes, declared: bool = True) -> None:
        self.content_type = "application/octet-stream"  # what a vendor claims is never trusted
        self.declared_length = len(data) if declared else None
        self._data = data

    def chunks(self):
        for start in range(0, len(self._data), 7):  # small chunks: the sniffed head spans several
            yield self._data[start : start + 7]


def image(width: int, height: int, fmt: str, mode: str = "RGB") -> bytes:
    canvas = Image.new(mode, (width, height))
    for x in range(0, width, max(1, width // 16)):  # not uniform: a crop must move pixels, not just shrink
        for y in range(0, height, max(1, height // 16)):
            canvas.putpixel((x, y), (x % 256, y % 256, 99) + ((255,) if mode == "RGBA" else ()))
    out = io.BytesIO()
    canvas.save(out, format=fmt)
    return out.getvalue()


def decoded(download) -> Image.Image:
    return Image.open(io.BytesIO(b"".join(download.chunks())))


def test_reduced_ratios():
    assert [reduced(r) for r in ("1:1", "21:9", "16:9", "4:5", "1024:1536")] == [(1, 1), (7, 3), (16, 9), (4, 5), (2, 3)]
    with pytest.raises(ValueError):
        reduced("0:9")


@pytest.mark.parametrize("ratio", RATIOS)
@pytest.mark.parametrize("size", ODD_SIZES)
def test_centre_crop_is_the_largest_exact_rectangle_centred(ratio, size):
    width, height = size
    left, top, right, bottom = centre_crop(width, height, ratio)
    crop_width, crop_height = right - left, bottom - top
    a, b = reduced(ratio)
    assert is_exactly(crop_width, crop_height, ratio) and crop_width % a == 0 and crop_height % b == 0
    assert left >= 0 and top >= 0 and right <= width and bottom <= height
    assert (crop_width + a > width) or (crop_height + b > height)  # one size step more would not fit
    assert abs(left - (width - right)) <= 1 and abs(top - (height - bottom)) <= 1


def test_an_image_too_small_for_the_ratio_is_refused():
    with pytest.raises(ValueError):
        centre_crop(6, 3, "16:9")


def test_nearest_documented_size():
    sizes = [(1024, 1024), (1536, 1024), (1024, 1536)]
    picks = {ratio: nearest_size(ratio, sizes) for ratio in RATIOS}
    assert picks == {
        "1:1": (1024, 1024),
        "4:5": (1024, 1536),
        "3:4": (1024, 1536),
        "9:16": (1024, 1536),
        "4:3": (1536, 1024),
        "16:9": (1536, 1024),
        "21:9": (1536, 1024),
    }


@pytest.mark.parametrize("ratio", RATIOS)
@pytest.mark.parametrize("fmt,kind", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_the_framer_crops_real_images_to_exactly_the_ratio(ratio, fmt, kind):
    for width, height in [(1537, 1019), (333, 777)]:
        framed, pixels = PillowFramer(10_000_000).frame(Bytes(image(width, height, fmt)), ratio)
        out = decoded(framed)
        assert out.format == fmt and framed.content_type == kind
        assert pixels is not None and out.size == (pixels.width, pixels.height)
        assert is_exactly(out.width, out.height, ratio)
        left, top, right, bottom = centre_crop(width, height, ratio)
        assert (pixels.width, pixels.height) == (right - left, bottom - top)
        assert (pixels.native_width, pixels.native_height) == (width, height)


def test_the_crop_keeps_the_centre_pixels_and_the_alpha_channel():
    source = image(301, 100, "PNG", mode="RGBA")
    framed, pixels = PillowFramer(10_000_000).frame(Bytes(source), "1:1")
    out, original = decoded(framed), Image.open(io.BytesIO(source))
    assert out.mode == "RGBA" and pixels is not None and (pixels.width, pixels.height) == (100, 100)
    assert out.tobytes() == original.crop((100, 0, 200, 100)).tobytes()


def test_an_image_already_of_the_ratio_is_stored_as_the_vendor_made_it():
    source = image(1024, 576, "JPEG")
    framed, pixels = PillowFramer(10_000_000).frame(Bytes(source, declared=False), "16:9")
    assert b"".join(framed.chunks()) == source
    assert pixels is not None and (pixels.width, pixels.height, pixels.native_width) == (1024, 576, None)


def test_without_a_ratio_only_the_size_is_read():
    source = image(97, 41, "PNG")
    framed, pixels = PillowFramer(10_000_000).frame(Bytes(source), None)
    assert b"".join(framed.chunks()) == source and pixels is not None and (pixels.width, pixels.height) == (97, 41)


def test_a_video_streams_through_unread():
    body = b"\x00\x00\x00\x18ftypisom" + b"x" * 5000
    framed, pixels = PillowFramer(10_000_000).frame(Bytes(body), "16:9")
    assert pixels is None and b"".join(framed.chunks()) == body


def test_decoding_is_bounded_by_bytes_and_pixels():
    source = image(400, 300, "PNG")
    with pytest.raises(InputRejected, match="byte limit"):
        PillowFramer(len(source) - 1).frame(Bytes(source), "1:1")
    with pytest.raises(InputRejected, match="byte limit"):
        PillowFramer(len(source) - 1).frame(Bytes(source, declared=False), "1:1")
    with pytest.raises(InputRejected, match="pixels"):
        PillowFramer(10_000_000, max_pixels=400 * 300 - 1).frame(Bytes(source), "1:1")


def test_a_broken_image_is_refused():
    with pytest.raises(InputRejected, match="cannot be reframed"):
        PillowFramer(10_000_000).frame(Bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), "1:1")


@pytest.mark.parametrize(
    ("accepted", "fmt", "mode"),
    [({"image/png", "image/jpeg"}, "PNG", "RGBA"), ({"image/jpeg"}, "JPEG", "RGB"), ({"image/webp"}, "WEBP", "RGBA")],
)
def test_a_product_photo_is_converted_to_a_type_the_vendor_takes(accepted, fmt, mode):
    source = image(57, 31, "WEBP", mode="RGBA")
    converted = PillowFramer(10_000_000).convert(Bytes(source), frozenset(accepted))
    out = decoded(converted)
    assert (out.format, out.mode, out.size) == (fmt, mode, (57, 31))
    assert converted.content_type == {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    if fmt == "WEBP":
        assert b"".join(converted.chunks()) == source  # already a type it takes: untouched


def test_a_photo_that_cannot_be_converted_is_refused():
    with pytest.raises(InputRejected, match="cannot convert"):
        PillowFramer(10_000_000).convert(Bytes(b"GIF89a" + b"\x00" * 30), frozenset({"image/png"}))
    with pytest.raises(InputRejected, match="cannot convert"):
        PillowFramer(10_000_000).convert(Bytes(image(5, 5, "WEBP")), frozenset({"image/gif"}))
    with pytest.raises(InputRejected, match="byte limit"):
        PillowFramer(10).convert(Bytes(image(5, 5, "WEBP"), declared=False), frozenset({"image/png"}))
