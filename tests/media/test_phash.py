"""The perceptual hash: stable under re-encoding and resizing, far apart for different photos,
and a band index that provably finds every near duplicate within its reach."""

from __future__ import annotations

import io
import itertools
import random

import pytest
from PIL import Image, ImageEnhance, ImageOps

from media import process
from media.phash import (
    NEAR_DUPLICATE_DISTANCE,
    band_probes,
    bands,
    from_hex,
    from_signed,
    hamming,
    index_reach,
    to_hex,
    to_signed,
)

from .photos import sample

PHOTOS = [
    "gps/DSCN0010.jpg",
    "gps/DSCN0021.jpg",
    "gps/DSCN0042.jpg",
    "mobile/jolla.jpg",
    "orientation/landscape_6.jpg",
    "orientation/portrait_8.jpg",
    "Canon_40D.jpg",
]


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _variants(image: Image.Image) -> dict[str, bytes]:
    w, h = image.size
    return {
        "quality 50": _jpeg(image, 50),
        "quality 95": _jpeg(image, 95),
        "half size": _jpeg(image.resize((w // 2, h // 2))),
        "third size": _jpeg(image.resize((w // 3, h // 3)), 70),
        "brighter": _jpeg(ImageEnhance.Brightness(image).enhance(1.15)),
        "more contrast": _jpeg(ImageEnhance.Contrast(image).enhance(1.2)),
        "greyscale": _jpeg(image.convert("L")),
    }


@pytest.mark.parametrize("name", PHOTOS)
def test_copies_stay_within_the_threshold(name: str) -> None:
    data = sample(name)
    original = process(data).phash
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    distances = {
        label: hamming(original, process(copy).phash) for label, copy in _variants(upright).items()
    }
    assert max(distances.values()) <= NEAR_DUPLICATE_DISTANCE, distances


def test_different_photos_are_far_apart() -> None:
    hashes = [process(sample(name)).phash for name in PHOTOS]
    closest = min(hamming(a, b) for a, b in itertools.combinations(hashes, 2))
    assert closest >= 4 * NEAR_DUPLICATE_DISTANCE


def test_bands_and_encodings() -> None:
    value = 0x0123_4567_89AB_CDEF
    assert bands(value) == (0x0123, 0x4567, 0x89AB, 0xCDEF)
    assert bands(value, 8)[0] == 0x01
    assert from_hex(to_hex(value)) == value
    for v in (0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1):
        assert -(1 << 63) <= to_signed(v) < 1 << 63
        assert from_signed(to_signed(v)) == v
    with pytest.raises(ValueError):
        bands(value, 5)


def _flip(value: int, count: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), count):
        value ^= 1 << bit
    return value


def _found(query: int, stored: int, radius: int) -> bool:
    """Would ``WHERE band0 IN (...) OR ...`` on the stored row's bands select it?"""
    return any(
        band in probes
        for band, probes in zip(bands(stored), band_probes(query, radius=radius), strict=True)
    )


def test_the_band_index_finds_every_pair_within_its_reach() -> None:
    rng = random.Random(6)
    assert index_reach(radius=0) == 3
    assert index_reach(radius=1) == 7 >= NEAR_DUPLICATE_DISTANCE
    for radius in (0, 1):
        for distance in range(index_reach(radius=radius) + 1):
            for _ in range(300):
                query = rng.getrandbits(64)
                assert _found(query, _flip(query, distance, rng), radius)
    # Beyond the reach it may miss: two bits in every band escape a radius-1 probe.
    query = rng.getrandbits(64)
    far = query ^ 0b11 ^ (0b11 << 16) ^ (0b11 << 32) ^ (0b11 << 48)
    assert hamming(query, far) == 8
    assert not _found(query, far, 1)


def test_probes_are_small_enough_for_an_in_list() -> None:
    probes = band_probes(0xFFFF_0000_AAAA_5555)
    assert [len(p) for p in probes] == [17, 17, 17, 17]
    assert all(len(set(p)) == 17 for p in probes)
