"""process() and ingest(): refusals with reason codes, limits, derivatives, HEIC, storing once."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
import simplejpeg
from PIL import Image, ImageCms, ImageFile

from media import (
    DerivativeSpec,
    FilesystemBlobStore,
    Limits,
    PhotoRejected,
    ingest,
    process,
)
from media.derivatives import decode_jpeg, jpeg_decoded_pixels

from .photos import encode, make_exif, make_jpeg, quadrants, sample, textured


def _refusal(data: bytes, **kwargs: object) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as refused:
        process(data, **kwargs)  # type: ignore[arg-type]
    return refused.value


def test_empty_and_too_large() -> None:
    assert _refusal(b"").code == "photo.empty"
    refused = _refusal(make_jpeg(), limits=Limits(max_bytes=100))
    assert refused.code == "photo.too_large"
    assert refused.data["max_bytes"] == 100
    assert refused.data["size_bytes"] > 100


@pytest.mark.parametrize(
    ("content", "detected"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "png"),
        (b"GIF89a" + b"\x00" * 32, "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"%PDF-1.7\n", "pdf"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "video"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "avif"),
        (b"<html><body>not a photo</body></html>", "text"),
        (b"\x01\x02\x03\x04 random bytes", "unknown"),
    ],
)
def test_content_is_sniffed_never_the_name(content: bytes, detected: str) -> None:
    refused = _refusal(content, claimed_name="IMG_0001.JPG")
    assert refused.code == "photo.unsupported_type"
    assert refused.data == {"detected": detected}


def test_a_jpeg_named_png_is_still_a_jpeg() -> None:
    photo = process(make_jpeg(), claimed_name="holiday.png")
    assert (photo.mime, photo.format, photo.claimed_name) == ("image/jpeg", "jpeg", "holiday.png")
    assert photo.claimed_name_matches is False
    assert process(make_jpeg(), claimed_name="IMG_1.JPEG").claimed_name_matches is True


def test_truncated_upload_is_refused_and_says_so() -> None:
    data = encode(textured(1))
    for cut in (len(data) - 2, len(data) * 2 // 3, 400):
        assert _refusal(data[:cut]).code == "photo.truncated"


def test_damaged_entropy_data_is_refused() -> None:
    data = bytearray(encode(textured(2), restart_marker_rows=1))
    middle = len(data) // 2
    data[middle : middle + 64] = b"\xff" * 63 + b"\x9f"  # what corrupted.jpg has, in small
    assert _refusal(bytes(data)).code == "photo.corrupt"


def test_pixel_bomb_is_refused_before_decoding_without_a_pillow_warning() -> None:
    # 12,000 x 9,000 of one colour: a small file that would decode into 324 MB.
    bomb = encode(Image.new("RGB", (12_000, 9_000), (90, 90, 90)), quality=10)
    assert len(bomb) < 3_000_000
    refused = _refusal(bomb)  # pytest turns a DecompressionBombWarning into an error
    assert refused.code == "photo.too_many_pixels"
    assert refused.data == {"width": 12_000, "height": 9_000, "max_pixels": 64_000_000}


def test_pixel_limit_never_exceeds_pillows_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    refused = _refusal(make_jpeg(quadrants(200, 100)))
    assert refused.data["max_pixels"] == 10_000


def test_derivatives_carry_no_metadata() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = make_exif(lat=33.0, lon=114.0, serial="SN-123", model="Secret Model")
    data = encode(textured(3), exif, icc_profile=srgb, comment=b"inspector note")
    photo = process(data)
    for derivative in (photo.preview, photo.thumbnail):
        reopened = Image.open(io.BytesIO(derivative))
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(reopened.info)
        assert len(reopened.getexif()) == 0
        for marker in (b"Exif", b"ICC_PROFILE", b"inspector note", b"Secret", b"SN-123"):
            assert marker not in derivative


def _swapped_primaries_profile() -> bytes:
    """An RGB profile that is not sRGB: sRGB with its red and green primaries swapped."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = int.from_bytes(profile[128:132], "big")
    entry = {bytes(profile[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, green = entry[b"rXYZ"] + 4, entry[b"gXYZ"] + 4
    profile[red : red + 8], profile[green : green + 8] = (
        profile[green : green + 8],
        profile[red : red + 8],
    )
    return bytes(profile).replace("sRGB".encode("utf-16-be"), "xRGB".encode("utf-16-be"))


def test_a_non_srgb_profile_is_converted_to_srgb() -> None:
    # The stand-in for Display P3 (iPads): pixels tagged with it must be converted, then stripped.
    red = Image.new("RGB", (64, 48), (200, 30, 30))
    preview = process(encode(red, icc_profile=_swapped_primaries_profile())).preview
    r, g, b = Image.open(io.BytesIO(preview)).convert("RGB").getpixel((5, 5))  # type: ignore[misc]
    assert g > 150 and r < 80 and b < 80  # "red" in a profile whose red is sRGB green
    assert b"ICC_PROFILE" not in preview
    plain = process(encode(red)).preview
    assert process(encode(red, icc_profile=b"not a profile")).preview == plain  # ignored, not fatal


def test_one_decode_at_reduced_size(monkeypatch: pytest.MonkeyPatch) -> None:
    decodes: list[tuple[int, ...]] = []
    original = simplejpeg.decode_jpeg

    def counting_decode(*args: object, **kwargs: object) -> np.ndarray:
        pixels: np.ndarray = original(*args, **kwargs)
        decodes.append(pixels.shape)
        return pixels

    monkeypatch.setattr(simplejpeg, "decode_jpeg", counting_decode)
    opened: list[object] = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", opened.append)
    photo = process(encode(textured(5, 4000, 3000)))
    assert decodes == [(750, 1000, 3)]  # libjpeg's 1/4 decode, straight from the entropy data
    assert opened == []  # and no second decode by Pillow
    assert photo.preview_size == (1000, 750)
    assert photo.thumbnail_size == (334, 250)  # a box reduction by 3 rounds up


@pytest.mark.parametrize("size", [(333, 257), (2001, 1499), (4033, 3025)])
@pytest.mark.parametrize("mode", ["RGB", "L", "CMYK"])
def test_reduced_decode_has_the_size_the_budget_reserves(size: tuple[int, int], mode: str) -> None:
    width, height = size
    spec = DerivativeSpec()
    image = decode_jpeg(
        encode(Image.new(mode, size, 90)), width, height, spec, components=len(mode)
    )
    assert image.width * image.height == jpeg_decoded_pixels(width, height, spec)
    assert image.mode == ("L" if mode == "L" else "RGB")


def test_exact_mode_resamples_to_the_requested_edges() -> None:
    limits = Limits(derivatives=DerivativeSpec(exact=True))
    photo = process(encode(textured(6, 4000, 3000)), limits=limits)
    assert photo.preview_size == (1280, 960)
    assert photo.thumbnail_size == (320, 240)


def test_small_photos_are_not_enlarged() -> None:
    photo = process(make_jpeg(quadrants(200, 150)))
    assert photo.preview_size == (200, 150)
    assert photo.thumbnail_size == (200, 150)


def _heic(image: Image.Image, exif: Image.Exif) -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(image).save(out, exif=exif.tobytes(), quality=70)
    return out.getvalue()


def test_heic_is_accepted_read_and_upright() -> None:
    stored = quadrants(320, 240).transpose(Image.Transpose.ROTATE_90)  # camera held sideways
    exif = make_exif(orientation=6, lat=32.98, lon=114.02, taken="2026:05:01 10:00:00")
    photo = process(_heic(stored, exif), claimed_name="IMG_0042.HEIC")
    assert (photo.mime, photo.format, photo.claimed_name_matches) == ("image/heic", "heif", True)
    assert photo.metadata.make == "Apple"
    assert photo.metadata.latitude == pytest.approx(32.98, abs=1e-6)
    assert photo.metadata.taken_at_utc is not None
    assert photo.metadata.taken_at_utc.isoformat() == "2026-05-01T02:00:00+00:00"
    assert photo.metadata.orientation == 1  # libheif applied the rotation while decoding
    assert photo.preview_size == (320, 240)
    preview = Image.open(io.BytesIO(photo.preview)).convert("RGB")
    red, green, blue = preview.getpixel((20, 20))  # type: ignore[misc]
    assert red > 150 and green < 100 and blue < 100  # red quadrant is top left: upright


def test_damaged_heic_is_refused() -> None:
    data = _heic(quadrants(), make_exif())
    assert _refusal(data[: len(data) // 2]).code == "photo.truncated"


def test_same_photo_twice_is_stored_once(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path)
    data = make_jpeg(lat=33.0, lon=114.0)
    first = ingest(data, store, claimed_name="a.jpg")
    second = ingest(data, store, claimed_name="b.jpg")
    assert first.sha256 == second.sha256
    originals = [p for p in (tmp_path / "originals").rglob("*") if p.is_file()]
    assert originals == [store.path(first.sha256)]
    assert store.read(first.sha256) == data  # byte-exact
    assert store.read_derivative(first.sha256, "preview") == first.preview
    assert store.read_derivative(first.sha256, "thumb") == first.thumbnail


def test_refused_photo_stores_nothing(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path)
    with pytest.raises(PhotoRejected):
        ingest(sample("corrupted.jpg"), store)
    assert not (tmp_path / "originals").exists()


def test_record_is_json_ready() -> None:
    record = process(make_jpeg(lat=33.0, lon=114.0, accuracy=4.7)).record()
    assert record["metadata"]["horizontal_accuracy_m"] == pytest.approx(4.7)
    assert record["metadata"]["taken_at_utc"] == "2026-05-01T02:00:00Z"
    assert len(record["phash"]) == 16
    assert len(record["phash_bands"]) == 4
    assert "preview" not in record
