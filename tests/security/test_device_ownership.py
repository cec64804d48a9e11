# ruff: noqa: F811  (``live``, the live-stack fixture of tests/sync, is imported as a fixture)
"""Nobody alters another inspector's evidence through sync, and accepted evidence never changes
(issue 12, finding 1).

The real stack: PouchDB tablets in Node, the gateway, PouchDB Server and the real worker. A
device document belongs to the inspector database it first arrived from; revisions and
tombstones of its id from another database are answered ``document.not_yours`` and change
nothing of the owner's (rows, status, sha256, custody, audit).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from media import FilesystemBlobStore
from server.audit.models import AuditEvent
from server.db import make_sessionmaker
from server.evidence.models import Photo, PhotoCustody
from server.inspections.models import Inspection
from sync.couch import CouchClient
from sync.worker import Worker
from tests.factories import PASSWORD
from tests.media.photos import make_jpeg, textured
from tests.sync.conftest import Live, live  # noqa: F401  (the live-stack fixture)
from tests.sync.docs import photo
from tests.sync.world import World, build_world

pytestmark = pytest.mark.couch

FIRST = make_jpeg(textured(31, 320, 240), taken="2026:07:16 10:12:00", offset="+08:00")
OTHER = make_jpeg(textured(32, 320, 240), taken="2026:07:16 10:13:00", offset="+08:00")


@pytest.fixture
def worker(live):
    couch = CouchClient(live.couch_url)
    worker = Worker(make_sessionmaker(live.engine), couch, FilesystemBlobStore(live.tmp / "media"))
    yield worker
    worker.close()
    couch.close()


def snapshot(live: Live, doc_ids: list[str]) -> dict[str, Any]:
    """Everything of the owner's that an attack could change."""
    with live.session() as session:
        inspections = session.scalars(select(Inspection).where(Inspection.doc_id.in_(doc_ids)))
        photos = session.scalars(select(Photo).where(Photo.doc_id.in_(doc_ids)))
        state: dict[str, Any] = {
            i.doc_id: (i.inspector_id, i.status, i.current_rev, i.answers, i.version)
            for i in inspections
        }
        for p in photos:
            custody = session.scalar(
                select(func.count(PhotoCustody.id)).where(PhotoCustody.photo_id == p.id)
            )
            state[p.doc_id] = (p.inspector_id, p.status, p.current_rev, p.sha256, p.item, custody)
        ids = {
            i.id for i in session.scalars(select(Inspection).where(Inspection.doc_id.in_(doc_ids)))
        }
        pids = {p.id for p in session.scalars(select(Photo).where(Photo.doc_id.in_(doc_ids)))}
        state["audit"] = session.scalar(
            select(func.count(AuditEvent.id)).where(
                ((AuditEvent.subject_type == "inspection") & AuditEvent.subject_id.in_(ids))
                | ((AuditEvent.subject_type == "photo") & AuditEvent.subject_id.in_(pids))
            )
        )
        return state


def owner_with_evidence(live: Live, worker: Worker) -> tuple[Any, World, list[dict[str, Any]]]:
    """Inspector A with two accepted inspections and two accepted photos."""
    a, a2 = live.inspector(), live.inspector()
    world = build_world(live, [a, a2])
    first, second = world.document(a), world.document(a)
    photos = [
        photo(a.id, first["_id"], data, assignment_id=world.assignment_id)
        for data in (FIRST, OTHER)
    ]
    live.tablet(a, [{"op": "put", "docs": [first, second, *photos]}, {"op": "push"}])
    worker.run_once()
    with live.session() as session:
        ids = [p["_id"] for p in photos]
        rows = session.scalars(select(Photo).where(Photo.doc_id.in_(ids))).all()
        assert {p.status for p in rows} == {"accepted"}
    return a, world, [first, second, *photos]


def bulk_docs(live: Live, user, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answer = requests.post(
        f"{live.db_url(user)}/_bulk_docs",
        json={"docs": docs},
        auth=(user.username, PASSWORD),
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def feedback(live: Live, user, doc_id: str) -> dict[str, Any]:
    with CouchClient(live.couch_url) as couch:
        doc = couch.get_doc(f"inspector-{user.id}", f"feedback:{doc_id}")
    assert doc is not None, f"no feedback for {doc_id}"
    return doc


def test_another_inspectors_ids_and_tombstones_change_nothing(live, worker):
    a, _, [first, second, kept_photo, withdrawn_photo] = owner_with_evidence(live, worker)
    ids = [first["_id"], second["_id"], kept_photo["_id"], withdrawn_photo["_id"]]
    before = snapshot(live, ids)
    b, b2 = live.inspector(), live.inspector()
    theirs = build_world(live, [b, b2])  # B's own assignment: the documents are otherwise valid
    forged = theirs.document(b, _id=first["_id"], device_id="tablet-B")
    forged["answers"]["plant_representative"] = "改写"
    forged_photo = photo(b.id, first["_id"], OTHER, assignment_id=theirs.assignment_id)
    forged_photo["_id"] = kept_photo["_id"]
    answers = bulk_docs(
        live,
        b,
        [
            forged,
            forged_photo,
            {"_id": second["_id"], "_deleted": True},
            {"_id": withdrawn_photo["_id"], "_deleted": True},
        ],
    )
    assert all(answer.get("ok") for answer in answers), answers  # stored in B's own database
    worker.run_once()
    assert snapshot(live, ids) == before
    for doc_id in ids:
        answer = feedback(live, b, doc_id)
        assert answer["status"] == "rejected", (doc_id, answer)
        [problem] = answer["problems"]
        assert problem["code"] == "document.not_yours"
        assert problem["message_zh"].endswith("。") and problem["message_en"].endswith(".")
    # A still owns and can still work on them; B's refusals were never written to A
    with CouchClient(live.couch_url) as couch:
        assert couch.get_doc(f"inspector-{a.id}", f"feedback:{first['_id']}")["status"] == (
            "accepted"
        )


def test_a_changed_photo_of_accepted_evidence_is_refused_the_original_kept(live, worker):
    a, _, [_, _, taken, _] = owner_with_evidence(live, worker)
    before = snapshot(live, [taken["_id"]])[taken["_id"]]
    changed = {
        "_attachments": {
            "original.jpg": {"content_type": "image/jpeg", "data": base64.b64encode(OTHER).decode()}
        }
    }
    live.tablet(a, [{"op": "update", "id": taken["_id"], "fields": changed}, {"op": "push"}])
    worker.run_once()
    with live.session() as session:
        row = session.scalar(select(Photo).where(Photo.doc_id == taken["_id"]))
        assert (row.status, row.sha256) == ("accepted", hashlib.sha256(FIRST).hexdigest())
        assert row.current_rev == before[2]
        assert [c.event for c in row.custody] == ["received"]
    answer = feedback(live, a, taken["_id"])
    assert answer["status"] == "rejected" and answer["about"]["rev"].startswith("2-")
    assert [p["code"] for p in answer["problems"]] == ["photo.immutable"]
    store = FilesystemBlobStore(live.tmp / "media")
    assert store.read(hashlib.sha256(FIRST).hexdigest()) == FIRST


def test_same_bytes_again_is_the_same_evidence_other_statements_are_refused(live, worker):
    a, _, [_, _, taken, _] = owner_with_evidence(live, worker)
    # the app saves the document again, unchanged: the same evidence, answered as before
    live.tablet(a, [{"op": "update", "id": taken["_id"], "fields": {}}, {"op": "push"}])
    worker.run_once()
    assert feedback(live, a, taken["_id"])["status"] == "accepted"
    # what the photo is evidence of cannot be changed afterwards
    live.tablet(
        a, [{"op": "update", "id": taken["_id"], "fields": {"item": "other"}}, {"op": "push"}]
    )
    worker.run_once()
    answer = feedback(live, a, taken["_id"])
    assert answer["status"] == "rejected"
    assert [p["code"] for p in answer["problems"]] == ["photo.immutable"]
    assert "item" in answer["problems"][0]["message_en"]
    with live.session() as session:
        row = session.scalar(select(Photo).where(Photo.doc_id == taken["_id"]))
        assert (row.status, row.item) == ("accepted", "fugitive_photos")
