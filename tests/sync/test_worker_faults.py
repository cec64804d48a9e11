"""The worker under faults (issue 13 §2, §3): database errors retried, never fatal, nothing
lost; no SQL transaction open while CouchDB or a photo decode is waited on; an idle pass
writes nothing."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select, text

from media.blobstore import FilesystemBlobStore
from server.db import make_engine, make_sessionmaker
from server.evidence import service
from server.evidence.models import Photo
from server.inspections.models import Inspection
from server.syncstate.models import (
    IngestedRevision,
    OutboxDocument,
    SyncCheckpoint,
    WorkerHeartbeat,
)
from sync.couch import CouchClient
from sync.worker import Worker
from tests.sync.docs import photo
from tests.sync.test_gateway import JPEG
from tests.sync.world import build_world

pytestmark = pytest.mark.couch


@contextmanager
def worker_on(live, **engine_args):
    """A worker with an engine of its own, so its connections can be watched."""
    engine = make_engine(live.database_url, **engine_args)
    couch = CouchClient(live.couch_url)
    worker = Worker(
        make_sessionmaker(engine), couch, FilesystemBlobStore(live.tmp / "media"), batch_size=50
    )
    try:
        yield worker, engine
    finally:
        worker.close()
        couch.close()
        engine.dispose()


def ingested(live, doc_ids):
    with live.session() as session:
        rows = session.scalars(
            select(IngestedRevision.doc_id).where(IngestedRevision.doc_id.in_(doc_ids))
        )
        return sorted(rows)


def push_visit(live, lead, world, photos=2):
    document = world.document(lead)
    docs = [document] + [
        photo(lead.id, document["_id"], JPEG, assignment_id=world.assignment_id)
        for _ in range(photos)
    ]
    live.tablet(lead, [{"op": "put", "docs": docs}, {"op": "push"}])
    return [doc["_id"] for doc in docs]


@contextmanager
def failing_inserts(live):
    """A trigger that makes every insert of an ingested revision fail: the batch's commit
    cannot happen until it is dropped."""
    with live.engine.begin() as connection:
        if live.engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER fail_ingest BEFORE INSERT ON sync_ingested_revisions "
                    "BEGIN SELECT RAISE(ABORT, 'the disk said no'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION fail_ingest() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'the disk said no'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER fail_ingest BEFORE INSERT ON sync_ingested_revisions "
                    "FOR EACH ROW EXECUTE FUNCTION fail_ingest()"
                )
            )
    try:
        yield
    finally:
        with live.engine.begin() as connection:
            connection.execute(
                text(
                    "DROP TRIGGER fail_ingest"
                    if live.engine.dialect.name == "sqlite"
                    else "DROP TRIGGER fail_ingest ON sync_ingested_revisions"
                )
            )
            if live.engine.dialect.name != "sqlite":
                connection.execute(text("DROP FUNCTION fail_ingest()"))


def test_a_failing_commit_is_retried_not_fatal_and_loses_nothing(live):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    ids = push_visit(live, lead, world)
    with worker_on(live) as (worker, _engine):
        with failing_inserts(live):
            for _ in range(2):  # more than one pass: still alive, still nothing half-written
                report = worker.run_once()
                assert report.database_errors, report
                assert ingested(live, ids) == []
        report = worker.run_once()
    assert not report.database_errors
    assert ingested(live, ids) == sorted(ids)
    with live.session() as session:
        assert session.scalar(select(func.count(Photo.id)).where(Photo.doc_id.in_(ids))) == 2
        assert session.scalar(select(Inspection).where(Inspection.doc_id == ids[0]))


def test_a_locked_sqlite_file_is_waited_out_not_fatal(live):
    if not live.database_url.startswith("sqlite"):
        pytest.skip("SQLite's file lock")
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    ids = push_visit(live, lead, world, photos=1)
    holder = sqlite3.connect(live.database_url.removeprefix("sqlite:///"), isolation_level=None)
    with worker_on(live, connect_args={"timeout": 0.2}) as (worker, _engine):
        holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than we wait
        try:
            report = worker.run_once()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert any("locked" in error for error in report.database_errors), report
        assert ingested(live, ids) == []
        worker.run_once()
    assert ingested(live, ids) == sorted(ids)


def test_no_transaction_is_open_while_couchdb_or_a_decode_is_waited_on(live, monkeypatch):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    ids = push_visit(live, lead, world, photos=3)
    # A conflict: the inspection's losing leaf is fetched from CouchDB too.
    conflicting = world.document(lead, _id=ids[0], note="from the other tablet")
    live.tablet(lead, [{"op": "put", "docs": [conflicting]}, {"op": "push"}], name="tablet-b")
    with worker_on(live) as (worker, engine):
        held = []
        real_attachment, real_leaves = worker.couch.get_attachment, worker.couch.bulk_get_revs

        def get_attachment(*args, **kwargs):
            held.append(("attachment", engine.pool.checkedout()))
            return real_attachment(*args, **kwargs)

        def bulk_get_revs(*args, **kwargs):
            held.append(("leaves", engine.pool.checkedout()))
            return real_leaves(*args, **kwargs)

        real_ingest = service.ingest

        def decode(*args, **kwargs):
            held.append(("decode", engine.pool.checkedout()))
            return real_ingest(*args, **kwargs)

        monkeypatch.setattr(worker.couch, "get_attachment", get_attachment)
        monkeypatch.setattr(worker.couch, "bulk_get_revs", bulk_get_revs)
        monkeypatch.setattr(service, "ingest", decode)
        worker.run_once()
    kinds = {kind for kind, _ in held}
    assert {"attachment", "decode"} <= kinds, held
    assert all(connections == 0 for _, connections in held), held
    assert ingested(live, ids[1:]) == sorted(ids[1:])


def test_an_idle_pass_writes_nothing(live):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    push_visit(live, lead, world, photos=1)
    with worker_on(live) as (worker, engine):
        for _ in range(5):  # ingest, write feedback, read the feedback back: then idle
            report = worker.run_once()
            if not (report.processed or report.skipped or report.feedback_written):
                break
        writes = []

        @event.listens_for(engine, "before_cursor_execute")
        def watch(_conn, _cursor, statement, *_args):
            if statement.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
                writes.append(statement)

        with live.session() as session:
            before = session.execute(select(SyncCheckpoint).order_by(SyncCheckpoint.db_name)).all()
            before = [
                tuple(vars(c).get(k) for k in ("db_name", "seq", "checked_at", "backlog"))
                for (c,) in before
            ]
            outbox_rows = session.scalar(select(func.count(OutboxDocument.id)))
        for _ in range(2):
            worker.run_once()
        with live.session() as session:
            after = session.execute(select(SyncCheckpoint).order_by(SyncCheckpoint.db_name)).all()
            after = [
                tuple(vars(c).get(k) for k in ("db_name", "seq", "checked_at", "backlog"))
                for (c,) in after
            ]
            assert session.scalar(select(func.count(OutboxDocument.id))) == outbox_rows
    assert writes == []
    assert after == before
    with live.session() as session:  # the first pass beat; the idle ones within 30 s did not
        heartbeat = session.get(WorkerHeartbeat, "worker")
        assert heartbeat is not None and heartbeat.backlog == 0


def test_a_page_of_large_photos_is_cut_to_bound_the_bytes_held(live):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    ids = push_visit(live, lead, world, photos=3)
    with worker_on(live) as (worker, _engine):
        worker._fetcher.budget = 1  # every photo fills a batch on its own
        batches = []
        real = worker.apply

        def apply(fetched, owner):
            batches.append(sum(1 for c in fetched.changes if c["id"].startswith("photo:")))
            return real(fetched, owner)

        worker.apply = apply
        report = worker.run_once()
    assert not report.interrupted and not report.database_errors
    assert ingested(live, ids) == sorted(ids)
    assert max(batches) == 1 and sum(batches) == 3, batches


def test_two_workers_on_one_database_apply_each_page_once(live):
    """Fetched by both, applied by one: the second finds the checkpoint moved and drops its
    page (its photos are already in the store under their names); nothing is applied twice."""
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    with worker_on(live) as (first, _e1), worker_on(live) as (other, _e2):
        first.run_once()  # provisions the database and pushes the assignment
        ids = push_visit(live, lead, world, photos=2)
        db = f"inspector-{lead.id}"
        page_a, page_b = first.fetch(db), other.fetch(db)
        assert len(page_a.changes) == len(page_b.changes) >= 3
        assert other.apply(page_b, lead.id) is not None
        assert first.apply(page_a, lead.id) is None
        first.run_once()
        other.run_once()
    with live.session() as session:
        rows = session.scalars(
            select(IngestedRevision.doc_id).where(IngestedRevision.doc_id.in_(ids))
        ).all()
    assert sorted(rows) == sorted(ids)  # each exactly once
