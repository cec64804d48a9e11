"""Damaged photos are refused with the evidence of what is missing, never repaired silently.

A HEIC cut short (libheif fills a grid's missing tiles green), a JPEG whose entropy-coded data
libjpeg reports corrupt although its marker structure is intact, and an EXIF block that is there
but cannot be read.
"""

from __future__ import annotations

import io
from functools import cache

import pillow_heif
import pytest

from media import PhotoRejected, process
from media.checks import check_exif
from media.jpeg import scan_jpeg

from .photos import encode, make_exif, make_jpeg, sample, textured


def _refusal(data: bytes) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as refused:
        process(data)
    return refused.value


@cache
def tiled_heic(*, exif: bool = False) -> bytes:
    """A HEIC whose image is a grid of 4 x 3 tiles of 256 px, as iPads and iPhones write it."""
    out = io.BytesIO()
    options: dict[str, object] = {
        "quality": 60,
        "tile_size": 256,
        "enc_params": {"preset": "ultrafast"},  # 1 s instead of 8 for the 12 tiles
    }
    if exif:
        options["exif"] = make_exif().tobytes()
    pillow_heif.from_pillow(textured(3, 1024, 768)).save(out, **options)
    return out.getvalue()


@pytest.mark.parametrize("kept", [0.1, 0.5, 0.9])
def test_a_tiled_heic_cut_short_is_refused_with_what_is_missing(kept: float) -> None:
    whole = tiled_heic()
    assert process(whole).preview_size == (1024, 768)
    cut = whole[: int(len(whole) * kept)]
    refused = _refusal(cut)
    assert refused.code == "photo.truncated"
    data = refused.data
    assert (data["expected_bytes"], data["actual_bytes"]) == (len(whole), len(cut))
    assert data["missing_bytes"] == len(whole) - len(cut)
    assert data["mdat_present_bytes"] < data["mdat_declared_bytes"]
    assert data["item_count"] >= 12  # the 4 x 3 tiles at least
    assert 0 < data["items_cut"] <= data["item_count"]
    assert "hvc1" in data["cut_item_types"]
    assert f"文件只有 {len(cut)} 字节" in refused.message_zh
    assert f"应有 {len(whole)} 字节" in refused.message_zh
    assert refused.message_zh.endswith("请从平板重新发送原始照片。")
    assert f"it has {len(cut)} bytes" in refused.message_en
    assert refused.message_en.endswith("Send the original photo from the tablet again.")


def test_a_heic_whose_exif_item_is_cut_off_says_so() -> None:
    whole = tiled_heic(exif=True)
    refused = _refusal(whole[:-20])  # pillow-heif writes the Exif item last
    assert refused.code == "photo.truncated"
    assert refused.data["items_cut"] == 1
    assert refused.data["cut_item_types"] == ["Exif"]


def test_a_heic_cut_inside_its_header() -> None:
    refused = _refusal(tiled_heic()[:300])
    assert refused.code == "photo.truncated"
    assert refused.data["actual_bytes"] == 300
    assert refused.data["expected_bytes"] > 300
    assert "在文件头内就中断了" in refused.message_zh


def _flip(data: bytes, at: int) -> bytes:
    damaged = bytearray(data)
    damaged[at] ^= 0x5A
    return bytes(damaged)


# Bytes changed inside the main image's entropy-coded data (no FF made or removed, so the marker
# structure stays intact), at positions libjpeg reports; libjpeg's words for each.
FLIPS = [
    ("gps/DSCN0010.jpg", 22967, "Corrupt JPEG data: 53 extraneous bytes before marker 0xd9"),
    ("gps/DSCN0042.jpg", 27078, "Corrupt JPEG data: premature end of data segment"),
    ("orientation/landscape_6.jpg", 6911, "extraneous bytes before marker 0xd9"),
    ("mobile/jolla.jpg", 29045, "Corrupt JPEG data: premature end of data segment"),
    ("mobile/jolla.jpg", 303869, "Corrupt JPEG data: 26 extraneous bytes before marker 0xd9"),
]


@pytest.mark.parametrize(("name", "at", "warning"), FLIPS)
def test_a_jpeg_libjpeg_reports_corrupt_is_refused(name: str, at: int, warning: str) -> None:
    original = sample(name)
    assert process(original).sha256  # the undamaged photo is accepted
    damaged = _flip(original, at)
    assert 0xFF not in (original[at], damaged[at], original[at - 1])
    scan_jpeg(damaged)  # the marker structure is intact: only the decoder can tell
    refused = _refusal(damaged)
    assert refused.code == "photo.corrupt"
    assert warning in refused.data["decoder_warning"]
    assert refused.data["reason"] == "jpeg_decoder_warning"
    assert "JPEG 解码器（libjpeg）报告" in refused.message_zh
    assert refused.data["decoder_warning"] in refused.message_zh
    assert f'reports "{refused.data["decoder_warning"]}"' in refused.message_en
    assert refused.message_en.endswith("Send the original photo from the tablet again.")


def test_a_generated_grey_jpeg_with_changed_bytes_is_refused() -> None:
    data = encode(textured(4, 640, 480).convert("L"))
    assert process(data).sha256
    damaged = bytearray(data)
    start = data.rindex(b"\xff\xd9") - 1000  # eight bytes late in the scan, none made FF
    for at in range(start, start + 8):
        if 0xFF not in (damaged[at], damaged[at - 1], damaged[at] ^ 0x5A):
            damaged[at] ^= 0x5A
    refused = _refusal(bytes(damaged))
    assert refused.code == "photo.corrupt"
    assert refused.data["decoder_warning"] == (
        "Corrupt JPEG data: 11 extraneous bytes before marker 0xd9"
    )


def test_an_unreadable_exif_block_is_a_finding_of_its_own() -> None:
    photo = process(encode(textured(5, 320, 240), b"Exif\x00\x00" + b"not a TIFF structure" * 4))
    assert photo.metadata.has_exif
    [found] = check_exif(photo.metadata)
    assert found.code == "exif.unreadable"
    assert found.severity == "warning"
    assert "80-byte EXIF block" in found.data["details"][0]
    assert found.message_zh.startswith("照片带有 EXIF 信息块，但该信息块已损坏")
    assert found.message_en.startswith("The photo carries an EXIF block, but the block is damaged")


def test_an_exif_directory_pointing_outside_the_block_is_unreadable() -> None:
    data = make_jpeg(lat=33.0, lon=114.0)
    exif = scan_jpeg(data).exif
    assert exif is not None and exif[:2] == b"MM"
    at = exif.index(b"\x87\x69") + 8  # the ExifOffset entry's value: where the time is
    damaged = data.replace(exif, exif[:at] + b"\x7f\xff\x00\x00" + exif[at + 4 :])
    metadata = process(damaged).metadata
    assert metadata.taken_at_utc is None and metadata.latitude is not None
    codes = [f.code for f in check_exif(metadata)]
    assert codes == ["exif.unreadable"]
    [found] = check_exif(metadata)
    assert "EXIF directory's offset 2147418112 lies outside" in found.data["details"][0]
