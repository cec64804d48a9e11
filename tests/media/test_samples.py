"""The real photos in tests/data/photos (exif-samples) through the whole pipeline.

Expected values were read once with ExifTool 12.57 (Debian package libimage-exiftool-perl),
``exiftool -n -GPSLatitude -GPSLongitude -GPSDateStamp -GPSTimeStamp -DateTimeOriginal
-OffsetTimeOriginal -Make -Model -Orientation -ImageWidth -ImageHeight FILE``, and written here
as literals; none of them comes from the code under test.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import numpy as np
import pytest
from PIL import Image

from media import PhotoRejected, process
from media.checks import check_clock_skew, check_device, check_exif, check_location

from .photos import sample

# file: (latitude, longitude, GPS date+time UTC, DateTimeOriginal, make, model, width, height)
EXIFTOOL_GPS = {
    "gps/DSCN0010.jpg": (43.4674483333333, 11.8851266666639, "2008-10-23T14:27:07.240000",
                         "2008-10-22T16:28:39", "NIKON", "COOLPIX P6000", 640, 480),
    "gps/DSCN0021.jpg": (43.4670816666639, 11.8845383333306, "2008-10-23T14:36:47.230000",
                         "2008-10-22T16:38:20", "NIKON", "COOLPIX P6000", 640, 480),
    "gps/DSCN0042.jpg": (43.464455, 11.8814783333333, "2008-10-23T14:57:41.370000",
                         "2008-10-22T17:00:07", "NIKON", "COOLPIX P6000", 640, 480),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXIFTOOL_GPS))
def test_gps_photos_read_as_exiftool_reads_them(name: str) -> None:
    lat, lon, gps_time, taken, make, model, width, height = EXIFTOOL_GPS[name]
    meta = process(sample(name)).metadata
    assert meta.latitude == pytest.approx(lat, abs=1e-9)
    assert meta.longitude == pytest.approx(lon, abs=1e-9)
    assert meta.gps_time_utc == datetime.fromisoformat(gps_time).replace(tzinfo=UTC)
    assert meta.taken_at_local == taken
    assert (meta.make, meta.model, meta.width, meta.height) == (make, model, width, height)
    assert meta.gps_map_datum == "WGS-84"
    assert meta.altitude_m is None  # exiftool: GPSAltitudeRef only, no GPSAltitude
    assert meta.problems == ()


def test_time_without_offset_is_read_in_the_device_zone() -> None:
    data = sample("gps/DSCN0010.jpg")  # DateTimeOriginal 2008:10:22 16:28:39, no offset
    default = process(data).metadata
    assert default.taken_at_utc == datetime(2008, 10, 22, 8, 28, 39, tzinfo=UTC)  # CST, UTC+8
    assert (default.taken_at_offset, default.offset_source) == ("+08:00", "device_zone")
    italy = process(data, device_tz="Europe/Rome").metadata  # CEST in October 2008
    assert italy.taken_at_utc == datetime(2008, 10, 22, 14, 28, 39, tzinfo=UTC)
    assert italy.taken_at_offset == "+02:00"


def test_jolla_phone_photo_matches_its_own_xmp_offset() -> None:
    # exiftool: EXIF DateTimeOriginal 2014:09:21 16:00:56, no offset; XMP says ...+02:00.
    meta = process(sample("mobile/jolla.jpg"), device_tz="+02:00").metadata
    assert meta.taken_at_utc == datetime(2014, 9, 21, 14, 0, 56, tzinfo=UTC)
    assert (meta.make, meta.model, meta.width, meta.height) == ("Jolla", "Jolla", 3264, 2448)
    assert not meta.has_position
    assert [f.code for f in check_location(meta, None)] == ["gps.missing"]


def test_camera_without_gps_is_a_finding_not_an_error() -> None:
    photo = process(sample("Canon_40D.jpg"))
    assert (photo.metadata.make, photo.metadata.model) == ("Canon", "Canon EOS 40D")
    assert photo.metadata.taken_at_local == "2008-05-30T15:56:01"
    assert (photo.metadata.width, photo.metadata.height) == (100, 68)
    assert [f.code for f in check_location(photo.metadata, None)] == ["gps.missing"]


def test_the_nikon_clock_disagrees_with_its_gps_by_a_day() -> None:
    meta = process(sample("gps/DSCN0010.jpg"), device_tz="+02:00").metadata
    [skew] = check_clock_skew(meta, recorded_at=None)
    assert skew.code == "clock.exif_gps_skew"
    # 2008-10-22 14:28:39Z against 2008-10-23 14:27:07.24Z
    assert skew.data["difference_seconds"] == pytest.approx(-86400 + 91.76)
    assert skew.data["suspected_zone_error"] is False


def test_corrupted_sample_is_refused_with_a_reason() -> None:
    with pytest.raises(PhotoRejected) as refused:
        process(sample("corrupted.jpg"))
    assert refused.value.code == "photo.corrupt"
    assert "FF 9F" in refused.value.data["detail"]
    assert refused.value.message_zh.startswith("照片文件已损坏")


def test_photo_whose_exif_breaks_naive_parsers_is_kept_with_findings() -> None:
    photo = process(sample("invalid/image01088.jpg"))  # exiftool finds XMP only, no EXIF
    assert (photo.metadata.width, photo.metadata.height) == (425, 120)
    assert not photo.metadata.has_exif
    assert [f.code for f in check_exif(photo.metadata)] == ["exif.missing"]
    codes = [f.code for f in check_device(photo.metadata, sender_device_id=None, registered=[])]
    assert codes == ["device.unidentified"]


def _edge_brightness(jpeg: bytes) -> dict[str, float]:
    luma = np.asarray(Image.open(io.BytesIO(jpeg)).convert("L"), dtype=np.float64)
    h, w = luma.shape
    band_h, band_w = h * 15 // 100, w * 15 // 100
    return {
        "top": luma[:band_h].mean(),
        "bottom": luma[-band_h:].mean(),
        "left": luma[:, :band_w].mean(),
        "right": luma[:, -band_w:].mean(),
    }


@pytest.mark.parametrize(
    ("name", "orientation", "stored", "upright"),
    [
        ("orientation/landscape_6.jpg", 6, (450, 600), (600, 450)),  # exiftool: 450x600, 6
        ("orientation/portrait_8.jpg", 8, (600, 450), (450, 600)),  # exiftool: 600x450, 8
    ],
)
def test_orientation_samples_come_out_upright(
    name: str, orientation: int, stored: tuple[int, int], upright: tuple[int, int]
) -> None:
    photo = process(sample(name))
    assert photo.metadata.orientation == orientation
    assert (photo.metadata.width, photo.metadata.height) == stored
    assert photo.preview_size == upright
    assert Image.open(io.BytesIO(photo.preview)).size == upright
    # Both pictures are a waterfall under a bright sky: upright, the sky is the top edge.
    for derivative in (photo.preview, photo.thumbnail):
        edges = _edge_brightness(derivative)
        assert max(edges, key=edges.__getitem__) == "top", edges
