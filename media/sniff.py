"""What the bytes are, from their magic numbers alone; never the file name or the content type."""

from __future__ import annotations

from dataclasses import dataclass

JPEG = "jpeg"
HEIF = "heif"
ACCEPTED = (JPEG, HEIF)
MIME = {JPEG: "image/jpeg", HEIF: "image/heic"}

# ISO base media file format brands (ftyp box): HEVC-coded HEIF is what iPads and iPhones write.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_GENERIC = {b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}

_OTHER_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "png"),
    (0, b"GIF87a", "gif"),
    (0, b"GIF89a", "gif"),
    (0, b"II*\x00", "tiff"),
    (0, b"MM\x00*", "tiff"),
    (0, b"BM", "bmp"),
    (0, b"%PDF", "pdf"),
    (0, b"PK\x03\x04", "zip"),
    (0, b"\x00\x00\x01\x00", "ico"),
    (0, b"\xff\x0a", "jpeg-xl"),
    (4, b"jP  ", "jpeg-2000"),
)


@dataclass(frozen=True)
class Sniffed:
    """The detected container: ``kind`` is ``jpeg``, ``heif`` or a name for a refused type."""

    kind: str

    @property
    def accepted(self) -> bool:
        return self.kind in ACCEPTED

    @property
    def mime(self) -> str | None:
        return MIME.get(self.kind)


def sniff(data: bytes) -> Sniffed:
    """Name the format of ``data`` from its first bytes (``unknown`` when nothing matches)."""
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed(JPEG)
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return Sniffed(_iso_bmff_kind(data))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Sniffed("webp")
    for offset, signature, name in _OTHER_SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return Sniffed(name)
    if data.lstrip()[:1] in (b"<", b"{"):
        return Sniffed("text")
    return Sniffed("unknown")


def _iso_bmff_kind(data: bytes) -> str:
    """Classify an ISO-BMFF file (HEIF, AVIF, MP4/MOV video) by its ftyp box brands."""
    box_size = int.from_bytes(data[0:4], "big")
    end = min(max(box_size, 16), len(data), 256)
    major = data[8:12]
    brands = {major} | {data[i : i + 4] for i in range(16, end - 3, 4)}
    if brands & _HEIC_BRANDS:
        return HEIF
    if brands & _AVIF_BRANDS:
        return "avif"
    if major in _HEIF_GENERIC:
        return "heif-other-codec"
    return "video"
