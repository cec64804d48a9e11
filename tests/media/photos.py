"""Builders for test photos: JPEGs with known EXIF written through Pillow's Exif API."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

# Real photos shipped with the tests (CC BY-SA 4.0, see tests/data/photos/README.md).
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "photos"

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
# Upright quadrant colours: the preview must show these where they belong.
QUADRANTS = {
    "top_left": (220, 30, 30),
    "top_right": (30, 200, 30),
    "bottom_left": (30, 30, 220),
    "bottom_right": (240, 240, 240),
}
# What turns an upright picture into the stored pixels for each EXIF orientation (the inverse
# of what a viewer applies).
_TO_STORED = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def sample(relative: str) -> bytes:
    path = SAMPLES / relative
    assert path.is_file(), (
        f"test photo {path} is missing: it ships with the tests (tests/data/photos/)"
    )
    return path.read_bytes()


def quadrants(width: int = 160, height: int = 120) -> Image.Image:
    """An upright picture with a different colour in each quadrant."""
    image = Image.new("RGB", (width, height))
    half_w, half_h = width // 2, height // 2
    boxes = {
        "top_left": (0, 0, half_w, half_h),
        "top_right": (half_w, 0, width, half_h),
        "bottom_left": (0, half_h, half_w, height),
        "bottom_right": (half_w, half_h, width, height),
    }
    for name, box in boxes.items():
        image.paste(QUADRANTS[name], box)
    return image


def textured(seed: int, width: int = 640, height: int = 480) -> Image.Image:
    """A photo-like picture: smooth shapes, mid-frequency texture and sensor noise."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    base = Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)
    detail = rng.integers(0, 256, (height // 8, width // 8, 3), dtype=np.uint8)
    mid = Image.fromarray(detail).resize((width, height), Image.Resampling.BILINEAR)
    pixels = np.asarray(base, dtype=np.int16) * 3 // 4 + np.asarray(mid, dtype=np.int16) // 4
    pixels += rng.integers(-6, 7, (height, width, 1), dtype=np.int16)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600 * 10000)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 10000)


def make_exif(
    *,
    orientation: int | None = None,
    make: str | None = "Apple",
    model: str | None = "iPad (9th generation)",
    serial: str | None = None,
    taken: str | None = "2026:05:01 10:00:00",
    offset: str | None = "+08:00",
    subsec: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    altitude: float | None = None,
    accuracy: float | None = None,
    gps_time: datetime | None = None,
    gps_raw: dict[int, Any] | None = None,
    exif_raw: dict[int, Any] | None = None,
) -> Image.Exif:
    """An EXIF block with the given fields (None leaves a field out)."""
    exif = Image.Exif()
    for tag, value in ((0x0112, orientation), (0x010F, make), (0x0110, model)):
        if value is not None:
            exif[tag] = value
    sub = exif.get_ifd(EXIF_IFD)
    for tag, value in ((0x9003, taken), (0x9011, offset), (0x9291, subsec), (0xA431, serial)):
        if value is not None:
            sub[tag] = value
    sub.update(exif_raw or {})
    gps = exif.get_ifd(GPS_IFD)
    if lat is not None and lon is not None:
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    if altitude is not None:
        gps[5], gps[6] = (
            bytes([0 if altitude >= 0 else 1]),
            IFDRational(round(abs(altitude) * 100), 100),
        )
    if accuracy is not None:
        gps[0x1F] = IFDRational(round(accuracy * 10), 10)
    if gps_time is not None:
        gps[7] = (
            IFDRational(gps_time.hour, 1),
            IFDRational(gps_time.minute, 1),
            IFDRational(gps_time.second * 100 + gps_time.microsecond // 10000, 100),
        )
        gps[0x1D] = gps_time.strftime("%Y:%m:%d")
    gps.update(gps_raw or {})
    return exif


def encode(image: Image.Image, exif: Image.Exif | bytes | None = None, **save: Any) -> bytes:
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif.tobytes() if isinstance(exif, Image.Exif) else exif
    image.save(out, "JPEG", **{"quality": 90, **save})
    return out.getvalue()


def make_jpeg(
    image: Image.Image | None = None, *, orientation: int | None = None, **fields: Any
) -> bytes:
    """A JPEG of ``image`` (upright; quadrants by default) stored as ``orientation`` says."""
    upright = image if image is not None else quadrants()
    stored = upright.transpose(_TO_STORED[orientation]) if orientation in _TO_STORED else upright
    return encode(stored, make_exif(orientation=orientation, **fields))
