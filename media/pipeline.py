"""The photo pipeline both doors (sync and REST upload) call: ``process()``, then ``ingest()`` to store.

``process`` is pure: bytes in, a ``ProcessedPhoto`` (or ``PhotoRejected``) out. The order is the
cheap refusals first: byte limit, content sniffing, sha256, structure (JPEG) or container (HEIF),
the pixel limit, and only then the one decode that makes the derivatives and the hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from functools import partial
from pathlib import PurePath
from typing import Any

from PIL import Image

from media.blobstore import BlobStore
from media.derivatives import DerivativeSpec, decode_jpeg, jpeg_decoded_pixels, make_derivatives
from media.errors import PhotoRejected
from media.exif import read_metadata
from media.heif import open_heif
from media.jpeg import scan_jpeg
from media.metadata import PhotoMetadata
from media.phash import bands, to_hex
from media.pool import DecodeBudget
from media.sniff import HEIF, JPEG, sniff

_EXTENSIONS = {JPEG: {".jpg", ".jpeg", ".jpe", ".jfif"}, HEIF: {".heic", ".heif", ".hif"}}
THUMBNAIL = "thumb"
PREVIEW = "preview"
# Pixels being decoded at once in this process, whatever the worker count: a 12-MP HEIC costs
# about 90 MB while decoding, a 12-MP JPEG's 1/4-scale draft about 3 MB. 24 MP lets two 12-MP
# HEICs (or dozens of JPEG drafts) decode together; a bigger photo waits to decode alone.
DECODE_BUDGET = DecodeBudget(24_000_000)


@dataclass(frozen=True)
class Limits:
    """What a photo may cost. 25 MiB covers a 48-megapixel HEIC; 64 MP covers 8064×6048."""

    max_bytes: int = 25 * 1024 * 1024
    max_pixels: int = 64_000_000
    derivatives: DerivativeSpec = field(default_factory=DerivativeSpec)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ProcessedPhoto:
    """An accepted photo: what the custody record and the checks need, and its derivatives."""

    sha256: str
    size_bytes: int
    mime: str
    format: str  # "jpeg" or "heif", from the content
    claimed_name: str | None  # as the device named it; recorded, never trusted
    claimed_name_matches: bool | None  # its extension agrees with the content (None: no name)
    metadata: PhotoMetadata
    phash: int
    preview: bytes = field(repr=False)
    preview_size: tuple[int, int]
    thumbnail: bytes = field(repr=False)
    thumbnail_size: tuple[int, int]

    @property
    def phash_hex(self) -> str:
        return to_hex(self.phash)

    @property
    def phash_bands(self) -> tuple[int, ...]:
        return bands(self.phash)

    def record(self) -> dict[str, Any]:
        """Everything but the derivative bytes, JSON-ready (for the photo's SQL row)."""
        return {
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "mime": self.mime,
            "format": self.format,
            "claimed_name": self.claimed_name,
            "claimed_name_matches": self.claimed_name_matches,
            "phash": self.phash_hex,
            "phash_bands": list(self.phash_bands),
            "preview_size": list(self.preview_size),
            "thumbnail_size": list(self.thumbnail_size),
            "metadata": self.metadata.to_dict(),
        }


def process(
    data: bytes,
    *,
    claimed_name: str | None = None,
    device_tz: str | tzinfo | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ProcessedPhoto:
    """Check, read and reduce one photo; raise ``PhotoRejected`` with a reason code when refused.

    ``device_tz`` is the zone the device reports (IANA name, ``+08:00`` or a tzinfo); EXIF times
    without an offset are read in it, China Standard Time when it is None.
    """
    if not data:
        raise PhotoRejected("photo.empty")
    if len(data) > limits.max_bytes:
        raise PhotoRejected("photo.too_large", size_bytes=len(data), max_bytes=limits.max_bytes)
    kind = sniff(data)
    if not kind.accepted or kind.mime is None:
        raise PhotoRejected("photo.unsupported_type", detected=kind.kind)
    sha256 = hashlib.sha256(data).hexdigest()
    spec = limits.derivatives
    decode: Callable[[], Image.Image]
    if kind.kind == JPEG:
        layout = scan_jpeg(data)
        width, height, exif = layout.width, layout.height, layout.exif
        _check_pixels(width, height, limits)
        decoded_pixels = jpeg_decoded_pixels(width, height, spec)
        decode = partial(decode_jpeg, data, width, height, spec, components=layout.components)
        orientation: int | None = None  # from the EXIF
        container_icc = layout.icc_profile  # from the APP2 segments
    else:
        heif = open_heif(data)
        width, height, exif = heif.width, heif.height, heif.exif
        _check_pixels(width, height, limits)
        decoded_pixels = width * height
        decode = heif.decode
        orientation = 1  # libheif has already turned it upright
        container_icc = heif.icc_profile
    metadata = read_metadata(exif, width=width, height=height, device_tz=device_tz)
    if orientation is not None and metadata.orientation != orientation:
        metadata = replace(metadata, orientation=orientation)
    with DECODE_BUDGET.reserve(decoded_pixels):
        image = decode()
        icc_profile = container_icc or image.info.get("icc_profile")
        made = make_derivatives(
            image, orientation=metadata.orientation, icc_profile=icc_profile, spec=spec
        )
        del image  # the full decode leaves the budget with its memory
    return ProcessedPhoto(
        sha256=sha256,
        size_bytes=len(data),
        mime=kind.mime,
        format=kind.kind,
        claimed_name=claimed_name,
        claimed_name_matches=_name_matches(claimed_name, kind.kind),
        metadata=metadata,
        phash=made.phash,
        preview=made.preview,
        preview_size=made.preview_size,
        thumbnail=made.thumbnail,
        thumbnail_size=made.thumbnail_size,
    )


def ingest(
    data: bytes,
    store: BlobStore,
    *,
    claimed_name: str | None = None,
    device_tz: str | tzinfo | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ProcessedPhoto:
    """``process`` then keep the original (byte-exact, once per content) and its derivatives."""
    photo = process(data, claimed_name=claimed_name, device_tz=device_tz, limits=limits)
    store.put(data, expected_sha256=photo.sha256)
    store.put_derivative(photo.sha256, PREVIEW, photo.preview)
    store.put_derivative(photo.sha256, THUMBNAIL, photo.thumbnail)
    return photo


def _check_pixels(width: int, height: int, limits: Limits) -> None:
    # Checked before Pillow opens the image, and never above Pillow's own bomb limit, so
    # Pillow's DecompressionBombWarning/-Error cannot arise on a photo that got this far.
    ceiling = limits.max_pixels
    if Image.MAX_IMAGE_PIXELS is not None:
        ceiling = min(ceiling, Image.MAX_IMAGE_PIXELS)
    if width * height > ceiling:
        raise PhotoRejected("photo.too_many_pixels", width=width, height=height, max_pixels=ceiling)


def _name_matches(claimed_name: str | None, kind: str) -> bool | None:
    if not claimed_name:
        return None
    return PurePath(claimed_name).suffix.lower() in _EXTENSIONS.get(kind, set())
