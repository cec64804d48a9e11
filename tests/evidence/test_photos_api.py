"""The REST door and reading photos: uploads, pictures, originals, scope, custody."""

from __future__ import annotations

import hashlib
import io
import threading

import pytest
from PIL import Image
from sqlalchemy import func, select

from media import BoundedPool
from server.accounts.models import Role
from server.api.photos.routes import UPLOAD_MAX_BYTES
from server.audit.models import AuditEvent
from server.evidence import service
from server.evidence.models import Photo, PhotoCustody
from tests.factories import OTHER_COUNTY
from tests.media.photos import sample
from tests.media.test_damaged_photos import tiled_heic

from .conftest import photo_bytes

CACHE = "no-store"  # evidence stays out of browser caches (issue 12 §8)


def custody_events(session, photo_id):
    query = select(PhotoCustody.event).where(PhotoCustody.photo_id == photo_id)
    return list(session.scalars(query.order_by(PhotoCustody.id)))


def test_upload_of_a_real_photo_is_kept_byte_exact(upload, make_visit, store):
    visit = make_visit()
    data = sample("orientation/landscape_6.jpg")  # stored 450x600, EXIF orientation 6
    response = upload(visit.lead, data, visit.assignment.id, filename="whatever.bin")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "accepted" and body["door"] == "upload"
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert (body["mime"], body["width"], body["height"], body["orientation"]) == (
        "image/jpeg",
        450,
        600,
        6,
    )
    assert store.read(body["sha256"]) == data
    assert len(body["phash"]) == 16
    assert {f["code"] for f in body["findings"]} >= {"gps.missing"}


def test_derivatives_are_upright_cached_and_carry_no_metadata(
    client, upload, login, make_visit, session
):
    visit = make_visit()
    data = sample("orientation/landscape_6.jpg")
    photo_id = upload(visit.lead, data, visit.assignment.id).json["id"]
    headers = login(visit.lead)
    for kind, size in (("thumbnail", (320, 240)), ("preview", (600, 450))):
        response = client.get(f"/api/photos/{photo_id}/{kind}", headers=headers)
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert response.headers["Cache-Control"] == CACHE
        etag = response.headers["ETag"]
        assert (
            etag
            == f'"{hashlib.sha256(data).hexdigest()}.{"thumb" if kind == "thumbnail" else kind}"'
        )
        picture = Image.open(io.BytesIO(response.data))
        assert picture.size[0] > picture.size[1]  # landscape once upright
        assert max(picture.size) <= max(size)
        assert not picture.getexif() and "icc_profile" not in picture.info
        again = client.get(
            f"/api/photos/{photo_id}/{kind}", headers={**headers, "If-None-Match": etag}
        )
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == etag
    # The preview looked at is in the custody record; the 304 is not a second look.
    assert custody_events(session, photo_id) == ["received", "viewed_preview"]


def test_same_doc_id_same_bytes_answers_the_first(upload, make_visit, session, store):
    visit = make_visit()
    data = photo_bytes()
    first = upload(visit.lead, data, visit.assignment.id, doc_id="photo:fixed-1")
    again = upload(visit.lead, data, visit.assignment.id, doc_id="photo:fixed-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    other = upload(visit.lead, photo_bytes(), visit.assignment.id, doc_id="photo:fixed-1")
    assert other.status_code == 409 and other.json["code"] == "photo.id_taken"
    count = select(func.count(Photo.id)).where(Photo.doc_id == "photo:fixed-1")
    assert session.scalar(count) == 1


def test_same_bytes_under_another_doc_id_is_a_second_reference(upload, make_visit, store):
    visit, elsewhere = make_visit(), make_visit()
    data = photo_bytes()
    first = upload(visit.lead, data, visit.assignment.id).json
    resent = upload(visit.lead, data, visit.assignment.id).json
    reused = upload(elsewhere.lead, data, elsewhere.assignment.id).json
    assert len({first["id"], resent["id"], reused["id"]}) == 3
    assert first["sha256"] == resent["sha256"] == reused["sha256"]
    assert sum(1 for p in (store.root / "originals").rglob("*") if p.is_file()) == 1
    assert [f["code"] for f in resent["findings"]] == []  # the same visit: a resend
    [reuse] = [f for f in reused["findings"] if f["code"] == "reuse.exact"]
    assert reuse["data"]["matches"][0]["visit_id"] == visit.assignment.id


def test_corrupt_upload_is_kept_as_rejected_and_the_visit_goes_on(
    upload, make_visit, session, store
):
    visit = make_visit()
    refused = upload(visit.lead, sample("corrupted.jpg"), visit.assignment.id)
    assert refused.status_code == 201
    assert refused.json["status"] == "rejected"
    assert refused.json["rejection"]["code"] == "photo.corrupt"
    assert refused.json["rejection"]["message_en"].startswith("The photo file is damaged")
    not_a_photo = upload(visit.lead, b"%PDF-1.7 plan", visit.assignment.id, filename="a.jpg")
    assert not_a_photo.json["rejection"]["code"] == "photo.unsupported_type"
    good = upload(visit.lead, photo_bytes(), visit.assignment.id)
    assert good.json["status"] == "accepted"
    statuses = session.scalars(
        select(Photo.status).where(Photo.assignment_id == visit.assignment.id).order_by(Photo.id)
    )
    assert list(statuses) == ["rejected", "rejected", "accepted"]
    assert custody_events(session, refused.json["id"]) == ["refused"]


def test_oversized_upload_is_refused_unread(upload, make_visit, session):
    visit = make_visit()
    response = upload(visit.lead, b"\xff\xd8" + b"\0" * UPLOAD_MAX_BYTES, visit.assignment.id)
    assert response.status_code == 413
    assert response.json["code"] == "request.too_large"
    assert session.scalar(select(func.count(Photo.id))) == 0


def test_a_full_pool_answers_503_with_retry_after(upload, make_visit, monkeypatch, session):
    visit = make_visit()
    pool = BoundedPool(workers=1, max_pending=1)
    monkeypatch.setattr(service, "POOL", pool)
    monkeypatch.setattr("server.evidence.access.UPLOAD_WAIT_SECONDS", 0.05)
    release = threading.Event()
    busy = pool.submit(release.wait)
    try:
        response = upload(visit.lead, photo_bytes(), visit.assignment.id)
    finally:
        release.set()
        busy.result()
        pool.shutdown()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["code"] == "photo.busy"
    assert session.scalar(select(func.count(Photo.id))) == 0


def test_upload_to_someone_elses_assignment_is_not_found(upload, make_visit, make_inspector):
    visit = make_visit()
    response = upload(make_inspector(), photo_bytes(), visit.assignment.id)
    assert response.status_code == 404


def test_reviewers_may_not_upload(upload, make_visit, make_user):
    visit = make_visit()
    response = upload(make_user(Role.city_reviewer), photo_bytes(), visit.assignment.id)
    assert response.status_code == 403


def test_original_for_reviewers_only_and_every_access_recorded(
    client, upload, login, make_visit, make_user, session
):
    visit = make_visit()
    data = photo_bytes()
    photo_id = upload(visit.lead, data, visit.assignment.id).json["id"]
    url = f"/api/photos/{photo_id}/original"
    assert client.get(url, headers=login(visit.lead)).status_code == 403
    outsider = make_user(Role.county_reviewer, county=OTHER_COUNTY)
    assert client.get(url, headers=login(outsider)).status_code == 404
    city = make_user(Role.city_reviewer)
    with client.get(url, headers=login(city)) as response:  # streamed from the store
        assert response.status_code == 200 and response.data == data
        assert response.headers["Cache-Control"] == "private, no-store"
    county = make_user(Role.county_reviewer)  # the plant's county
    with client.get(f"{url}?download=true", headers=login(county)) as download:
        assert download.status_code == 200 and download.data == data
        assert download.headers["Content-Disposition"].startswith("attachment")
    entries = session.execute(
        select(PhotoCustody.event, PhotoCustody.actor_id)
        .where(PhotoCustody.photo_id == photo_id)
        .order_by(PhotoCustody.id)
    ).all()
    assert entries == [
        ("received", visit.lead.id),
        ("viewed_original", city.id),
        ("downloaded", county.id),
    ]
    audited = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "photo", AuditEvent.subject_id == photo_id)
        .order_by(AuditEvent.seq)
    )
    assert list(audited) == [
        "photo.received",
        "photo.evaluated",
        "photo.viewed_original",
        "photo.downloaded",
    ]


def test_listing_is_scoped_and_filtered_by_finding(client, upload, login, make_visit, make_user):
    visit = make_visit()
    upload(visit.lead, photo_bytes(), visit.assignment.id)
    upload(visit.lead, photo_bytes(lon=None, lat=None), visit.assignment.id)
    upload(visit.inspectors[1], photo_bytes(), visit.assignment.id)
    mine = client.get("/api/photos", headers=login(visit.lead)).json
    assert len(mine) == 2 and {p["inspector_id"] for p in mine} == {visit.lead.id}
    city = login(make_user(Role.city_reviewer))
    flagged = client.get(
        f"/api/photos?assignment_id={visit.assignment.id}&finding=gps.missing", headers=city
    )
    assert [p["findings"][0]["code"] for p in flagged.json] == ["gps.missing"]
    outsider = login(make_user(Role.county_reviewer, county=OTHER_COUNTY))
    assert client.get("/api/photos", headers=outsider).json == []
    one = flagged.json[0]["id"]
    assert client.get(f"/api/photos/{one}", headers=outsider).status_code == 404


def test_detail_points_to_the_other_uses(client, upload, login, make_visit, make_user):
    visit, elsewhere = make_visit(), make_visit()
    data = photo_bytes()
    first = upload(visit.lead, data, visit.assignment.id).json
    second = upload(elsewhere.lead, data, elsewhere.assignment.id).json
    detail = client.get(f"/api/photos/{first['id']}", headers=login(make_user(Role.admin)))
    assert detail.status_code == 200
    body = detail.json
    assert body["metadata"]["make"] == "Apple"
    assert body["other_uses"] == [
        {
            "photo_id": second["id"],
            "plant_id": elsewhere.site.id,
            "visit_id": elsewhere.assignment.id,
            "match": "exact",
            "distance": 0,
            "same_visit": False,
        }
    ]
    assert [c["event"] for c in body["custody"]] == ["received"]


def test_reevaluation_api_for_reviewers(client, upload, login, make_visit, make_user):
    visit = make_visit()
    upload(visit.lead, photo_bytes(), visit.assignment.id)
    body = {"assignment_id": visit.assignment.id}
    assert (
        client.post("/api/photos/reevaluation", json=body, headers=login(visit.lead)).status_code
        == 403
    )
    outsider = login(make_user(Role.county_reviewer, county=OTHER_COUNTY))
    assert client.post("/api/photos/reevaluation", json=body, headers=outsider).status_code == 404
    done = client.post("/api/photos/reevaluation", json=body, headers=login(make_user()))
    assert done.status_code == 200 and len(done.json["photos"]) == 1


@pytest.mark.parametrize("role", [Role.inspector, Role.city_reviewer])
def test_only_admins_register_devices(client, login, make_user, make_inspector, role):
    inspector = make_inspector()
    body = {"device_id": "tablet-B", "make": "HUAWEI", "model": "MatePad 11"}
    response = client.post(
        f"/api/users/{inspector.id}/devices", json=body, headers=login(make_user(role))
    )
    assert response.status_code == 403


def test_device_registry(client, login, make_user, make_inspector):
    inspector = make_inspector()
    admin = login(make_user(Role.admin))
    url = f"/api/users/{inspector.id}/devices"
    body = {"device_id": "tablet-B", "make": "HUAWEI", "model": "MatePad 11"}
    created = client.post(url, json=body, headers=admin)
    assert created.status_code == 201 and created.json["active"] is True
    assert client.post(url, json=body, headers=admin).status_code == 409
    retired = client.patch(f"{url}/{created.json['id']}", json={"active": False}, headers=admin)
    assert retired.status_code == 200 and retired.json["active"] is False
    own = client.get(url, headers=login(inspector))
    assert [d["device_id"] for d in own.json] == ["tablet-B"]
    reviewer = make_user(Role.city_reviewer)
    assert (
        client.post(f"/api/users/{reviewer.id}/devices", json=body, headers=admin).status_code
        == 422
    )


def test_damaged_photos_are_kept_as_rejected_with_what_is_missing(
    upload, make_visit, session, store
):
    visit = make_visit()
    whole = tiled_heic()
    cut = upload(
        visit.lead, whole[: len(whole) // 10], visit.assignment.id, filename="IMG_0042.HEIC"
    )
    assert cut.status_code == 201
    assert cut.json["status"] == "rejected"
    rejection = cut.json["rejection"]
    assert rejection["code"] == "photo.truncated"
    assert rejection["data"]["expected_bytes"] == len(whole)
    assert rejection["data"]["actual_bytes"] == len(whole) // 10
    assert f"文件只有 {len(whole) // 10} 字节" in rejection["message_zh"]
    assert rejection["message_en"].startswith("The photo file is incomplete")
    flipped = bytearray(sample("gps/DSCN0042.jpg"))
    flipped[27078] ^= 0x5A  # inside the entropy-coded data; libjpeg reports it
    corrupt = upload(visit.lead, bytes(flipped), visit.assignment.id)
    assert corrupt.json["status"] == "rejected"
    assert corrupt.json["rejection"]["code"] == "photo.corrupt"
    assert corrupt.json["rejection"]["data"]["decoder_warning"] == (
        "Corrupt JPEG data: premature end of data segment"
    )
    assert "premature end of data segment" in corrupt.json["rejection"]["message_zh"]
    rows = session.scalars(
        select(Photo).where(Photo.assignment_id == visit.assignment.id).order_by(Photo.id)
    ).all()
    assert [(p.status, p.rejection_code) for p in rows] == [
        ("rejected", "photo.truncated"),
        ("rejected", "photo.corrupt"),
    ]
    assert not (store.root / "originals").exists() or not any(
        p.is_file() for p in (store.root / "originals").rglob("*")
    )  # nothing kept as evidence
    assert custody_events(session, cut.json["id"]) == ["refused"]
