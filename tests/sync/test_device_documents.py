"""What the server does with device documents when things change under them (issue 13, findings
7, 8 and 10): offline work after an assignment changed, a draft and a submission in conflict,
documents the contract refuses, and server documents a tablet deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from media import FilesystemBlobStore
from server.accounts.actor import Actor
from server.accounts.models import Role
from server.assignments.models import Assignment, AssignmentStatus
from server.assignments.service import update_assignment
from server.db import make_sessionmaker
from server.inspections.models import Inspection, InspectionStatus
from sync.couch import CouchClient
from sync.worker import Worker
from tests.sync.world import build_world

pytestmark = pytest.mark.couch
SYSTEM = Actor(user_id=0, username="test", role=Role.admin, county=None)


@pytest.fixture
def worker(live):
    couch = CouchClient(live.couch_url)
    worker = Worker(make_sessionmaker(live.engine), couch, FilesystemBlobStore(live.tmp / "media"))
    yield worker
    worker.close()
    couch.close()


def change_assignment(live, assignment_id: int, **changes) -> None:
    with live.session() as session:
        assignment = session.get(Assignment, assignment_id)
        update_assignment(session, actor=SYSTEM, assignment=assignment, changes=changes)
        session.commit()


def row(live, doc_id: str) -> Inspection:
    with live.session() as session:
        found = session.scalar(select(Inspection).where(Inspection.doc_id == doc_id))
        session.expunge_all()
        return found


def feedback(live, user, doc_id: str) -> dict:
    [_, got] = live.tablet(user, [{"op": "pull"}, {"op": "get", "id": f"feedback:{doc_id}"}])
    return got["doc"]


# --- 13 §7: offline work after an assignment changes ----------------------------------------


def test_work_done_while_assigned_is_kept_after_the_inspector_is_taken_off(live, worker):
    lead, second, third = live.inspector(), live.inspector(), live.inspector()
    world = build_world(live, [lead, second, third])
    done = world.document(third)  # done on site in July, offline
    later = world.document(third)
    change_assignment(live, world.assignment_id, members=[lead.id, second.id])
    later["submitted_at"] = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    live.tablet(third, [{"op": "put", "docs": [done, later]}, {"op": "push"}])
    worker.run_once()
    kept = row(live, done["_id"])
    assert (kept.status, kept.assignment_id) == (InspectionStatus.accepted, world.assignment_id)
    assert feedback(live, third, done["_id"])["status"] == "accepted"
    # dated after the inspector left: kept and attributed, does not count, nothing to resend
    after = row(live, later["_id"])
    assert (after.status, after.assignment_id) == (InspectionStatus.rejected, world.assignment_id)
    answer = feedback(live, third, later["_id"])
    assert answer["status"] == "kept"
    [problem] = answer["problems"]
    assert problem["code"] == "assignment.left" and "need not resend" in problem["message_en"]


def test_work_on_a_cancelled_assignment_is_kept_and_the_tablet_told(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    done = world.document(lead)
    change_assignment(live, world.assignment_id, status=AssignmentStatus.cancelled)
    live.tablet(lead, [{"op": "put", "docs": [done]}, {"op": "push"}])
    worker.run_once()
    kept = row(live, done["_id"])
    assert (kept.status, kept.assignment_id) == (InspectionStatus.accepted, world.assignment_id)
    answer = feedback(live, lead, done["_id"])
    assert answer["status"] == "kept"  # not "accepted": it does not count toward the grade
    assert [p["code"] for p in answer["problems"]] == ["assignment.cancelled"]


# --- 13 §8: a draft and a submission in conflict ----------------------------------------------


def test_a_submission_does_not_lose_to_a_longer_draft_history(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    document = {**world.document(lead), "status": "draft", "submitted_at": None}
    live.tablet(lead, [{"op": "put", "docs": [document]}, {"op": "push"}], name="A")
    live.tablet(lead, [{"op": "pull"}], name="B")
    [_, draft] = live.tablet(
        lead,
        [
            {"op": "update", "id": document["_id"], "fields": {"note": "a"}},
            {"op": "update", "id": document["_id"], "fields": {"note": "aa"}},
        ],
        name="A",
    )
    [submitted] = live.tablet(
        lead,
        [
            {
                "op": "update",
                "id": document["_id"],
                "fields": {"status": "submitted", "submitted_at": "2026-07-16T11:40:00+08:00"},
            }
        ],
        name="B",
    )
    live.tablet(lead, [{"op": "push"}], name="A")
    live.tablet(lead, [{"op": "push"}], name="B")
    worker.run_once()
    found = row(live, document["_id"])
    assert found.status is InspectionStatus.accepted and found.has_conflict is True
    assert found.current_rev == submitted["rev"]
    # each tablet finds its own revision in the feedback
    [_, got] = live.tablet(
        lead, [{"op": "pull"}, {"op": "get", "id": f"feedback:{document['_id']}"}], name="B"
    )
    answers = {r["rev"]: r["status"] for r in got["doc"]["revisions"]}
    assert answers == {submitted["rev"]: "accepted", draft["rev"]: "received"}
    assert got["doc"]["about"]["rev"] == submitted["rev"]
    # tablet A resolves the conflict by deleting its draft: the flag clears
    live.tablet(
        lead,
        [
            {"op": "pull"},
            {"op": "remove", "id": document["_id"], "rev": draft["rev"]},
            {"op": "push"},
        ],
        name="A",
    )
    worker.run_once()
    resolved = row(live, document["_id"])
    assert resolved.has_conflict is False and resolved.status is InspectionStatus.accepted


# --- 13 §10: what the contract refuses, and server documents deleted on a tablet -------------


def test_unknown_status_and_submission_without_time_are_refused(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    odd = {**world.document(lead), "status": "finished"}
    untimed = world.document(lead)
    del untimed["submitted_at"]
    live.tablet(lead, [{"op": "put", "docs": [odd, untimed]}, {"op": "push"}])
    worker.run_once()
    for doc, code in ((odd, "status.unknown"), (untimed, "submitted_at.missing")):
        assert row(live, doc["_id"]).status is InspectionStatus.rejected
        answer = feedback(live, lead, doc["_id"])
        assert answer["status"] == "rejected"
        assert [p["code"] for p in answer["problems"]] == [code]


def test_server_documents_deleted_on_a_tablet_come_back(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    worker.run_once()
    ids = [f"assignment:{world.assignment_id}", "form:common:1"]
    live.tablet(lead, [{"op": "pull"}])
    steps = [{"op": "update", "id": i, "fields": {"_deleted": True}} for i in ids]
    live.tablet(lead, [*steps, {"op": "push"}, {"op": "pull"}])
    worker.run_once()
    got = live.tablet(lead, [{"op": "pull"}, *({"op": "get", "id": i} for i in ids)])
    for answer in got[1:]:
        assert "doc" in answer, answer
    assert got[1]["doc"]["assignment"]["id"] == world.assignment_id
