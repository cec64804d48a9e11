"""Preview and thumbnail from one decode: upright, in sRGB, with every metadata segment stripped.

A JPEG is decoded once, by libjpeg-turbo through simplejpeg, at the reduced size libjpeg
produces while decoding (DCT scaling: 1/2, 1/4 or 1/8), with libjpeg's warnings as errors so a
damaged photo is refused instead of silently repaired (Pillow's decoder discards them). By default the preview is
that reduced image itself, the power-of-two reduction whose long edge is nearest to 1280 px in
ratio (1008 px for a 12-megapixel photo), so no resampling pass is needed; ``exact=True``
decodes at the next larger reduction and resamples to exactly 1280 px instead, at about 1.7
times the CPU per photo (docs/media.md has the figures). The thumbnail is a box reduction of
the upright preview, and the perceptual hash is taken from the thumbnail.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any

import simplejpeg
from PIL import Image, ImageCms

from media.errors import PhotoRejected
from media.phash import phash

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)
_TJ_PREFIX = re.compile(r"^tj\w+\(\):\s*")  # "tjDecompress2(): " before libjpeg's own words
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class DerivativeSpec:
    """Sizes (long edge, px) and JPEG qualities of the derivatives."""

    preview_edge: int = 1280
    thumbnail_edge: int = 320
    preview_quality: int = 82
    thumbnail_quality: int = 75
    exact: bool = False  # resample the preview to exactly ``preview_edge`` (slower)


@dataclass(frozen=True)
class Derivatives:
    preview: bytes
    preview_size: tuple[int, int]
    thumbnail: bytes
    thumbnail_size: tuple[int, int]
    phash: int


def decode_jpeg(
    data: bytes, width: int, height: int, spec: DerivativeSpec, *, components: int = 3
) -> Image.Image:
    """Decode the JPEG once at the reduced size the preview needs (``width``×``height`` stored).

    libjpeg decodes with its warnings turned into errors: a warning ("Corrupt JPEG data: ...")
    means it filled or shifted damaged blocks, and Pillow's decoder would drop it unseen.
    """
    scale = _draft_scale(max(width, height), spec)
    if components == 4:
        # CMYK (rare in photos): libjpeg's verdict at 1/8 scale, then Pillow's decode, which
        # knows Adobe's inverted CMYK.
        _libjpeg_decode(data, "CMYK", width, height, 8)
        return _pillow_decode(data, width, height, scale)
    gray = components == 1
    pixels = _libjpeg_decode(data, "GRAY" if gray else "RGB", width, height, scale)
    return Image.fromarray(pixels[:, :, 0] if gray else pixels, "L" if gray else "RGB")


def _libjpeg_decode(data: bytes, colorspace: str, width: int, height: int, scale: int) -> Any:
    """libjpeg-turbo's decode at 1/``scale`` (DCT scaling), refusing on any libjpeg warning."""
    try:
        return simplejpeg.decode_jpeg(
            data,
            colorspace=colorspace,
            min_width=math.ceil(width / scale),
            min_height=math.ceil(height / scale),
            min_factor=scale,
            strict=True,
        )
    except ValueError as exc:
        warning = _TJ_PREFIX.sub("", str(exc)).strip().rstrip(".")
        raise PhotoRejected(
            "photo.corrupt",
            reason="jpeg_decoder_warning",
            decoder_warning=warning,
            detail=f"JPEG decoder: {warning}",
        ) from exc


def _pillow_decode(data: bytes, width: int, height: int, scale: int) -> Image.Image:
    try:
        image: Image.Image = Image.open(io.BytesIO(data), formats=["JPEG"])
        image.draft(None, (max(1, width // scale), max(1, height // scale)))
        image.load()
    except _DECODE_ERRORS as exc:
        raise PhotoRejected("photo.corrupt", detail=f"JPEG decoder: {exc}") from exc
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def jpeg_decoded_pixels(width: int, height: int, spec: DerivativeSpec) -> int:
    """How many pixels ``decode_jpeg`` will produce for a ``width``×``height`` JPEG."""
    scale = _draft_scale(max(width, height), spec)
    return math.ceil(width / scale) * math.ceil(height / scale)


def make_derivatives(
    image: Image.Image, *, orientation: int, icc_profile: bytes | None, spec: DerivativeSpec
) -> Derivatives:
    """Preview, thumbnail and perceptual hash of a decoded image (one decode, nothing re-read)."""
    preview = _fit(image, spec.preview_edge, spec.exact)
    if orientation in _TRANSPOSE:
        preview = preview.transpose(_TRANSPOSE[orientation])
    if icc_profile and preview.mode != "L":
        preview = _to_srgb(preview, icc_profile)
    thumbnail = _fit(preview, spec.thumbnail_edge, spec.exact)
    return Derivatives(
        preview=_encode(preview, spec.preview_quality),
        preview_size=preview.size,
        thumbnail=_encode(thumbnail, spec.thumbnail_quality),
        thumbnail_size=thumbnail.size,
        phash=phash(thumbnail),
    )


def _draft_scale(long_edge: int, spec: DerivativeSpec) -> int:
    """The libjpeg reduction (1, 2, 4 or 8) to decode at."""
    if spec.exact:  # the smallest decode that still needs no upsampling
        return next(s for s in (8, 4, 2, 1) if long_edge / s >= spec.preview_edge or s == 1)
    return min((8, 4, 2, 1), key=lambda s: abs(math.log(long_edge / s / spec.preview_edge)))


def _fit(image: Image.Image, edge: int, exact: bool) -> Image.Image:
    """Reduce ``image`` towards a long edge of ``edge`` px; never enlarge it."""
    long_edge = max(image.size)
    if long_edge <= edge:
        return image
    if exact:
        ratio = edge / long_edge
        size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
        return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    low = max(1, long_edge // edge)
    factor = min((low, low + 1), key=lambda k: abs(math.log(long_edge / k / edge)))
    return image.reduce(factor) if factor > 1 else image


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """Convert from the photo's colour profile (Display P3 on iPads) to sRGB; keep it on failure."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if "srgb" in ImageCms.getProfileDescription(source).lower():
            return image
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        converted = ImageCms.profileToProfile(rgb, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _encode(image: Image.Image, quality: int) -> bytes:
    """JPEG bytes with no EXIF, XMP, ICC profile or comment: only the pixels leave."""
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
