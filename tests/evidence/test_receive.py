"""The shared pipeline (``receive_photo``) at the SQL level: what a reviewer would check in the rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest
from sqlalchemy import select

from media.geo import distance_m
from server.evidence.access import reevaluate
from server.evidence.models import PhotoCustody
from server.evidence.service import receive_photo
from server.registry.service import update_site
from tests.media.photos import encode, sample, textured

from .conftest import TABLET_TIME, at, photo_bytes

pytestmark = pytest.mark.sql


def receive(session, store, visit, data, **fields):
    arguments = {
        "inspector_id": visit.lead.id,
        "data": data,
        "door": "sync",
        "doc_id": f"photo:{uuid.uuid4()}",
        "assignment_id": visit.assignment.id,
        "inspection_doc_id": "inspection:visit-1",
        "item": "lines.L01.dcs_photo",
        "device_id": "tablet-A",
        "tablet_taken_at": dt.datetime.fromisoformat(TABLET_TIME),
        "store": store,
        "rev": "1-abc",
    }
    arguments.update(fields)
    return receive_photo(session, **arguments)


def codes(photo):
    return [f.code for f in photo.findings]


def originals(store):
    return sorted(p.name for p in (store.root / "originals").rglob("*") if p.is_file())


def test_a_good_photo_is_stored_byte_exact_read_and_clean(session, store, make_visit):
    visit = make_visit()
    data = photo_bytes()
    photo, outcome = receive(session, store, visit, data)
    session.flush()
    assert outcome.accepted and outcome.created and outcome.findings == ()
    assert photo.status == "accepted" and photo.findings == []
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert store.read(photo.sha256) == data
    assert (photo.mime, photo.size, photo.width, photo.height) == (
        "image/jpeg",
        len(data),
        480,
        360,
    )
    assert (photo.make, photo.model) == ("Apple", "iPad (9th generation)")
    assert photo.exif_taken_at == dt.datetime(2026, 9, 2, 2, 0, tzinfo=dt.UTC)
    assert (photo.longitude, photo.latitude) == pytest.approx(at(100, 50), abs=1e-6)
    assert photo.gps_accuracy_m == 5.0
    assert photo.phash is not None and photo.phash_band0 is not None
    assert photo.meta["taken_at_utc"] == "2026-09-02T02:00:00Z"
    [custody] = session.scalars(select(PhotoCustody).where(PhotoCustody.photo_id == photo.id))
    assert (custody.event, custody.door, custody.actor_id, custody.device_id) == (
        "received",
        "sync",
        visit.lead.id,
        "tablet-A",
    )
    assert custody.sha256 == photo.sha256


def test_a_real_camera_photo_keeps_its_exif_in_the_row(session, store, make_visit):
    data = sample("gps/DSCN0010.jpg")
    photo, _ = receive(session, store, make_visit(), data)
    assert store.read(photo.sha256) == data
    assert (photo.make, photo.model) == ("NIKON", "COOLPIX P6000")
    assert photo.latitude == pytest.approx(43.4674483333333, abs=1e-9)
    # Taken in Italy in 2008 on a camera nobody registered: the checks say all of it.
    assert set(codes(photo)) >= {
        "geo.outside_boundary",
        "time.outside_visit",
        "time.before_assignment",
        "clock.exif_gps_skew",
        "device.mismatch",
    }


def test_same_bytes_twice_are_one_blob_and_two_uses(session, store, make_visit):
    visit = make_visit()
    data = photo_bytes()
    first, _ = receive(session, store, visit, data)
    second, _ = receive(session, store, visit, data)
    session.flush()
    assert first.id != second.id and first.sha256 == second.sha256
    assert originals(store) == [first.sha256]
    assert "reuse.exact" not in codes(second)  # the same visit: sent twice, not reused


def test_corrupt_photo_is_rejected_with_its_reason_and_nothing_else_is_lost(
    session, store, make_visit
):
    visit = make_visit()
    broken = sample("corrupted.jpg")
    bad, outcome = receive(session, store, visit, broken)
    good, _ = receive(session, store, visit, photo_bytes())
    session.flush()
    assert not outcome.accepted
    assert outcome.rejection["code"] == bad.rejection_code == "photo.corrupt"
    assert "FF 9F" in bad.rejection["data"]["detail"]
    assert bad.rejection["message_zh"].startswith("照片文件已损坏")
    assert (bad.status, bad.sha256) == ("rejected", hashlib.sha256(broken).hexdigest())
    assert bad.meta is None and bad.findings == []
    assert originals(store) == [good.sha256]  # the refused bytes are not kept as evidence
    [custody] = bad.custody
    assert (custody.event, custody.detail["code"]) == ("refused", "photo.corrupt")
    assert good.status == "accepted"


def test_content_decides_not_the_name(session, store, make_visit):
    png = encode_png()
    photo, _ = receive(session, store, make_visit(), png, claimed_name="IMG_0001.JPG")
    assert (photo.status, photo.rejection_code) == ("rejected", "photo.unsupported_type")
    assert photo.rejection["data"] == {"detected": "png"}


def encode_png() -> bytes:
    import io

    out = io.BytesIO()
    textured(1, 64, 48).save(out, "PNG")
    return out.getvalue()


def test_photo_whose_exif_breaks_parsers_is_kept_with_findings(session, store, make_visit):
    # The "invalid" sample is a valid JPEG whose metadata is XMP only: kept, and flagged.
    photo, outcome = receive(session, store, make_visit(), sample("invalid/image01088.jpg"))
    assert outcome.accepted
    assert codes(photo)[:2] == ["exif.missing", "gps.missing"]


def test_outside_the_gcj02_boundary_says_how_far(session, store, make_visit):
    visit = make_visit()
    photo, _ = receive(session, store, visit, photo_bytes(east_m=500, north_m=50))
    [outside] = [f for f in photo.findings if f.code == "geo.outside_boundary"]
    assert outside.severity == "critical"
    # to the east fence, 300 m west (at(), a flat approximation, is a few metres off that)
    assert outside.data["distance_m"] == pytest.approx(
        distance_m(*at(500, 50), *at(200, 50)), abs=0.5
    )
    assert outside.data["boundary_datum"] == "GCJ02"
    # Inside, 20 m from the east fence: the datum shift (hundreds of metres) was undone.
    inside, _ = receive(session, store, visit, photo_bytes(east_m=180, north_m=50))
    assert not [c for c in codes(inside) if c.startswith("geo.")]


def test_outside_the_visit_window(session, store, make_visit):
    photo, _ = receive(session, store, make_visit(), photo_bytes(taken="2026:09:06 10:00:00"))
    [late] = [f for f in photo.findings if f.code == "time.outside_visit"]
    assert late.data["window_end"] == "2026-09-05T00:00:00Z"
    assert late.data["seconds_outside"] == pytest.approx(26 * 3600)


def test_no_gps_is_a_finding(session, store, make_visit):
    photo, outcome = receive(session, store, make_visit(), photo_bytes(lon=None, lat=None))
    assert outcome.accepted and codes(photo) == ["gps.missing"]


def test_unregistered_device(session, store, make_visit):
    photo, _ = receive(session, store, make_visit(), photo_bytes(), device_id="tablet-Z")
    [unregistered] = photo.findings
    assert unregistered.code == "device.unregistered"
    assert unregistered.data == {"device_id": "tablet-Z", "registered_ids": ["tablet-A"]}


def test_exact_reuse_at_another_plant_points_to_the_first_use(session, store, make_visit):
    first_visit, second_visit = make_visit(), make_visit()
    data = photo_bytes()
    first, _ = receive(session, store, first_visit, data)
    second, _ = receive(session, store, second_visit, data, inspector_id=second_visit.lead.id)
    [reuse] = [f for f in second.findings if f.code == "reuse.exact"]
    assert reuse.severity == "critical"
    assert reuse.data["matches"] == [
        {
            "photo_id": first.id,
            "plant_id": first_visit.site.id,
            "visit_id": first_visit.assignment.id,
        }
    ]
    assert originals(store) == [first.sha256]


def test_near_duplicate_at_another_plant(session, store, make_visit):
    image = textured(7, 480, 360)
    first_visit, second_visit = make_visit(), make_visit()
    first, _ = receive(session, store, first_visit, encode(image, quality=90))
    second, _ = receive(
        session,
        store,
        second_visit,
        encode(image, quality=60),  # re-saved: other bytes, the same picture
        inspector_id=second_visit.lead.id,
    )
    [near] = [f for f in second.findings if f.code == "reuse.near"]
    assert near.data["matches"][0]["photo_id"] == first.id
    assert near.data["matches"][0]["distance"] <= 6


def test_reevaluation_follows_a_corrected_boundary(session, store, make_visit, admin_actor):
    visit = make_visit()
    photo, _ = receive(session, store, visit, photo_bytes(east_m=500))
    assert "geo.outside_boundary" in codes(photo)
    moved = [[[list(at(e, n)) for e, n in ((0, 0), (800, 0), (800, 100), (0, 100), (0, 0))]]]
    update_site(
        session, actor=admin_actor, site=visit.site, changes={"datum": "WGS84", "boundary": moved}
    )
    [again] = reevaluate(session, actor=admin_actor, assignment_id=visit.assignment.id)
    assert again.id == photo.id and "geo.outside_boundary" not in codes(again)
    event = session.scalar(
        select(PhotoCustody).where(
            PhotoCustody.photo_id == photo.id, PhotoCustody.event == "reevaluated"
        )
    )
    assert "geo.outside_boundary" in event.detail["before"]
    assert "geo.outside_boundary" not in event.detail["after"]


def test_custody_is_append_only(session, store, make_visit):
    photo, _ = receive(session, store, make_visit(), photo_bytes())
    session.flush()
    [custody] = photo.custody
    custody.event = "viewed_original"
    with pytest.raises(RuntimeError, match="append-only"):
        session.flush()
