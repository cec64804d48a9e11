"""The worker's apply stage: one unit of work per batch, one short commit with the checkpoint.

Given a fetched batch (sync.fetch), with no network call or decode left to wait on: the
database's checkpoint row is locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and must still be
where the page was read from; each change is applied through the domain services into the
batch's ``BatchContext``, which writes every row it holds; the checkpoint moves; one commit.
A document whose rows break the batch's flush sends the batch round again a document at a time,
each in a savepoint, so only that one is retried (then quarantined with its reason).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from inspection_forms import PlantContext
from server.inspections.batch import BatchContext, Feedback, among
from server.inspections.ingest import BlobSink, ingest_inspection, ingest_photo, withdraw
from server.syncstate.models import IngestedRevision, SyncCheckpoint, SyncFailure
from sync import outbox
from sync.ahead import MAX_CONTEXTS, Pins
from sync.contract import db_owner
from sync.fetch import Fetched, Position, revision_key, winning_rev

log = logging.getLogger("sync.worker")


@dataclass
class PassReport:
    databases: int = 0
    processed: int = 0
    skipped: int = 0
    quarantined: int = 0
    interrupted: list[str] = field(default_factory=list)
    pushed: int = 0
    feedback_written: int = 0
    reconciled: int = 0
    database_errors: list[str] = field(default_factory=list)  # retried on a later pass
    backlogs: dict[str, int | None] = field(default_factory=dict)  # per database, after it

    @property
    def backlog(self) -> int | None:
        values = list(self.backlogs.values())
        return None if any(v is None for v in values) else sum(v for v in values if v)


class ApplyStage:
    """The apply stage of ``sync.worker.Worker``."""

    sessions: sessionmaker[Session]
    store: BlobSink
    batch_size: int
    max_attempts: int
    _positions: dict[str, Position]
    _contexts: dict[int, tuple[PlantContext, Pins]]

    def apply(self, fetched: Fetched, owner: int) -> PassReport | None:
        """The apply stage: every row of the batch and the checkpoint, one short commit.
        None when another worker holds the database or moved its checkpoint meanwhile."""
        db, tally = fetched.db, PassReport()
        with self.sessions() as session:
            checkpoint = self._lock_checkpoint(session, fetched)
            if checkpoint is None:
                return None
            try:
                last_seq = self._batch(session, owner, fetched, tally, isolate=False)
                session.flush()  # the whole batch in one go
            except SQLAlchemyError:
                # One document's rows broke the batch's flush: redo the batch a document at a
                # time, each in a savepoint, so only that one is retried or quarantined.
                session.rollback()
                checkpoint = self._lock_checkpoint(session, fetched)
                if checkpoint is None:
                    return None
                tally = PassReport()
                last_seq = self._batch(session, owner, fetched, tally, isolate=True)
            now = dt.datetime.now(dt.UTC)
            if last_seq is not None:
                checkpoint.seq = last_seq if isinstance(last_seq, str) else str(last_seq)
                checkpoint.processed_at = now
            checkpoint.checked_at = now
            # CouchDB 3 reports how many changes remain; PouchDB Server does not. Without it, a
            # batch that was not full means the feed is drained; a full one says "unknown".
            results = fetched.feed.get("results", [])
            pending = fetched.feed.get("pending")
            if isinstance(pending, int):
                checkpoint.backlog = pending
            else:
                checkpoint.backlog = 0 if len(results) < self.batch_size else None
            tally.backlogs[db] = checkpoint.backlog
            session.commit()  # rows, retries, quarantine, outbox and checkpoint together
            self._positions[db] = Position(True, checkpoint.seq, checkpoint.backlog)
        return tally

    def _lock_checkpoint(self, session: Session, fetched: Fetched) -> SyncCheckpoint | None:
        """The database's checkpoint, locked; None when another worker holds it or has moved
        it since the page was read (this page is then not ours to apply)."""
        db = fetched.db
        query = select(SyncCheckpoint).where(SyncCheckpoint.db_name == db)
        postgresql = session.get_bind().dialect.name == "postgresql"
        if postgresql:  # replayable(session) in the same round trip as the lock
            query = query.add_columns(
                *(func.set_config(name, value, True) for name, value in _settings(session))
            )
        row = session.execute(query.with_for_update(skip_locked=True, of=SyncCheckpoint)).first()
        checkpoint = row[0] if row is not None else None
        if checkpoint is not None:
            return checkpoint if checkpoint.seq == fetched.position.seq else None
        if postgresql:
            replayable(session)  # no row was locked, so set_config did not run
        if fetched.position.exists or session.get(SyncCheckpoint, db) is not None:
            return None  # exists, locked by another worker
        owner = db_owner(db)
        assert owner is not None
        checkpoint = SyncCheckpoint(db_name=db, user_id=owner, seq=None)
        session.add(checkpoint)
        session.flush()
        return checkpoint

    def _batch(
        self,
        session: Session,
        owner: int,
        fetched: Fetched,
        report: PassReport,
        *,
        isolate: bool,
    ) -> Any:
        """Apply the batch's changes in order; returns the seq to checkpoint (None: none)."""
        db, changes = fetched.db, fetched.changes
        ids = [change["id"] for change in changes]
        batch = BatchContext(session, ids, bulk=not isolate)
        batch.validated = fetched.validated
        seen: set[tuple[str, str]] = {
            (doc_id, rev)
            for doc_id, rev in session.execute(
                select(IngestedRevision.doc_id, IngestedRevision.rev).where(
                    IngestedRevision.db_name == db, among(session, IngestedRevision.doc_id, ids)
                )
            )
        }
        last_seq: Any = None
        for change in changes:
            if not self._handle(session, owner, change, fetched, report, batch, seen, isolate):
                break
            last_seq = change["seq"]
        else:
            if fetched.complete and not fetched.cut:
                last_seq = fetched.feed.get("last_seq", last_seq)
        if not fetched.complete:
            report.interrupted.append(db)
        batch.write()  # every row the batch holds, a statement a table
        self._remember(batch)
        return last_seq

    def _remember(self, batch: BatchContext) -> None:
        """Keep the plant contexts this batch loaded, for validating the next page ahead."""
        if len(self._contexts) > MAX_CONTEXTS:
            self._contexts.clear()
        for assignment_id, facts in batch.known_facts().items():
            self._contexts[assignment_id] = (facts.context, frozenset(facts.pins))

    def _handle(
        self,
        session: Session,
        owner: int,
        change: dict[str, Any],
        fetched: Fetched,
        report: PassReport,
        batch: BatchContext,
        seen: set[tuple[str, str]],
        isolate: bool,
    ) -> bool:
        """Apply one change; False stops the batch here (it will be retried next pass)."""
        db, doc_id = fetched.db, change["id"]
        rev = revision_key(change)
        if doc_id.startswith("_design/") or (doc_id, rev) in seen:
            report.skipped += 1
            return True
        if doc_id.split(":", 1)[0] not in ("inspection", "photo"):
            report.skipped += 1  # server-owned documents come back on the feed: not ours to read
            return True
        feedback: Feedback | None
        try:
            if doc_id in fetched.failures:
                raise fetched.failures[doc_id]  # CouchDB refused what this document needs
            if isolate:
                with session.begin_nested():
                    feedback = self._apply(session, owner, change, fetched, batch)
                    session.flush()
            else:
                feedback = self._apply(session, owner, change, fetched, batch)
        except SQLAlchemyError as exc:
            if not isolate:
                raise  # the batch falls back to one savepoint per document
            feedback = self._failed(session, db, doc_id, rev, exc)
        except Exception as exc:  # a bug or bad data: counted, capped, then quarantined
            feedback = self._failed(session, db, doc_id, rev, exc)
        if feedback is None:
            return False
        seen.add((doc_id, rev))
        batch.handled(db_name=db, doc_id=doc_id, rev=rev, outcome=feedback.status)
        batch.queue(
            db_name=db,
            doc_id=f"feedback:{doc_id}",
            body={
                **outbox.feedback_body(
                    doc_id=doc_id,
                    rev=winning_rev(change),
                    status=feedback.status,
                    problems=feedback.problems,
                ),
                **feedback.extra,  # the revision taken, each leaf's answer (docs/sync.md)
            },
        )
        if feedback.status == "quarantined":
            report.quarantined += 1
        report.processed += 1
        return True

    def _apply(
        self,
        session: Session,
        owner: int,
        change: dict[str, Any],
        fetched: Fetched,
        batch: BatchContext,
    ) -> Feedback:
        """One change, from what the fetch stage brought: SQL only."""
        doc_id, doc = change["id"], change.get("doc") or {}
        if change.get("deleted"):
            return withdraw(owner_id=owner, doc_id=doc_id, rev=winning_rev(change), batch=batch)
        if doc_id.startswith("inspection:"):
            losers = fetched.losers.get(doc_id, [])
            return ingest_inspection(session, owner_id=owner, doc=doc, losers=losers, batch=batch)
        prepared = fetched.photos.get(doc_id)
        return ingest_photo(
            session,
            owner_id=owner,
            doc=doc,
            data=prepared.data if prepared is not None else None,
            prepared=prepared,
            store=self.store,
            batch=batch,
        )

    def _failed(
        self, session: Session, db: str, doc_id: str, rev: str, exc: BaseException
    ) -> Feedback | None:
        reason = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("%s %s@%s failed: %s", db, doc_id, rev, reason)
        failure = session.scalar(
            select(SyncFailure).where(
                SyncFailure.db_name == db, SyncFailure.doc_id == doc_id, SyncFailure.rev == rev
            )
        )
        if failure is None:
            failure = SyncFailure(db_name=db, doc_id=doc_id, rev=rev, attempts=0, last_error="")
            session.add(failure)
        failure.attempts += 1
        failure.last_error = reason
        failure.updated_at = dt.datetime.now(dt.UTC)
        if failure.attempts < self.max_attempts:
            return None
        failure.quarantined = True
        return Feedback(
            "quarantined",
            [
                {
                    "path": "",
                    "code": "sync.quarantined",
                    "message_zh": "服务器无法处理此记录，已隔离待管理员处理；请勿重复提交",
                    "message_en": f"the server could not process this document after "
                    f"{failure.attempts} attempts and set it aside for an administrator; "
                    f"do not resend it ({reason})",
                }
            ],
        )


def replayable(session: Session) -> None:
    """On PostgreSQL, let the batch's commit return before its WAL reaches the disk.

    A batch is replayable: its rows and its checkpoint commit together, and CouchDB keeps every
    document, so if PostgreSQL crashes in the fraction of a second before the WAL writer flushes
    (at most three times ``wal_writer_delay``), the checkpoint falls back with the rows and the
    next pass ingests those changes again, idempotently. Any later synchronous commit (a
    reviewer's decision, an export's custody event) flushes the WAL up to itself, so nothing a
    person acted on can be lost; a crash can at most withdraw for a moment rows someone only
    looked at, until the worker writes them again. What it saves is waiting for the disk:
    for a batch of large inspection documents, most of the commit.

    Large JSON values (an inspection's answers, a revision's body) are compressed with lz4
    rather than pglz when the server has it (``default_toast_compression``, PostgreSQL 14+):
    several times faster to write; read back transparently, whatever the column's other
    values use. Each statement is planned for its own parameters (``plan_cache_mode``).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(*(func.set_config(name, value, True) for name, value in _settings(session)))
        )


_LZ4: dict[int, bool] = {}  # per engine: does the server offer lz4 TOAST compression?


def _settings(session: Session) -> list[tuple[str, str]]:
    """The transaction's settings for a batch on PostgreSQL (see ``replayable``)."""
    bind = session.get_bind()
    if id(bind) not in _LZ4:
        offers = session.scalar(
            text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'"
            )
        )
        _LZ4[id(bind)] = bool(offers)
    # Planned for the values at hand: a generic plan made while a table was small (psycopg
    # prepares a statement run five times) stays a sequential scan as the table grows, until
    # the next ANALYZE; the batch's lookups by a hundred document ids then grow with the table.
    settings = [("synchronous_commit", "off"), ("plan_cache_mode", "force_custom_plan")]
    if _LZ4[id(bind)]:
        settings.append(("default_toast_compression", "lz4"))
    return settings
