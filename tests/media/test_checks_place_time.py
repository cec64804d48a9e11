"""Where and when: position and boundary, the visit window, the assignment, the three clocks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from media import PhotoMetadata, Severity, SiteBoundary
from media.checks import check_clock_skew, check_location, check_time

from .conftest import TAKEN
from .sites import END, START, Make, at, codes, yard


def _placed(
    make: Make, east_m: float, north_m: float, accuracy: float | None = 5.0
) -> PhotoMetadata:
    lon, lat = at(east_m, north_m)
    return make(longitude=lon, latitude=lat, horizontal_accuracy_m=accuracy)


# --- where ---------------------------------------------------------------------------------


def test_inside_the_site_is_silent(make_metadata: Make) -> None:
    assert check_location(_placed(make_metadata, 100, 50), yard()) == []


def test_no_gps_is_a_finding(make_metadata: Make) -> None:
    [missing] = check_location(make_metadata(latitude=None, longitude=None), yard())
    assert (missing.code, missing.severity) == ("gps.missing", Severity.WARNING)


def test_outside_beyond_the_accuracy(make_metadata: Make) -> None:
    [outside] = check_location(_placed(make_metadata, 100, 180, accuracy=10.0), yard())
    assert (outside.code, outside.severity) == ("geo.outside_boundary", Severity.CRITICAL)
    assert outside.data["distance_m"] == pytest.approx(80, abs=0.5)
    assert (outside.data["accuracy_m"], outside.data["accuracy_source"]) == (10.0, "exif")
    assert "80 m outside" in outside.message_en and "80 米" in outside.message_zh


def test_outside_but_within_the_accuracy_is_uncertain(make_metadata: Make) -> None:
    [uncertain] = check_location(_placed(make_metadata, 100, 115, accuracy=25.0), yard())
    assert (uncertain.code, uncertain.severity) == ("geo.boundary_uncertain", Severity.INFO)
    assert uncertain.data["distance_m"] == pytest.approx(15, abs=0.5)


def test_assumed_accuracy_and_tolerance(make_metadata: Make) -> None:
    photo = _placed(make_metadata, 100, 130, accuracy=None)  # 30 m out, accuracy unknown
    [finding] = check_location(photo, yard())
    assert (finding.code, finding.data["accuracy_m"], finding.data["accuracy_source"]) == (
        "geo.outside_boundary",
        20.0,
        "assumed",
    )
    assert codes(check_location(photo, yard(), tolerance_m=15)) == ["geo.boundary_uncertain"]


def test_poor_accuracy(make_metadata: Make) -> None:
    findings = check_location(_placed(make_metadata, 100, 50, accuracy=150.0), yard())
    assert codes(findings) == ["gps.poor_accuracy"]
    assert findings[0].data == {"accuracy_m": 150.0, "max_accuracy_m": 100.0}


def test_no_boundary(make_metadata: Make) -> None:
    assert codes(check_location(make_metadata(), None)) == ["geo.no_boundary"]
    assert codes(check_location(make_metadata(), SiteBoundary([]))) == ["geo.no_boundary"]


@pytest.mark.parametrize("datum", ["GCJ02", "BD09"])
def test_boundary_drawn_on_a_chinese_map_is_converted_first(
    make_metadata: Make, datum: str
) -> None:
    photo = _placed(make_metadata, 100, 50)  # the middle of the yard, by GPS (WGS-84)
    assert check_location(photo, yard(datum)) == []
    # Read as WGS-84 the same numbers sit hundreds of metres away: the conversion matters.
    misread = SiteBoundary(yard(datum).polygons, "WGS84")
    [outside] = check_location(photo, misread)
    assert outside.code == "geo.outside_boundary" and outside.data["distance_m"] > 200


# --- when ----------------------------------------------------------------------------------


def test_inside_the_visit_is_silent(make_metadata: Make) -> None:
    assert check_time(make_metadata(), visit_start=START, visit_end=END) == []


@pytest.mark.parametrize(
    ("shift", "outside"), [(timedelta(hours=-3), 7200.0), (timedelta(hours=4), 7200.0)]
)
def test_outside_the_visit(make_metadata: Make, shift: timedelta, outside: float) -> None:
    meta = make_metadata(taken_at_utc=TAKEN + shift)
    [finding] = check_time(meta, visit_start=START, visit_end=END)
    assert (finding.code, finding.severity) == ("time.outside_visit", Severity.CRITICAL)
    assert finding.data["seconds_outside"] == outside
    assert finding.data["window_start"] == "2026-05-01T01:00:00Z"
    assert finding.data["time_source"] == "exif"


def test_grace_around_the_visit(make_metadata: Make) -> None:
    meta = make_metadata(taken_at_utc=END + timedelta(minutes=10))
    assert check_time(meta, visit_start=START, visit_end=END) == []  # default grace 15 min
    assert codes(check_time(meta, visit_start=START, visit_end=END, grace=timedelta(0))) == [
        "time.outside_visit"
    ]


def test_before_the_assignment(make_metadata: Make) -> None:
    created = TAKEN + timedelta(minutes=30)
    findings = check_time(
        make_metadata(), visit_start=START, visit_end=END, assignment_created_at=created
    )
    assert codes(findings) == ["time.before_assignment"]
    assert findings[0].data["seconds_before"] == 1800.0
    later = TAKEN - timedelta(days=3)
    assert (
        check_time(make_metadata(), visit_start=START, visit_end=END, assignment_created_at=later)
        == []
    )


def test_no_time_at_all_and_gps_time_as_fallback(make_metadata: Make) -> None:
    none = make_metadata(taken_at_utc=None, gps_time_utc=None)
    assert codes(check_time(none, visit_start=START, visit_end=END)) == ["time.missing"]
    gps_only = make_metadata(taken_at_utc=None, gps_time_utc=TAKEN - timedelta(hours=5))
    [finding] = check_time(gps_only, visit_start=START, visit_end=END)
    assert (finding.code, finding.data["time_source"]) == ("time.outside_visit", "gps")


def test_assumed_offset_is_noted(make_metadata: Make) -> None:
    meta = make_metadata(offset_source="device_zone")
    [note] = check_time(meta, visit_start=START, visit_end=END)
    assert (note.code, note.severity, note.data) == (
        "time.offset_assumed",
        Severity.INFO,
        {"offset": "+08:00"},
    )


def test_naive_datetimes_are_refused(make_metadata: Make) -> None:
    with pytest.raises(ValueError, match="naive"):
        check_time(make_metadata(), visit_start=datetime(2026, 5, 1), visit_end=END)  # noqa: DTZ001


# --- clocks --------------------------------------------------------------------------------


def test_clocks_that_agree_are_silent(make_metadata: Make) -> None:
    assert check_clock_skew(make_metadata(), recorded_at=TAKEN + timedelta(minutes=2)) == []


def test_camera_clock_a_zone_off(make_metadata: Make) -> None:
    meta = make_metadata(taken_at_utc=TAKEN + timedelta(hours=8, seconds=20))
    findings = check_clock_skew(meta, recorded_at=TAKEN + timedelta(minutes=1))
    assert codes(findings) == ["clock.exif_gps_skew", "clock.exif_recorded_skew"]
    assert findings[0].data["difference_seconds"] == 28820.0
    assert findings[0].data["suspected_zone_error"] is True
    assert findings[0].data["max_skew_seconds"] == 300.0


def test_old_photo_attached_later(make_metadata: Make) -> None:
    findings = check_clock_skew(make_metadata(), recorded_at=TAKEN + timedelta(hours=3, minutes=7))
    assert codes(findings) == ["clock.exif_recorded_skew", "clock.gps_recorded_skew"]
    assert findings[0].data["suspected_zone_error"] is False
    assert findings[0].data["recorded_at"] == "2026-05-01T05:07:00Z"


def test_skew_allowances_are_parameters(make_metadata: Make) -> None:
    meta = make_metadata(gps_time_utc=TAKEN - timedelta(minutes=3))
    assert check_clock_skew(meta, recorded_at=None) == []
    tight = check_clock_skew(meta, recorded_at=None, max_exif_gps=timedelta(minutes=1))
    assert codes(tight) == ["clock.exif_gps_skew"]
