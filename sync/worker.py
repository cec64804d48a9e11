"""The sync worker: reads each inspector database's ``_changes`` from its SQL checkpoint,
ingests through the domain services, and commits rows and checkpoint in one transaction.

- ``seq`` is opaque: stored and sent back, never compared.
- Idempotent on (document id, revision): a replayed change is skipped.
- A revision that raises is retried on later passes, at most ``max_attempts`` times, then
  quarantined with its reason and answered; it never blocks the database's feed for good.
- Design documents are skipped; deletions are recorded, not dropped.
- The first pass over a database starts at the beginning of its feed, never at ``now``.
- Several workers may run: each database's checkpoint row is locked while a batch is processed
  (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so a database is worked by one worker at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from server.accounts.models import Role, User
from server.inspections.batch import BatchContext, Feedback
from server.inspections.ingest import (
    BlobSink,
    ingest_inspection,
    ingest_photo,
    withdraw,
)
from server.reconciliation.service import refresh_for_assignments
from server.syncstate.models import (
    IngestedRevision,
    OutboxDocument,
    SyncCheckpoint,
    SyncFailure,
)
from sync import outbox
from sync.assignments import push_assignments
from sync.contract import db_name, db_owner
from sync.couch import CouchClient, CouchError
from sync.provision import ensure_inspector_db

log = logging.getLogger("sync.worker")


def winning_rev(change: dict[str, Any]) -> str:
    doc = change.get("doc") or {}
    rev = doc.get("_rev")
    return rev if isinstance(rev, str) else str(change["changes"][0]["rev"])


def revision_key(change: dict[str, Any]) -> str:
    """What idempotency is keyed on: the winning revision, and when the document has several
    leaves (a conflict), a digest of all of them, so a conflict arriving after its winner was
    ingested is still seen."""
    winner = winning_rev(change)
    leaves = sorted(c["rev"] for c in change.get("changes", []))
    if len(leaves) <= 1:
        return winner
    return f"{winner}|{hashlib.sha256(','.join(leaves).encode()).hexdigest()[:16]}"


class Interrupted(Exception):
    """CouchDB stopped answering mid-batch: keep what is done, try again later."""


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


class Worker:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        couch: CouchClient,
        store: BlobSink,
        *,
        batch_size: int = 100,
        max_attempts: int = 5,
    ) -> None:
        self.sessions, self.couch, self.store = sessions, couch, store
        self.batch_size, self.max_attempts = batch_size, max_attempts
        self.batches_per_pass = 20
        self._provisioned: set[int] = set()
        # The next page of a feed is read while the current one is processed.
        self._reader = couch.clone()
        self._prefetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed")
        self._prefetched: dict[str, tuple[str | None, Future[dict[str, Any]]]] = {}
        # Visits whose evidence arrived: their filings are reconciled again once per pass.
        self._touched: set[int] = set()

    def close(self) -> None:
        self._prefetcher.shutdown(wait=True, cancel_futures=True)
        self._reader.close()

    def _read_feed(self, db: str, since: str | None) -> dict[str, Any]:
        """The page of ``db``'s feed after ``since``: prefetched if it was, read now if not."""
        ahead = self._prefetched.pop(db, None)
        feed = None
        if ahead is not None and ahead[0] == since:  # the page starts at our checkpoint
            feed = ahead[1].result()
        elif ahead is not None:
            ahead[1].cancel()
        if feed is None:
            feed = self._changes(self.couch, db, since)
        if len(feed.get("results", [])) >= self.batch_size:
            following = feed["last_seq"]
            following = following if isinstance(following, str) else str(following)
            self._prefetched[db] = (
                following,
                self._prefetcher.submit(self._changes, self._reader, db, following),
            )
        return feed

    def _changes(self, client: CouchClient, db: str, since: str | None) -> dict[str, Any]:
        return client.changes(
            db,
            since=since,
            limit=self.batch_size,
            include_docs=True,
            extra={"style": "all_docs"},  # every leaf: a conflict shows as two or more
        )

    # --- one pass over everything ------------------------------------------------------------

    def run_once(self) -> PassReport:
        report = PassReport()
        with self.sessions() as session:
            report.pushed = push_assignments(session)
            session.commit()
            inspectors = list(
                session.scalars(
                    select(User.id)
                    .where(User.role == Role.inspector, User.active.is_(True))
                    .order_by(User.id)
                )
            )
        for user_id in inspectors:
            report.databases += 1
            try:
                self._provision(user_id)
                for _ in range(self.batches_per_pass):  # drain a backlog, but stay fair
                    if not self.process_db(db_name(user_id), report):
                        break
            except (CouchError, Interrupted) as exc:
                report.interrupted.append(f"{db_name(user_id)}: {exc}")
                log.warning("sync of %s interrupted: %s", db_name(user_id), exc)
        report.reconciled = self._reconcile()
        try:
            report.feedback_written = outbox.flush(self.sessions, self.couch)
        except CouchError as exc:
            report.interrupted.append(f"outbox: {exc}")
        return report

    def _reconcile(self) -> int:
        """Recompute the filings whose visits got new evidence in this pass. A failure here
        loses nothing: the visits stay marked, and every read recomputes a stale result."""
        if not self._touched:
            return 0
        try:
            with self.sessions() as session:
                count = refresh_for_assignments(session, self._touched)
                session.commit()
        except Exception:
            log.exception("reconciling visits %s failed; retried next pass", sorted(self._touched))
            return 0
        self._touched.clear()
        return count

    def _provision(self, user_id: int) -> None:
        if user_id not in self._provisioned:
            ensure_inspector_db(self.couch, user_id)
            self._provisioned.add(user_id)

    # --- one database ------------------------------------------------------------------------

    def process_db(self, db: str, report: PassReport) -> bool:
        """Process one batch of ``db``'s feed; True when the batch was full (more may wait)."""
        owner = db_owner(db)
        assert owner is not None
        with self.sessions() as session:
            checkpoint = self._lock_checkpoint(session, db, owner)
            if checkpoint is None:
                return False  # another worker holds this database right now
            feed = self._read_feed(db, checkpoint.seq)
            results: list[dict[str, Any]] = feed.get("results", [])
            tally = PassReport()
            try:
                last_seq = self._batch(session, db, owner, feed, tally, isolate=False)
                session.flush()  # the whole batch in one go
            except SQLAlchemyError:
                # One document's rows broke the batch's flush: redo the batch a document at a
                # time, each in a savepoint, so only that one is retried or quarantined.
                session.rollback()
                checkpoint = self._lock_checkpoint(session, db, owner)
                if checkpoint is None:
                    return False
                tally = PassReport()
                last_seq = self._batch(session, db, owner, feed, tally, isolate=True)
            now = dt.datetime.now(dt.UTC)
            if last_seq is not None:
                checkpoint.seq = last_seq if isinstance(last_seq, str) else str(last_seq)
                checkpoint.processed_at = now
            checkpoint.checked_at = now
            # CouchDB 3 reports how many changes remain; PouchDB Server does not. Without it, a
            # batch that was not full means the feed is drained; a full one says "unknown".
            pending = feed.get("pending")
            if isinstance(pending, int):
                checkpoint.backlog = pending
            else:
                checkpoint.backlog = 0 if len(results) < self.batch_size else None
            session.commit()  # rows, retries, quarantine, outbox and checkpoint together
        self._touched.update(
            aid
            for change in results
            if isinstance(aid := (change.get("doc") or {}).get("assignment_id"), int)
        )
        report.processed += tally.processed
        report.skipped += tally.skipped
        report.quarantined += tally.quarantined
        report.interrupted += tally.interrupted
        return len(results) >= self.batch_size

    def _batch(
        self,
        session: Session,
        db: str,
        owner: int,
        feed: dict[str, Any],
        report: PassReport,
        *,
        isolate: bool,
    ) -> Any:
        """Apply the batch's changes in order; returns the seq to checkpoint (None: none)."""
        results: list[dict[str, Any]] = feed.get("results", [])
        ids = [change["id"] for change in results]
        batch = BatchContext(session, ids, bulk=not isolate)
        seen: set[tuple[str, str]] = {
            (doc_id, rev)
            for doc_id, rev in session.execute(
                select(IngestedRevision.doc_id, IngestedRevision.rev).where(
                    IngestedRevision.db_name == db, IngestedRevision.doc_id.in_(ids)
                )
            )
        }
        last_seq: Any = None
        try:
            for change in results:
                if not self._handle(session, db, owner, change, report, batch, seen, isolate):
                    break
                last_seq = change["seq"]
            else:
                last_seq = feed.get("last_seq", last_seq)
        except Interrupted:
            report.interrupted.append(db)
        # The new inspections and the bookkeeping rows of the whole batch, a statement a table.
        batch.write_new_inspections()
        if batch.ingested:
            session.execute(insert(IngestedRevision), batch.ingested)
        if batch.outbox:
            session.execute(insert(OutboxDocument), batch.outbox)
        return last_seq

    def _lock_checkpoint(self, session: Session, db: str, owner: int) -> SyncCheckpoint | None:
        query = select(SyncCheckpoint).where(SyncCheckpoint.db_name == db)
        checkpoint = session.scalar(query.with_for_update(skip_locked=True))
        if checkpoint is not None:
            return checkpoint
        if session.get(SyncCheckpoint, db) is not None:
            return None  # exists, locked by another worker
        checkpoint = SyncCheckpoint(db_name=db, user_id=owner, seq=None)
        session.add(checkpoint)
        session.flush()
        return checkpoint

    def _handle(
        self,
        session: Session,
        db: str,
        owner: int,
        change: dict[str, Any],
        report: PassReport,
        batch: BatchContext,
        seen: set[tuple[str, str]],
        isolate: bool,
    ) -> bool:
        """Apply one change; False stops the batch here (it will be retried next pass)."""
        doc_id: str = change["id"]
        rev = revision_key(change)
        if doc_id.startswith("_design/") or (doc_id, rev) in seen:
            report.skipped += 1
            return True
        if doc_id.split(":", 1)[0] not in ("inspection", "photo"):
            report.skipped += 1  # server-owned documents come back on the feed: not ours to read
            return True
        feedback: Feedback | None
        try:
            if isolate:
                with session.begin_nested():
                    feedback = self._apply(session, db, owner, change, batch)
                    session.flush()
            else:
                feedback = self._apply(session, db, owner, change, batch)
        except CouchError as exc:
            if exc.status == 0 or exc.status >= 500:
                raise Interrupted(str(exc)) from exc
            feedback = self._failed(session, db, doc_id, rev, exc)
        except SQLAlchemyError as exc:
            if not isolate:
                raise  # the batch falls back to one savepoint per document
            feedback = self._failed(session, db, doc_id, rev, exc)
        except Exception as exc:  # a bug or bad data: counted, capped, then quarantined
            feedback = self._failed(session, db, doc_id, rev, exc)
        if feedback is None:
            return False
        seen.add((doc_id, rev))
        batch.ingested.append(
            {
                "db_name": db,
                "doc_id": doc_id,
                "rev": rev,
                "outcome": feedback.status,
                "at": batch.now,
            }
        )
        batch.outbox.append(
            outbox.row(
                db_name=db,
                doc_id=f"feedback:{doc_id}",
                body={
                    **outbox.feedback_body(
                        doc_id=doc_id,
                        rev=winning_rev(change),
                        status=feedback.status,
                        problems=feedback.problems,
                    ),
                    **feedback.extra,
                },
                at=batch.now,
            )
        )
        if feedback.status == "quarantined":
            report.quarantined += 1
        report.processed += 1
        return True

    def _apply(
        self, session: Session, db: str, owner: int, change: dict[str, Any], batch: BatchContext
    ) -> Feedback:
        doc_id, doc = change["id"], change.get("doc") or {}
        if change.get("deleted"):
            return withdraw(owner_id=owner, doc_id=doc_id, rev=winning_rev(change), batch=batch)
        if doc_id.startswith("inspection:"):
            others = [c["rev"] for c in change["changes"] if c["rev"] != doc["_rev"]]
            bodies = self.couch.bulk_get_revs(db, doc_id, others) if others else []
            # a deleted leaf is a conflict someone already resolved: not a competing version
            losers = [body for body in bodies if not body.get("_deleted")]
            return ingest_inspection(session, owner_id=owner, doc=doc, losers=losers, batch=batch)
        data = None
        attachments = doc.get("_attachments") or {}
        if len(attachments) == 1:
            [name] = attachments
            data = self.couch.get_attachment(db, doc_id, name, rev=doc["_rev"])
        return ingest_photo(
            session, owner_id=owner, doc=doc, data=data, store=self.store, batch=batch
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
