"""The stored chain: built by real writes through the services, broken by raw SQL (which the
ORM would refuse), and found broken by the verifier and the CLI, which name the first break."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select, text

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.audit.chain import GENESIS_HASH, BreakKind, event_hash, export_record, verify_slice
from server.audit.models import AuditEvent
from server.audit.service import chain_head, record, record_many, verify_chain
from server.inspections.batch import BatchContext
from server.inspections.ingest import ingest_inspection
from server.inspections.models import Inspection
from server.review.decisions import confirm_decision, propose_decision


@pytest.fixture
def history(session, make_city_filing, move, make_user):
    """A filing received, moved to city review and decided with four eyes: a dozen events."""
    filing = move(make_city_filing("B"), "start_city_review")  # B, not drawn: no visit needed
    first, second = Actor.of(make_user(Role.city_reviewer)), Actor.of(make_user(Role.city_reviewer))
    decision = propose_decision(
        session,
        actor=first,
        filing_id=filing.id,
        outcome="confirm",
        grade=None,
        reason_codes=["evidence_supports_claim"],
        comment=None,
    )
    confirm_decision(session, actor=second, decision_id=decision.id)
    session.flush()
    return filing


def events(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_services_append_one_linear_chain(session, history):
    stored = events(session)
    assert len(stored) >= 10
    assert [e.seq for e in stored] == list(range(1, len(stored) + 1))
    assert stored[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(stored))
    actions = [e.action for e in stored]
    assert actions.index("decision.proposed") < actions.index("decision.confirmed")
    report = verify_chain(session)
    assert report.ok and report.count == len(stored)
    assert (
        chain_head(session)
        == (stored[-1].seq, stored[-1].hash)
        == (report.head_seq, report.head_hash)
    )


def test_events_of_one_flush_keep_the_order_they_were_recorded_in(session):
    for n in range(3):
        record(session, actor_id=None, action=f"test.{n}", subject_type="test", subject_id=n)
    record_many(
        session,
        [{"action": "test.bulk", "subject_type": "test", "subject_id": n} for n in (3, 4)],
    )
    session.flush()
    assert [(e.action, e.subject_id) for e in events(session)] == [
        ("test.0", 0), ("test.1", 1), ("test.2", 2), ("test.bulk", 3), ("test.bulk", 4),
    ]  # fmt: skip
    assert verify_chain(session).ok


def test_data_is_stored_as_it_was_hashed(session):
    record(
        session,
        actor_id=None,
        action="test.data",
        subject_type="test",
        subject_id=1,
        data={"pair": (1, 2), "on": dt.date(2026, 9, 2), 7: "seven", "名称": "驻马店"},
    )
    session.flush()
    session.expire_all()
    [event] = events(session)
    assert event.data == {"pair": [1, 2], "on": "2026-09-02", "7": "seven", "名称": "驻马店"}
    assert verify_chain(session).ok


@pytest.mark.parametrize("bulk", [True, False])
def test_ingested_inspections_are_chained(session, make_inspector, bulk):
    inspector = make_inspector()
    doc = {"_id": "inspection:chain-1", "_rev": "1-a", "status": "submitted"}  # no assignment
    batch = BatchContext(session, [doc["_id"]], bulk=bulk)
    feedback = ingest_inspection(session, owner_id=inspector.id, doc=doc, losers=[], batch=batch)
    batch.write_new_inspections()
    session.flush()
    assert feedback.status == "rejected"
    inspection = session.scalars(select(Inspection).where(Inspection.doc_id == doc["_id"])).one()
    event = events(session)[-1]
    assert (event.action, event.subject_type, event.subject_id, event.actor_id) == (
        "inspection.ingested",
        "inspection",
        inspection.id,
        inspector.id,
    )
    assert event.data["problems"] == ["assignment.missing"] and event.data["rev"] == "1-a"
    assert verify_chain(session).ok


def test_the_orm_refuses_to_change_or_delete_an_event(session, history):
    event = events(session)[3]
    with pytest.raises(RuntimeError, match="append-only"), session.begin_nested():
        event.action = "filing.forged"
        session.flush()
    with pytest.raises(RuntimeError, match="append-only"), session.begin_nested():
        session.delete(event)
        session.flush()
    assert verify_chain(session).ok


def test_a_row_changed_by_raw_sql_is_named(session, history):
    target = events(session)[4]
    session.execute(
        text("UPDATE audit_events SET subject_id = subject_id + 1 WHERE id = :id"),
        {"id": target.id},
    )
    report = verify_chain(session)
    assert not report.ok
    broken = report.first_break
    assert (broken.kind, broken.seq, broken.id) == (BreakKind.hash_mismatch, target.seq, target.id)
    assert report.count == target.seq - 1
    assert "changed after it was written" in broken.describe()


def test_a_rewritten_hash_is_found_at_the_next_link(session, history):
    stored = events(session)
    target, following = stored[4], stored[5]
    session.execute(
        text("UPDATE audit_events SET action = 'filing.forged', hash = :h WHERE id = :id"),
        {"h": "e" * 64, "id": target.id},
    )
    broken = verify_chain(session).first_break
    assert broken.kind is BreakKind.hash_mismatch and broken.seq == target.seq
    # Rewriting the hash consistently still breaks the link of the event after it.
    forged = {**export_record(target), "action": "filing.forged"}
    session.execute(
        text("UPDATE audit_events SET hash = :h WHERE id = :id"),
        {"h": event_hash(forged), "id": target.id},
    )
    broken = verify_chain(session).first_break
    assert (broken.kind, broken.seq, broken.id) == (
        BreakKind.prev_hash_mismatch,
        following.seq,
        following.id,
    )


def test_a_deleted_row_is_found(session, history):
    stored = events(session)
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": stored[3].id})
    broken = verify_chain(session).first_break
    assert (broken.kind, broken.seq, broken.id) == (BreakKind.seq_gap, stored[4].seq, stored[4].id)
    assert f"seq {stored[3].seq} missing" in broken.message


def test_deleting_the_newest_rows_is_found_against_the_head(session, history):
    stored = events(session)
    session.execute(text("DELETE FROM audit_events WHERE seq >= :s"), {"s": stored[-2].seq})
    broken = verify_chain(session).first_break
    assert broken.kind is BreakKind.head_mismatch
    assert "events at the end were removed" in broken.message


def test_the_cli_says_intact_or_names_the_first_break(app, session, history):
    runner = app.test_cli_runner()
    stored = events(session)
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert (
        intact.output.strip() == f"audit chain intact: {len(stored)} events, head {stored[-1].hash}"
    )
    target = stored[2]
    session.execute(
        text("UPDATE audit_events SET actor_id = NULL WHERE id = :id"), {"id": target.id}
    )
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"seq {target.seq} (id {target.id}): hash_mismatch" in broken.output


def test_a_filing_slice_verifies_and_a_changed_event_in_it_does_not(session, history):
    mine = [
        export_record(e)
        for e in events(session)
        if e.subject_type == "filing" and e.subject_id == history.id
    ]
    report = verify_slice(mine)
    assert report.ok and report.count == len(mine) >= 4
    mine[1]["data"] = {**mine[1]["data"], "to": "downgraded"}
    broken = verify_slice(mine).first_break
    assert (broken.kind, broken.seq) == (BreakKind.hash_mismatch, mine[1]["seq"])
