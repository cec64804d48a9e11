"""The geofence with a device-reported position: which source, its accuracy, disagreements."""

from __future__ import annotations

import datetime as dt

from media.checks import DevicePosition, SiteBoundary, check_location
from media.metadata import PhotoMetadata

# A square of about 200 m around (113.6253, 34.7466), WGS-84.
SQUARE = [[[[113.6242, 34.7457], [113.6264, 34.7457], [113.6264, 34.7475], [113.6242, 34.7475],
            [113.6242, 34.7457]]]]  # fmt: skip
BOUNDARY = SiteBoundary(SQUARE, "WGS84")
AT = dt.datetime(2026, 5, 12, 2, 31, tzinfo=dt.UTC)


def _meta(
    lat: float | None = None, lon: float | None = None, acc: float | None = None
) -> PhotoMetadata:
    return PhotoMetadata(4000, 3000, latitude=lat, longitude=lon, horizontal_accuracy_m=acc)


def _codes(findings: list) -> list[str]:
    return [f.code for f in findings]


def test_no_position_at_all_is_gps_missing() -> None:
    assert _codes(check_location(_meta(), BOUNDARY)) == ["gps.missing"]


def test_device_position_inside_says_it_is_device_reported_and_weaker() -> None:
    found = check_location(
        _meta(), BOUNDARY, device_position=DevicePosition(34.7466, 113.6253, 12, AT)
    )
    assert _codes(found) == ["position.device_reported"]
    assert "weaker evidence" in found[0].message_en and "证明力弱于" in found[0].message_zh
    assert (
        found[0].data["accuracy_m"] == 12 and found[0].data["position_at"] == "2026-05-12T02:31:00Z"
    )


def test_device_position_outside_uses_its_accuracy_and_says_so() -> None:
    # about 1.1 km north of the square
    far = DevicePosition(34.7575, 113.6253, 30, AT)
    found = check_location(_meta(), BOUNDARY, device_position=far)
    assert _codes(found) == ["position.device_reported", "geo.outside_boundary"]
    outside = found[1]
    assert (
        outside.data["position_source"] == "device" and outside.data["accuracy_source"] == "device"
    )
    assert "tablet-reported" in outside.message_en and "平板报告" in outside.message_zh
    # the same spot with an accuracy wider than the distance is only uncertain
    vague = DevicePosition(34.7575, 113.6253, 2000, AT)
    codes = _codes(check_location(_meta(), BOUNDARY, device_position=vague))
    assert codes == [
        "position.device_reported",
        "position.device_poor_accuracy",
        "geo.boundary_uncertain",
    ]


def test_exif_gps_wins_and_a_disagreement_says_by_how_much() -> None:
    far = DevicePosition(34.7575, 113.6253, 10, AT)
    found = check_location(_meta(34.7466, 113.6253, 5), BOUNDARY, device_position=far)
    assert _codes(found) == ["position.sources_disagree"]
    apart = found[0].data["distance_m"]
    assert 1150 < apart < 1250
    assert f"{apart:.0f} m apart" in found[0].message_en


def test_exif_gps_and_device_position_that_agree_say_nothing() -> None:
    near = DevicePosition(34.7467, 113.6253, 15, AT)  # about 11 m away, within 5 + 15 m
    assert check_location(_meta(34.7466, 113.6253, 5), BOUNDARY, device_position=near) == []


def test_exif_gps_outside_keeps_its_gps_wording() -> None:
    found = check_location(_meta(34.7575, 113.6253, 5), BOUNDARY)
    assert found[0].code == "geo.outside_boundary" and found[0].data["position_source"] == "exif"
    assert "GPS accuracy" in found[0].message_en


def test_round_trip_of_the_stored_form() -> None:
    position = DevicePosition(34.7466, 113.6253, 12.5, AT)
    assert DevicePosition.from_dict(position.to_dict()) == position
    assert DevicePosition.from_dict(None) is None
