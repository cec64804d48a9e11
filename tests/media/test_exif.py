"""EXIF fields read from generated photos with known values; broken EXIF never raises."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from media import PhotoMetadata, process
from media.exif import read_metadata
from media.jpeg import scan_jpeg

from .photos import make_jpeg


def _meta(**fields: object) -> PhotoMetadata:
    return process(make_jpeg(**fields)).metadata  # type: ignore[arg-type]


def _problems(meta: PhotoMetadata) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in meta.problems}


def test_every_field_of_a_tablet_photo() -> None:
    gps_time = datetime(2026, 5, 1, 2, 0, 3, 500000, tzinfo=UTC)
    meta = _meta(
        lat=32.9876543,
        lon=114.0123456,
        altitude=87.5,
        accuracy=4.7,
        gps_time=gps_time,
        taken="2026:05:01 10:00:01",
        offset="+08:00",
        subsec="25",
        serial="DMPXK1234",
        orientation=6,
    )
    assert meta.latitude == pytest.approx(32.9876543, abs=1e-7)
    assert meta.longitude == pytest.approx(114.0123456, abs=1e-7)
    assert meta.altitude_m == pytest.approx(87.5)
    assert meta.horizontal_accuracy_m == pytest.approx(4.7)
    assert meta.gps_time_utc == gps_time
    assert meta.taken_at_local == "2026-05-01T10:00:01.250000"
    assert meta.taken_at_utc == datetime(2026, 5, 1, 2, 0, 1, 250000, tzinfo=UTC)
    assert (meta.taken_at_offset, meta.offset_source) == ("+08:00", "exif")
    assert (meta.make, meta.model, meta.serial_number) == (
        "Apple",
        "iPad (9th generation)",
        "DMPXK1234",
    )
    assert meta.orientation == 6
    assert (meta.width, meta.height, meta.upright_size) == (120, 160, (160, 120))
    assert meta.problems == ()


def test_southern_western_and_below_sea_level() -> None:
    meta = _meta(lat=-33.8688, lon=-70.6693, altitude=-12.0)
    assert meta.latitude == pytest.approx(-33.8688, abs=1e-7)
    assert meta.longitude == pytest.approx(-70.6693, abs=1e-7)
    assert meta.altitude_m == pytest.approx(-12.0)


@pytest.mark.parametrize(
    ("offset", "device_tz", "expected_utc", "expected_offset", "source"),
    [
        ("-05:00", None, datetime(2026, 5, 1, 15, 0, tzinfo=UTC), "-05:00", "exif"),
        (None, None, datetime(2026, 5, 1, 2, 0, tzinfo=UTC), "+08:00", "device_zone"),
        (None, "Asia/Tokyo", datetime(2026, 5, 1, 1, 0, tzinfo=UTC), "+09:00", "device_zone"),
        (None, "+05:30", datetime(2026, 5, 1, 4, 30, tzinfo=UTC), "+05:30", "device_zone"),
        (None, timezone(timedelta(hours=-3)), datetime(2026, 5, 1, 13, 0, tzinfo=UTC), "-03:00",
         "device_zone"),
        (None, "Europe/Berlin", datetime(2026, 5, 1, 8, 0, tzinfo=UTC), "+02:00", "device_zone"),
        ("garbage", None, datetime(2026, 5, 1, 2, 0, tzinfo=UTC), "+08:00", "device_zone"),
    ],
)  # fmt: skip
def test_time_taken_in_utc(
    offset: str | None, device_tz: object, expected_utc: datetime, expected_offset: str, source: str
) -> None:
    data = make_jpeg(taken="2026:05:01 10:00:00", offset=offset)
    meta = process(data, device_tz=device_tz).metadata  # type: ignore[arg-type]
    assert meta.taken_at_utc == expected_utc
    assert (meta.taken_at_offset, meta.offset_source) == (expected_offset, source)


def test_unknown_device_zone_falls_back_to_china_time_and_says_so() -> None:
    meta = process(make_jpeg(offset=None), device_tz="Mars/Olympus_Mons").metadata
    assert meta.taken_at_utc == datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
    assert ("device_zone", "unknown_zone") in _problems(meta)


def test_unset_and_unreadable_times() -> None:
    unset = _meta(taken="0000:00:00 00:00:00")
    assert unset.taken_at_utc is None and ("taken_at", "unset") in _problems(unset)
    garbage = _meta(taken="yesterday at noon")
    assert garbage.taken_at_utc is None and ("taken_at", "unreadable") in _problems(garbage)
    impossible = _meta(taken="2026:02:30 10:00:00")
    assert impossible.taken_at_utc is None and ("taken_at", "unreadable") in _problems(impossible)


def test_broken_fields_are_recorded_and_the_rest_kept() -> None:
    meta = _meta(
        lat=33.0,
        lon=114.0,
        gps_raw={0x06: IFDRational(5, 0), 0x1F: IFDRational(1, 0)},  # zero denominators
        exif_raw={},
    )
    assert meta.latitude == pytest.approx(33.0)  # kept
    assert meta.altitude_m is None and meta.horizontal_accuracy_m is None
    assert {("altitude_m", "unreadable"), ("horizontal_accuracy_m", "unreadable")} <= _problems(
        meta
    )


def test_bad_orientation_and_null_island() -> None:
    meta = _meta(orientation=9, lat=0.0, lon=0.0)
    assert meta.orientation == 1
    assert not meta.has_position
    assert {("orientation", "unreadable"), ("position", "zero")} <= _problems(meta)


def test_position_without_references() -> None:
    meta = _meta(lat=33.0, lon=114.0, gps_raw={1: "X", 3: "?"})
    assert meta.latitude == pytest.approx(33.0)
    assert ("latitude", "missing_ref") in _problems(meta)


def test_gps_date_without_time_of_day() -> None:
    meta = _meta(gps_raw={0x1D: "2026:05:01"})
    assert meta.gps_time_utc is None
    assert ("gps_time_utc", "incomplete") in _problems(meta)


@pytest.mark.parametrize(
    "block",
    [
        b"MM\x00*\x00\x00\x00\x08\x00\x05",  # IFD runs past the end
        b"II*\x00\xff\xff\xff\x7f",  # IFD offset far outside
        b"MM\x00*\x00\x00\x00\x08" + b"\xff" * 200,
        b"not a tiff header at all",
        b"\x00",
    ],
)
def test_garbage_exif_blocks_never_raise(block: bytes) -> None:
    meta = read_metadata(block, width=10, height=10)
    assert meta.width == 10
    assert meta.latitude is None and meta.taken_at_utc is None


def test_every_truncation_of_a_real_exif_block_is_survived() -> None:
    exif = scan_jpeg(make_jpeg(lat=33.0, lon=114.0, accuracy=5.0, serial="X")).exif
    assert exif is not None
    for cut in range(0, len(exif), 7):
        read_metadata(exif[:cut], width=1, height=1)


def test_round_trip_through_json() -> None:
    meta = _meta(lat=33.0, lon=114.0, gps_time=datetime(2026, 5, 1, 2, tzinfo=UTC), orientation=9)
    again = PhotoMetadata.from_dict(meta.to_dict())
    assert again == meta
    assert meta.to_dict()["gps_time_utc"] == "2026-05-01T02:00:00Z"


def test_photo_without_exif() -> None:
    plain = io.BytesIO()
    Image.open(io.BytesIO(make_jpeg())).save(plain, "JPEG")
    meta = process(plain.getvalue()).metadata
    assert not meta.has_exif and meta.problems == ()
