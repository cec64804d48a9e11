"""Demo photographs: small JPEGs of a made-up plant, with the EXIF a tablet's camera writes.

Each picture is drawn from its own seed (sky, yard, buildings, a stack, texture and sensor
noise), so no two are alike and the reuse check has nothing to flag. The EXIF carries the time
taken with its UTC offset, the camera, and the GPS position with its accuracy, which is what
the evidence checks read. Pillow only; nothing outside the project.
"""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import numpy as np
from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

WIDTH, HEIGHT = 640, 480
CAMERA_MAKE, CAMERA_MODEL = "Apple", "iPad (9th generation)"
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825


def _scene(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    sky = np.linspace(rng.uniform(150, 200), rng.uniform(210, 245), HEIGHT // 2)
    top = np.stack([sky * 0.75, sky * 0.85, sky], axis=-1)[:, None, :].repeat(WIDTH, axis=1)
    ground = rng.uniform(90, 150, 3)
    bottom = np.broadcast_to(ground, (HEIGHT - HEIGHT // 2, WIDTH, 3))
    image = Image.fromarray(np.concatenate([top, bottom]).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    horizon = HEIGHT // 2 + int(rng.integers(-20, 30))
    for _ in range(int(rng.integers(2, 5))):  # workshops
        left = int(rng.integers(0, WIDTH - 120))
        width, height = int(rng.integers(90, 260)), int(rng.integers(60, 170))
        shade = tuple(int(v) for v in rng.integers(90, 200, 3))
        draw.rectangle([left, horizon - height, left + width, horizon + 10], fill=shade)
        roof = tuple(max(0, c - 40) for c in shade)
        draw.rectangle([left, horizon - height, left + width, horizon - height + 12], fill=roof)
    stack = int(rng.integers(40, WIDTH - 40))
    draw.rectangle([stack, horizon - 230, stack + 18, horizon], fill=(120, 118, 112))
    draw.rectangle([stack, horizon - 215, stack + 18, horizon - 205], fill=(190, 60, 50))
    pixels = np.asarray(image, dtype=np.int16)
    coarse = rng.integers(0, 256, (HEIGHT // 8, WIDTH // 8, 3), dtype=np.uint8)
    smooth = Image.fromarray(coarse).resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    texture = (np.asarray(smooth, dtype=np.int16) - 128) // 7  # grain of concrete and dust
    noise = rng.integers(-4, 5, (HEIGHT, WIDTH, 1))
    return Image.fromarray(np.clip(pixels + texture + noise, 0, 255).astype(np.uint8))


def _rational(value: float, denominator: int = 10_000) -> IFDRational:
    fraction = Fraction(value).limit_denominator(denominator)
    return IFDRational(fraction.numerator, fraction.denominator)


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return IFDRational(degrees, 1), IFDRational(minutes, 1), _rational(seconds)


def demo_jpeg(
    seed: int, *, taken: dt.datetime, lon: float, lat: float, accuracy_m: float = 5.0
) -> bytes:
    """A JPEG taken at ``taken`` (aware; written in its own offset) at WGS-84 (lon, lat)."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = CAMERA_MAKE, CAMERA_MODEL
    sub = exif.get_ifd(_EXIF_IFD)
    sub[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    sub[0x9011] = taken.strftime("%z")[:3] + ":" + taken.strftime("%z")[3:]  # OffsetTimeOriginal
    gps = exif.get_ifd(_GPS_IFD)
    gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
    gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    gps[0x1F] = _rational(accuracy_m, 10)  # GPSHPositioningError, metres
    out = io.BytesIO()
    _scene(seed).save(out, "JPEG", quality=82, exif=exif.tobytes())
    return out.getvalue()
