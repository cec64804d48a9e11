"""The sync door (``ingest_photo``) on the shared pipeline: each refusal answered, never lost."""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest
from sqlalchemy import select

from server.evidence.models import Photo
from server.inspections.batch import BatchContext
from server.inspections.ingest import ingest_photo
from tests.media.photos import sample

from .conftest import TABLET_TIME, photo_bytes

pytestmark = pytest.mark.sql


def document(owner_id, assignment_id, data=b"", **fields):
    doc = {
        "_id": f"photo:{uuid.uuid4()}",
        "_rev": "1-a",
        "type": "photo",
        "owner": f"user:{owner_id}",
        "device_id": "tablet-A",
        "assignment_id": assignment_id,
        "inspection_id": "inspection:visit-1",
        "item": "fugitive_photos",
        "taken_at": TABLET_TIME,
        "_attachments": {
            "original.jpg": {"content_type": "image/jpeg", "data": base64.b64encode(data).decode()}
        },
    }
    doc.update(fields)
    return doc


def ingest(session, store, owner, doc, data):
    batch = BatchContext(session, [doc["_id"]])
    feedback = ingest_photo(
        session, owner_id=owner.id, doc=doc, data=data, store=store, batch=batch
    )
    session.flush()  # as the worker does, once per batch
    return feedback, session.scalar(select(Photo).where(Photo.doc_id == doc["_id"]))


def test_accepted_photo_is_read_and_checked(session, store, make_visit):
    visit = make_visit()
    data = photo_bytes(lon=None, lat=None)
    feedback, row = ingest(
        session, store, visit.lead, document(visit.lead.id, visit.assignment.id), data
    )
    assert (feedback.status, feedback.problems) == ("accepted", [])
    assert (row.status, row.door, row.content_type) == ("accepted", "sync", "image/jpeg")
    assert [f.code for f in row.findings] == ["gps.missing"]
    assert store.read(row.sha256) == data


def test_corrupt_photo_is_answered_with_its_reason(session, store, make_visit):
    visit = make_visit()
    doc = document(visit.lead.id, visit.assignment.id)
    feedback, row = ingest(session, store, visit.lead, doc, sample("corrupted.jpg"))
    [problem] = feedback.problems
    assert (feedback.status, problem["path"], problem["code"]) == (
        "rejected",
        "_attachments",
        "photo.corrupt",
    )
    assert problem["message_zh"] and problem["message_en"]
    assert (row.status, row.rejection_code) == ("rejected", "photo.corrupt")


def test_photo_for_an_assignment_not_yours(session, store, make_visit, make_inspector):
    visit, stranger = make_visit(), make_inspector()
    doc = document(stranger.id, visit.assignment.id)
    feedback, row = ingest(session, store, stranger, doc, photo_bytes())
    assert feedback.problems[0]["code"] == "assignment.not_yours"
    assert (row.status, row.rejection_code, row.assignment_id) == (
        "rejected",
        "assignment.not_yours",
        None,
    )
    assert [c.event for c in row.custody] == ["refused"]


def test_photo_document_without_a_photo(session, store, make_visit):
    visit = make_visit()
    doc = document(visit.lead.id, visit.assignment.id, _attachments={})
    feedback, row = ingest(session, store, visit.lead, doc, None)
    assert feedback.problems[0]["code"] == "photo.missing"
    assert (row.status, row.rejection_code, row.sha256) == ("rejected", "photo.missing", None)


def test_someone_elses_document_id_is_never_touched(session, store, make_visit):
    visit = make_visit()
    doc = document(visit.lead.id, visit.assignment.id)
    _, first = ingest(session, store, visit.lead, doc, photo_bytes())
    other = visit.inspectors[1]
    feedback, row = ingest(session, store, other, {**doc, "_rev": "2-b"}, photo_bytes())
    assert feedback.problems[0]["code"] == "document.not_yours"
    assert (row.id, row.inspector_id, row.current_rev) == (first.id, visit.lead.id, "1-a")


def test_a_new_revision_with_new_bytes_of_accepted_evidence_is_refused(session, store, make_visit):
    visit = make_visit()
    doc = document(visit.lead.id, visit.assignment.id)
    original = photo_bytes(lon=None, lat=None)
    _, first = ingest(session, store, visit.lead, doc, original)
    assert [f.code for f in first.findings] == ["gps.missing"]
    feedback, row = ingest(session, store, visit.lead, {**doc, "_rev": "2-b"}, photo_bytes())
    assert feedback.status == "rejected"
    assert [p["code"] for p in feedback.problems] == ["photo.immutable"]
    assert row.id == first.id and row.current_rev == "1-a"
    assert row.sha256 == hashlib.sha256(original).hexdigest()
    assert [f.code for f in row.findings] == ["gps.missing"]
    assert [c.event for c in row.custody] == ["received"]
