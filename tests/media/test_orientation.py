"""All eight EXIF orientations come out upright, in the preview and the thumbnail."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from media import process

from .photos import QUADRANTS, make_jpeg, quadrants


def _colour_at(jpeg: bytes, fx: float, fy: float) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    pixel = image.getpixel((int(image.width * fx), int(image.height * fy)))
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


def _close(actual: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - e) <= 40 for a, e in zip(actual, expected, strict=True))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_generated_orientation_comes_out_upright(orientation: int) -> None:
    photo = process(make_jpeg(quadrants(320, 240), orientation=orientation))
    assert photo.metadata.orientation == orientation
    assert photo.preview_size == (320, 240)
    for derivative in (photo.preview, photo.thumbnail):
        assert _close(_colour_at(derivative, 0.25, 0.25), QUADRANTS["top_left"])
        assert _close(_colour_at(derivative, 0.75, 0.25), QUADRANTS["top_right"])
        assert _close(_colour_at(derivative, 0.25, 0.75), QUADRANTS["bottom_left"])
        assert _close(_colour_at(derivative, 0.75, 0.75), QUADRANTS["bottom_right"])


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_the_hash_is_of_the_upright_picture(orientation: int) -> None:
    upright = process(make_jpeg(quadrants(320, 240))).phash
    assert process(make_jpeg(quadrants(320, 240), orientation=orientation)).phash == upright
