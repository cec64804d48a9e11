"""HEIC/HEIF photos (what iPads and iPhones take by default), read with pillow-heif.

libheif applies the container's rotation and mirroring (``irot``/``imir``) while decoding, and
the HEIF specification tells readers to ignore the EXIF orientation, so a decoded HEIF image is
already upright. HEVC has no reduced-size decode: the whole image is decoded once, then reduced.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image

from media.errors import PhotoRejected
from media.isobmff import check_heif_data


@dataclass
class HeifPhoto:
    """An opened (not yet decoded) HEIF photo: its upright size, EXIF and ICC profile."""

    width: int
    height: int
    exif: bytes | None
    icc_profile: bytes | None
    _file: Any

    def decode(self) -> Image.Image:
        """Decode the primary image (the expensive step) into an RGB or L Pillow image, once."""
        if self._file is None:
            raise RuntimeError("this HEIF photo was decoded already")
        try:
            image = self._file.to_pillow()
            image.load()
        except (ValueError, RuntimeError, OSError) as exc:
            raise PhotoRejected("photo.corrupt", detail=f"HEIF: {exc}") from exc
        finally:
            self._file = None  # libheif's own copy of the pixels (3 bytes each) is freed now
        return image if image.mode in ("RGB", "L") else image.convert("RGB")


def open_heif(data: bytes) -> HeifPhoto:
    """Read the HEIF container's structure and metadata; refuse it when it is damaged or cut."""
    check_heif_data(data)  # libheif fills a grid's missing tiles green instead of failing
    try:
        import pillow_heif
    except ImportError as exc:  # the pinned requirement; refuse cleanly if someone removed it
        raise PhotoRejected("photo.unsupported_type", detected="heic (no decoder)") from exc
    try:
        heif_file = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        width, height = heif_file.size
        info = heif_file.info
    except (ValueError, RuntimeError, OSError, KeyError, IndexError) as exc:
        raise PhotoRejected("photo.corrupt", detail=f"HEIF: {exc}") from exc
    exif = info.get("exif") or None
    if exif and exif.startswith(b"Exif\x00\x00"):
        exif = exif[6:]
    return HeifPhoto(width, height, exif, info.get("icc_profile") or None, heif_file)
