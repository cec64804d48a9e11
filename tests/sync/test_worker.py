"""The sync worker end to end: tablet → gateway → CouchDB → worker → SQL → feedback → tablet."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from media.blobstore import FilesystemBlobStore
from server.accounts.models import Role
from server.evidence.models import Photo
from server.inspections.models import Inspection, InspectionRevision, InspectionStatus
from server.syncstate.models import IngestedRevision, SyncFailure
from sync.couch import CouchClient
from sync.worker import Worker
from tests.factories import PASSWORD
from tests.sync.docs import photo
from tests.sync.test_gateway import JPEG
from tests.sync.world import build_world

pytestmark = pytest.mark.couch


@pytest.fixture
def worker(live):
    couch = CouchClient(live.couch_url)
    from server.db import make_sessionmaker

    worker = Worker(
        make_sessionmaker(live.engine),
        couch,
        FilesystemBlobStore(live.tmp / "media"),
        batch_size=50,
        max_attempts=3,
    )
    yield worker
    worker.close()
    couch.close()


def test_field_visit_round_trip(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    worker.run_once()  # pushes the assignment and its forms to both tablets
    [pulled] = live.tablet(lead, [{"op": "pull"}])
    assert pulled["ok"] is True
    [listing] = live.tablet(lead, [{"op": "all"}])
    assert f"assignment:{world.assignment_id}" in listing["ids"]
    assert "form:common:1" in listing["ids"] and "form:foundry:1" in listing["ids"]
    [got] = live.tablet(lead, [{"op": "get", "id": f"assignment:{world.assignment_id}"}])
    assignment = got["doc"]
    assert assignment["site"]["boundary"] and assignment["assignment"]["window_end"]
    # Offline: an inspection and three photos, then the network comes back.
    document = world.document(lead)
    photos = [
        photo(lead.id, document["_id"], JPEG, assignment_id=world.assignment_id) for _ in range(3)
    ]
    live.tablet(lead, [{"op": "put", "docs": [document, *photos]}, {"op": "push"}])
    report = worker.run_once()
    assert report.processed == 4 and not report.interrupted
    with live.session() as session:
        row = session.scalar(select(Inspection).where(Inspection.doc_id == document["_id"]))
        assert row.status is InspectionStatus.accepted, row.problems
        assert (row.form_id, row.form_version, row.assignment_id) == (
            "common",
            1,
            world.assignment_id,
        )
        assert len(row.form_sha256) == 64
        stored = session.scalars(select(Photo).where(Photo.inspection_doc_id == document["_id"]))
        import hashlib

        assert {p.sha256 for p in stored} == {hashlib.sha256(JPEG).hexdigest()}
    blob = FilesystemBlobStore(live.tmp / "media")
    assert blob.read(hashlib.sha256(JPEG).hexdigest()) == JPEG
    [_, feedback] = live.tablet(
        lead, [{"op": "pull"}, {"op": "get", "id": f"feedback:{document['_id']}"}]
    )
    assert feedback["doc"]["status"] == "accepted"
    assert feedback["doc"]["about"]["rev"].startswith("1-")


def test_rejected_inspection_gets_reasons_and_is_not_retried(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    bad = world.document(lead)
    bad["answers"]["lines"]["L99"] = bad["answers"]["lines"].pop("L01")
    live.tablet(lead, [{"op": "put", "docs": [bad]}, {"op": "push"}])
    worker.run_once()
    worker.run_once()  # a second pass does not touch it again
    with live.session() as session:
        row = session.scalar(select(Inspection).where(Inspection.doc_id == bad["_id"]))
        assert row.status is InspectionStatus.rejected
        codes = {(p["path"], p["code"]) for p in row.problems}
        assert ("answers.lines.L99", "repeat.unknown_key") in codes
        assert (
            session.scalar(
                select(func.count(IngestedRevision.id)).where(IngestedRevision.doc_id == bad["_id"])
            )
            == 1
        )
    [_, feedback] = live.tablet(
        lead, [{"op": "pull"}, {"op": "get", "id": f"feedback:{bad['_id']}"}]
    )
    assert feedback["doc"]["status"] == "rejected"
    assert any(p["message_zh"] and p["message_en"] for p in feedback["doc"]["problems"])


def test_inspection_for_an_assignment_not_yours(live, worker):
    lead, second, outsider = live.inspector(), live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    stray = world.document(outsider)
    live.tablet(outsider, [{"op": "put", "docs": [stray]}, {"op": "push"}])
    worker.run_once()
    with live.session() as session:
        row = session.scalar(select(Inspection).where(Inspection.doc_id == stray["_id"]))
        assert row.status is InspectionStatus.rejected
        assert row.problems[0]["code"] == "assignment.not_yours"


def test_two_tablets_one_inspector_conflict_is_kept_and_flagged(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    document = world.document(lead)
    live.tablet(lead, [{"op": "put", "docs": [document]}, {"op": "push"}], name="A")
    live.tablet(lead, [{"op": "pull"}], name="B")
    # Both tablets edit the same inspection offline, then both sync.
    live.tablet(
        lead,
        [
            {
                "op": "update",
                "id": document["_id"],
                "fields": {"device_id": "tablet-A", "note": "from A"},
            }
        ],
        name="A",
    )
    live.tablet(
        lead,
        [
            {
                "op": "update",
                "id": document["_id"],
                "fields": {"device_id": "tablet-B", "note": "from B"},
            }
        ],
        name="B",
    )
    live.tablet(lead, [{"op": "push"}], name="A")
    live.tablet(lead, [{"op": "push"}], name="B")
    worker.run_once()
    with live.session() as session:
        row = session.scalar(select(Inspection).where(Inspection.doc_id == document["_id"]))
        assert row.has_conflict is True
        revisions = session.scalars(
            select(InspectionRevision).where(InspectionRevision.inspection_id == row.id)
        ).all()
        second_revs = {r.rev: r for r in revisions if r.rev.startswith("2-")}
        assert len(second_revs) == 2
        winner = max(second_revs)  # CouchDB: same depth, the greater revision hash wins
        assert second_revs[winner].winner is True
        assert row.current_rev == winner
        loser = next(r for rev, r in second_revs.items() if rev != winner)
        assert loser.winner is False and loser.body["note"] in ("from A", "from B")


def test_a_document_that_keeps_failing_is_quarantined(live, worker, monkeypatch):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    document = world.document(lead)
    good = world.document(lead)
    live.tablet(lead, [{"op": "put", "docs": [document]}, {"op": "push"}])
    live.tablet(lead, [{"op": "put", "docs": [good]}, {"op": "push"}])
    import sync.apply as worker_module

    real = worker_module.ingest_inspection

    def broken(session, *, owner_id, doc, losers, batch):
        if doc["_id"] == document["_id"]:
            raise RuntimeError("simulated bug")
        return real(session, owner_id=owner_id, doc=doc, losers=losers, batch=batch)

    monkeypatch.setattr(worker_module, "ingest_inspection", broken)
    for _ in range(3):
        worker.run_once()
    with live.session() as session:
        failure = session.scalar(select(SyncFailure).where(SyncFailure.doc_id == document["_id"]))
        assert (failure.attempts, failure.quarantined) == (3, True)
        assert "simulated bug" in failure.last_error
        # the document after it was not held up for ever
        assert session.scalar(select(Inspection).where(Inspection.doc_id == good["_id"]))
    [_, feedback] = live.tablet(
        lead, [{"op": "pull"}, {"op": "get", "id": f"feedback:{document['_id']}"}]
    )
    assert feedback["doc"]["status"] == "quarantined"


def test_deleted_on_the_tablet_is_kept_as_withdrawn(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    document = world.document(lead)
    live.tablet(lead, [{"op": "put", "docs": [document]}, {"op": "push"}])
    worker.run_once()
    live.tablet(
        lead,
        [{"op": "update", "id": document["_id"], "fields": {"_deleted": True}}, {"op": "push"}],
    )
    worker.run_once()
    with live.session() as session:
        row = session.scalar(select(Inspection).where(Inspection.doc_id == document["_id"]))
        assert row.status is InspectionStatus.withdrawn
        assert row.answers  # nothing lost


def test_cancelled_assignment_is_withdrawn_from_tablets(live, worker):
    from server.accounts.actor import Actor
    from server.accounts.models import Role
    from server.assignments.models import Assignment, AssignmentStatus
    from server.assignments.service import update_assignment

    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    worker.run_once()
    doc_id = f"assignment:{world.assignment_id}"
    [_, before] = live.tablet(lead, [{"op": "pull"}, {"op": "get", "id": doc_id}])
    assert before["doc"]["assignment"]["status"] == "published"
    with live.session() as session:
        assignment = session.get(Assignment, world.assignment_id)
        system = Actor(user_id=0, username="test", role=Role.admin, county=None)
        update_assignment(
            session,
            actor=system,
            assignment=assignment,
            changes={"status": AssignmentStatus.cancelled},
        )
        session.commit()
    worker.run_once()
    [_, after] = live.tablet(lead, [{"op": "pull"}, {"op": "get", "id": doc_id}])
    assert after["error"] == "not_found" and after["status"] == 404


def test_reviewer_reads_the_inspection_record(live, worker):
    from server.accounts.service import create_user
    from tests.factories import _PASSWORD_HASH, CITY

    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    document = world.document(lead)
    live.tablet(lead, [{"op": "put", "docs": [document]}, {"op": "push"}])
    worker.run_once()
    with live.session() as session:
        create_user(
            session,
            actor=None,
            username="reader-city",
            display_name="R",
            password_hash=_PASSWORD_HASH,
            role=Role.city_reviewer,
            city=CITY,
        )
        session.commit()
        row_id = session.scalar(select(Inspection.id).where(Inspection.doc_id == document["_id"]))
    token = requests.post(
        f"{live.base_url}/api/auth/token",
        timeout=10,
        json={"username": "reader-city", "password": PASSWORD},
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    detail = requests.get(f"{live.base_url}/api/inspections/{row_id}", headers=headers, timeout=10)
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["status"] == "accepted" and body["answers"] == document["answers"]
    assert [r["winner"] for r in body["revisions"]] == [True]
    listed = requests.get(
        f"{live.base_url}/api/inspections?assignment_id={world.assignment_id}",
        headers=headers,
        timeout=10,
    )
    assert [row["doc_id"] for row in listed.json()] == [document["_id"]]
    # the inspector who did not take part sees nothing of it
    outsider = live.inspector()
    token = requests.post(
        f"{live.base_url}/api/auth/token",
        timeout=10,
        json={"username": outsider.username, "password": PASSWORD},
    ).json()
    hidden = requests.get(
        f"{live.base_url}/api/inspections/{row_id}",
        timeout=10,
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert hidden.status_code == 404


def test_every_revision_is_kept_whole(live, worker):
    from server.inspections.ingest import full_body

    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    document = world.document(lead)
    live.tablet(lead, [{"op": "put", "docs": [document]}, {"op": "push"}])
    worker.run_once()
    changed = dict(document["answers"], plant_representative="李强，安全员")
    live.tablet(
        lead,
        [{"op": "update", "id": document["_id"], "fields": {"answers": changed}}, {"op": "push"}],
    )
    worker.run_once()
    with live.session() as session:
        row = session.scalar(select(Inspection).where(Inspection.doc_id == document["_id"]))
        first, second_rev = sorted(row.revisions, key=lambda r: r.rev)
        assert (first.winner, second_rev.winner) == (False, True)
        # each answer set stored once: the old one in its revision, the current one on the row
        assert first.body["answers"] == document["answers"]
        assert "answers" not in second_rev.body and row.answers == changed
        assert full_body(row, second_rev)["answers"] == changed
        assert full_body(row, first)["answers"] == document["answers"]


def test_a_batch_reads_an_assignments_facts_as_the_registry_has_them(live):
    """The batch's facts (two round trips) are the members and the plant context that
    ``plant_context(site)`` gives through the ORM, in the same order; unknown ids are None."""
    from server.inspections.batch import BatchContext
    from server.inspections.forms import plant_context
    from server.registry.models import CemsPoint, ProductionLine, Site

    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    with live.session() as session:  # a line and a point added out of code order
        session.add(ProductionLine(site_id=world.site_id, code="L00", name="L00"))
        session.add(CemsPoint(site_id=world.site_id, mn="MN41100000000001", name="排口"))
        session.commit()
    with live.session() as session:
        facts = BatchContext(session, []).facts(world.assignment_id)
        assert facts is not None and facts.assignment.id == world.assignment_id
        assert facts.members == {lead.id, second.id}
        site = session.get(Site, world.site_id)
        assert facts.context == plant_context(site)
        assert facts.context.lines == ("L00", *world.context.lines)
        assert facts.context.cems_points[0] == "MN41100000000001"
        assert BatchContext(session, []).facts(world.assignment_id + 10_000) is None
