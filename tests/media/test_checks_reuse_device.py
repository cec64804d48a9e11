"""Seen before, which device, EXIF, and every check together on photos from the pipeline."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from PIL import Image

from media import (
    CheckContext,
    MetadataProblem,
    PhotoUse,
    RegisteredDevice,
    Severity,
    evaluate,
    process,
)
from media.checks import check_device, check_exif, check_reuse, check_time
from media.phash import hamming

from .conftest import TAKEN
from .photos import make_jpeg, sample
from .sites import END, START, Make, at, codes, yard

# --- seen before ---------------------------------------------------------------------------

SHA = "a" * 64


def _use(
    photo_id: str,
    sha256: str = "b" * 64,
    phash: int | None = None,
    plant: str = "P2",
    visit: str = "V9",
) -> PhotoUse:
    return PhotoUse(photo_id, sha256, phash, plant, visit)


def test_exact_reuse_at_another_plant_points_at_it() -> None:
    [reuse] = check_reuse(
        sha256=SHA, phash=0, plant_id="P1", visit_id="V1", prior_uses=[_use("ph-7", SHA)]
    )
    assert (reuse.code, reuse.severity) == ("reuse.exact", Severity.CRITICAL)
    assert reuse.data["matches"] == [{"photo_id": "ph-7", "plant_id": "P2", "visit_id": "V9"}]


def test_exact_reuse_at_the_same_plant_on_another_visit() -> None:
    prior = [_use("ph-7", SHA, plant="P1", visit="V0")]
    assert codes(
        check_reuse(sha256=SHA, phash=0, plant_id="P1", visit_id="V1", prior_uses=prior)
    ) == ["reuse.exact"]


def test_same_photo_in_the_same_visit_is_not_reuse() -> None:
    prior = [_use("ph-7", SHA, phash=0, plant="P1", visit="V1")]
    assert check_reuse(sha256=SHA, phash=0, plant_id="P1", visit_id="V1", prior_uses=prior) == []


def test_near_reuse_within_and_beyond_the_threshold() -> None:
    mine = 0xFFFF_0000_FFFF_0000
    prior = [_use("close", phash=mine ^ 0b111111), _use("far", phash=mine ^ 0xFF), _use("none")]
    [near] = check_reuse(sha256=SHA, phash=mine, plant_id="P1", visit_id="V1", prior_uses=prior)
    assert (near.code, near.severity) == ("reuse.near", Severity.WARNING)
    assert near.data["matches"] == [
        {"photo_id": "close", "plant_id": "P2", "visit_id": "V9", "distance": 6}
    ]
    assert (
        check_reuse(
            sha256=SHA, phash=mine, plant_id="P1", visit_id="V1", prior_uses=prior, max_distance=4
        )
        == []
    )


def test_a_recompressed_copy_of_a_real_photo_is_found() -> None:

    original = process(sample("gps/DSCN0021.jpg"))
    out = io.BytesIO()
    Image.open(io.BytesIO(sample("gps/DSCN0021.jpg"))).resize((320, 240)).save(
        out, "JPEG", quality=60
    )
    copy = process(out.getvalue())
    assert copy.sha256 != original.sha256 and hamming(copy.phash, original.phash) <= 6
    prior = [PhotoUse("ph-1", original.sha256, original.phash, "P-other", "V-2025")]
    [near] = check_reuse(
        sha256=copy.sha256, phash=copy.phash, plant_id="P1", visit_id="V1", prior_uses=prior
    )
    assert near.data["matches"][0]["photo_id"] == "ph-1"


def test_many_matches_are_counted_and_capped() -> None:
    prior = [_use(f"ph-{i}", SHA, visit=f"V{i}") for i in range(30)]
    [reuse] = check_reuse(sha256=SHA, phash=None, plant_id="P1", visit_id="V1", prior_uses=prior)
    assert reuse.data["match_count"] == 30 and len(reuse.data["matches"]) == 20


# --- which device --------------------------------------------------------------------------

IPAD = RegisteredDevice("tab-1", "Apple", "iPad (9th generation)")


def test_registered_device_and_matching_camera_are_silent(make_metadata: Make) -> None:
    assert check_device(make_metadata(), sender_device_id="tab-1", registered=[IPAD]) == []


def test_unregistered_sender(make_metadata: Make) -> None:
    findings = check_device(make_metadata(), sender_device_id="tab-9", registered=[IPAD])
    assert codes(findings) == ["device.unregistered"]
    assert findings[0].data == {"device_id": "tab-9", "registered_ids": ["tab-1"]}


def test_photo_from_another_camera(make_metadata: Make) -> None:
    meta = make_metadata(make="HUAWEI", model="ELS-AN00")
    [mismatch] = check_device(meta, sender_device_id="tab-1", registered=[IPAD])
    assert (mismatch.code, mismatch.data["camera"]) == ("device.mismatch", "HUAWEI ELS-AN00")
    assert mismatch.data["expected"] == [
        {"device_id": "tab-1", "make": "Apple", "model": "iPad (9th generation)"}
    ]


def test_model_with_make_prefix_and_case_is_the_same_camera(make_metadata: Make) -> None:
    canon = RegisteredDevice("cam-1", "CANON", "eos 40d")
    meta = make_metadata(make="Canon", model="Canon  EOS 40D")
    assert check_device(meta, sender_device_id="cam-1", registered=[canon]) == []


def test_serial_number_mismatch(make_metadata: Make) -> None:
    device = RegisteredDevice("cam-1", "Canon", "Canon EOS 40D", "0820500998")
    meta = make_metadata(make="Canon", model="Canon EOS 40D", serial_number="1234567890")
    assert codes(check_device(meta, sender_device_id="cam-1", registered=[device])) == [
        "device.mismatch"
    ]


def test_camera_not_named(make_metadata: Make) -> None:
    meta = make_metadata(make=None, model=None)
    assert codes(check_device(meta, sender_device_id="tab-1", registered=[IPAD])) == [
        "device.unidentified"
    ]


# --- EXIF ----------------------------------------------------------------------------------


def test_exif_findings(make_metadata: Make) -> None:
    assert check_exif(make_metadata()) == []
    assert codes(check_exif(make_metadata(has_exif=False))) == ["exif.missing"]
    damaged = make_metadata(
        problems=(MetadataProblem("altitude_m", "unreadable", "zero denominator"),)
    )
    [finding] = check_exif(damaged)
    assert finding.code == "exif.damaged" and finding.data["fields"] == "altitude_m"


# --- all together, on a photo that went through the pipeline -------------------------------


def test_evaluate_a_clean_photo_and_a_bad_one() -> None:
    lon, lat = at(100, 50)
    good = process(make_jpeg(lon=lon, lat=lat, accuracy=5.0, gps_time=TAKEN.replace(second=20)))
    context = CheckContext(
        plant_id="P1",
        visit_id="V1",
        visit_start=START,
        visit_end=END,
        boundary=yard("GCJ02"),
        assignment_created_at=TAKEN - timedelta(days=2),
        recorded_at=TAKEN + timedelta(minutes=1),
        sender_device_id="tab-1",
        registered_devices=[IPAD],
    )
    assert evaluate(good.metadata, sha256=good.sha256, phash=good.phash, context=context) == []

    elsewhere = at(100, 400)
    bad = process(
        make_jpeg(
            lon=elsewhere[0],
            lat=elsewhere[1],
            taken="2026:04:20 09:00:00",
            make="HUAWEI",
            model="P40",
        ),
        device_tz="Asia/Shanghai",
    )
    reused = CheckContext(
        plant_id="P1",
        visit_id="V1",
        visit_start=START,
        visit_end=END,
        boundary=yard("BD09"),
        assignment_created_at=TAKEN - timedelta(days=2),
        recorded_at=TAKEN,
        sender_device_id="tab-1",
        registered_devices=[IPAD],
        prior_uses=[PhotoUse("ph-3", bad.sha256, bad.phash, "P8", "V8")],
    )
    found = codes(evaluate(bad.metadata, sha256=bad.sha256, phash=bad.phash, context=reused))
    assert found == [
        "geo.outside_boundary",
        "time.outside_visit",
        "time.before_assignment",
        "clock.exif_recorded_skew",
        "reuse.exact",
        "device.mismatch",
    ]


def test_findings_are_json_ready(make_metadata: Make) -> None:

    meta = make_metadata(taken_at_utc=datetime(2026, 1, 1, tzinfo=UTC))
    findings = check_time(meta, visit_start=START, visit_end=END)
    assert (
        json.loads(json.dumps([f.to_dict() for f in findings]))[0]["code"] == "time.outside_visit"
    )
