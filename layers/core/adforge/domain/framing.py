"""Aspect-ratio arithmetic for reframing a vendor's image to the ratio a merchant asked for (no pixels here)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from adforge.domain.models import Frozen


class Pixels(Frozen):
    """The pixel size of a stored image, and the vendor's own size when Collect reframed it."""

    width: int
    height: int
    native_width: int | None = None
    native_height: int | None = None


CONVERSION_ORDER = ("image/png", "image/jpeg", "image/webp")  # PNG first: lossless, keeps an alpha channel


def conversion_target(accepted: frozenset[str]) -> str | None:
    """The type a product photo is converted to for a vendor that takes only `accepted` types."""
    return next((kind for kind in CONVERSION_ORDER if kind in accepted), None)


def reduced(ratio: str) -> tuple[int, int]:
    """'21:9' -> (7, 3): the smallest integer rectangle of exactly that ratio."""
    across, down = (int(part) for part in ratio.split(":"))
    if across <= 0 or down <= 0:
        raise ValueError(f"not an aspect ratio: {ratio!r}")
    common = math.gcd(across, down)
    return across // common, down // common


def centre_crop(width: int, height: int, ratio: str) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the largest k*a x k*b rectangle (a:b = `ratio` reduced) centred in a
    width x height image: its ratio is exact in integers. Raises ValueError when not even a x b fits."""
    across, down = reduced(ratio)
    k = min(width // across, height // down)
    if k < 1:
        raise ValueError(f"a {width}x{height} image holds no {ratio} rectangle")
    crop_width, crop_height = k * across, k * down
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    return left, top, left + crop_width, top + crop_height


def is_exactly(width: int, height: int, ratio: str) -> bool:
    across, down = reduced(ratio)
    return width * down == height * across


def nearest_size(ratio: str, sizes: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """Of `sizes` (a vendor's documented output sizes), the one whose ratio is nearest `ratio` (by the log of
    the ratios' quotient, so 2:1 and 1:2 are equally far from 1:1); the first on a tie."""
    across, down = reduced(ratio)
    target = math.log(across / down)
    return min(sizes, key=lambda size: abs(math.log(size[0] / size[1]) - target))
