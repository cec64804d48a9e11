"""The structural check: every encoder variant passes; truncation and damage do not."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image

from media import PhotoRejected
from media.jpeg import scan_jpeg
from media.sniff import sniff

from .photos import encode, make_exif, sample, textured


def _image(mode: str, size: tuple[int, int] = (333, 257)) -> Image.Image:
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (size[1], size[0], len(mode)), dtype=np.uint8)
    return Image.fromarray(pixels.squeeze(), mode)


def _encodings() -> dict[tuple[str, bool, int, tuple[int, int]], bytes]:
    """Every colour mode x progressive x subsampling x restart-marker layout libjpeg can write."""
    found = {}
    for mode, progressive, subsampling, restart in itertools.product(
        ["RGB", "L", "CMYK"], [False, True], [0, 1, 2], [(0, 0), (3, 0), (0, 2)]
    ):
        options: dict[str, object] = {
            "progressive": progressive,
            "restart_marker_blocks": restart[0],
            "restart_marker_rows": restart[1],
        }
        if mode != "L":
            options["subsampling"] = subsampling
        elif subsampling:
            continue
        try:
            found[mode, progressive, subsampling, restart] = encode(_image(mode), **options)
        except OSError:  # libjpeg cannot put restart markers in some progressive layouts
            continue
    return found


ENCODINGS = _encodings()
VARIANTS = sorted(ENCODINGS)


def _save(mode: str, progressive: bool, subsampling: int, restart: tuple[int, int]) -> bytes:
    return ENCODINGS[mode, progressive, subsampling, restart]


def test_the_variants_cover_progressive_files_with_restart_markers() -> None:
    assert any(progressive and restart != (0, 0) for _, progressive, _, restart in VARIANTS)
    assert len(VARIANTS) > 30


@pytest.mark.parametrize(("mode", "progressive", "subsampling", "restart"), VARIANTS)
def test_valid_encodings_pass(
    mode: str, progressive: bool, subsampling: int, restart: tuple[int, int]
) -> None:
    layout = scan_jpeg(_save(mode, progressive, subsampling, restart))
    assert (layout.width, layout.height, layout.progressive) == (333, 257, progressive)
    assert layout.components == len(mode)


@pytest.mark.parametrize(("mode", "progressive", "subsampling", "restart"), VARIANTS[::5])
def test_every_truncation_is_refused(
    mode: str, progressive: bool, subsampling: int, restart: tuple[int, int]
) -> None:
    data = _save(mode, progressive, subsampling, restart)
    for cut in (len(data) - 1, len(data) - 2, len(data) * 3 // 4, len(data) // 3, 200, 3):
        with pytest.raises(PhotoRejected) as refused:
            scan_jpeg(data[:cut])
        assert refused.value.code in ("photo.truncated", "photo.corrupt")


def test_exif_block_and_trailing_bytes() -> None:
    data = encode(textured(1, 64, 48), make_exif(make="Apple"))
    layout = scan_jpeg(data + b"motion photo video follows")
    assert layout.exif is not None and layout.exif[:2] in (b"II", b"MM")
    assert layout.trailing_bytes == len(b"motion photo video follows")


def _restarted() -> bytearray:
    return bytearray(encode(textured(2, 320, 240), restart_marker_blocks=2))


def test_restart_marker_out_of_sequence() -> None:
    data = _restarted()
    at = data.index(b"\xff\xd3")
    data[at + 1] = 0xD5
    with pytest.raises(PhotoRejected, match="out of sequence"):
        scan_jpeg(bytes(data))


def test_missing_stretch_of_image_data() -> None:
    data = _restarted()
    first, second = data.index(b"\xff\xd2"), data.index(b"\xff\xd6")
    spliced = data[:first] + data[second:]  # whole intervals lost, sequence resumes
    with pytest.raises(PhotoRejected) as refused:
        scan_jpeg(bytes(spliced))
    assert refused.value.code == "photo.corrupt"


def test_invalid_marker_inside_image_data() -> None:
    data = bytearray(encode(textured(3, 320, 240)))
    middle = len(data) // 2
    data[middle : middle + 2] = b"\xff\x42"
    with pytest.raises(PhotoRejected, match="FF 42"):
        scan_jpeg(bytes(data))


def test_second_start_of_image_inside_image_data() -> None:
    data = bytearray(encode(textured(3, 320, 240)))
    data[len(data) // 2 : len(data) // 2 + 2] = b"\xff\xd8"
    with pytest.raises(PhotoRejected) as refused:
        scan_jpeg(bytes(data))
    assert refused.value.code == "photo.corrupt"


def test_lossless_and_hierarchical_jpeg_are_unsupported() -> None:
    data = bytearray(encode(textured(4, 64, 48)))
    at = data.index(b"\xff\xc0")
    data[at + 1] = 0xC3
    with pytest.raises(PhotoRejected) as refused:
        scan_jpeg(bytes(data))
    assert (refused.value.code, refused.value.data) == (
        "photo.unsupported_type",
        {"detected": "jpeg-lossless"},
    )


def test_segment_length_past_the_end() -> None:
    data = bytearray(encode(textured(5, 64, 48)))
    at = data.index(b"\xff\xdb")
    data[at + 2 : at + 4] = b"\xff\xf0"
    with pytest.raises(PhotoRejected) as refused:
        scan_jpeg(bytes(data))
    assert refused.value.code == "photo.truncated"


def test_real_samples() -> None:
    assert scan_jpeg(sample("mobile/jolla.jpg")).width == 3264
    with pytest.raises(PhotoRejected, match="FF 9F"):
        scan_jpeg(sample("corrupted.jpg"))


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1miaf", "heif-other-codec"),
        (b"II*\x00\x08\x00\x00\x00", "tiff"),
        (b"", "unknown"),
    ],
)
def test_sniff(head: bytes, kind: str) -> None:
    assert sniff(head).kind == kind
