"""The sync worker: reads each inspector database's ``_changes`` from its SQL checkpoint,
ingests through the domain services, and commits rows and checkpoint in one transaction.

Each batch is worked in two stages. **Fetch** (sync.fetch), with no SQL transaction open: the
feed page, conflict leaves, attachment bytes, and every photo decoded, read and stored in the
media store. **Apply**: one unit of work (the batch's ``BatchContext``) owns every row the
batch writes — inspections, revisions, photos, custody, audit events, ingested revisions,
outbox — then one short commit with the checkpoint. No lock is held across a network call or a
decode.

- ``seq`` is opaque: stored and sent back, never compared.
- Idempotent on (document id, revision): a replayed change is skipped.
- A revision that raises is retried on later passes, at most ``max_attempts`` times, then
  quarantined with its reason and answered; it never blocks the database's feed for good.
- Design documents are skipped; deletions are recorded, not dropped.
- The first pass over a database starts at the beginning of its feed, never at ``now``.
- Several workers may run: each database's checkpoint row is locked while a batch is applied
  (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), and a batch is applied only if the checkpoint is
  still where its page was read from; otherwise another worker got there first, and the page
  is dropped (its photos, content-addressed, are already in the store under their names).
- A database error (a lock, a lost connection, a failed commit) loses nothing: nothing of the
  batch was committed, so it is fetched and applied again on a later pass. ``run_once`` logs it
  and goes on; the loop in ``sync.__main__`` backs off while they last.
- An idle pass writes nothing: a database with no changes is not touched; the heartbeat
  (``server.syncstate.heartbeat``) is written at most every ``heartbeat_every`` seconds.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from inspection_forms import PlantContext
from server.accounts.models import Role, User
from server.inspections.batch import Validated
from server.inspections.ingest import BlobSink
from server.reconciliation.service import refresh_for_assignments
from server.syncstate.heartbeat import beat
from sync import outbox
from sync.ahead import Pins, validate_ahead
from sync.apply import ApplyStage, PassReport
from sync.assignments import push_assignments
from sync.contract import db_name, db_owner
from sync.couch import CouchClient, CouchError
from sync.fetch import (
    Fetched,
    Fetcher,
    Position,
    already_ingested,
    needs_fetch,
    position,
    revision_key,
    winning_rev,
)
from sync.provision import ensure_inspector_db

log = logging.getLogger("sync.worker")

__all__ = ["PassReport", "Worker", "revision_key", "winning_rev"]

# Seconds between heartbeats: the only write an idle worker makes.
HEARTBEAT_EVERY = 30.0


class Worker(ApplyStage):
    def __init__(
        self,
        sessions: sessionmaker[Session],
        couch: CouchClient,
        store: BlobSink,
        *,
        batch_size: int = 100,
        max_attempts: int = 5,
        name: str = "worker",
        heartbeat_every: float = HEARTBEAT_EVERY,
    ) -> None:
        self.sessions, self.couch, self.store = sessions, couch, store
        self.batch_size, self.max_attempts = batch_size, max_attempts
        self.name, self.heartbeat_every = name, heartbeat_every
        self.batches_per_pass = 20
        self._provisioned: set[int] = set()
        self._fetcher = Fetcher(couch, store)
        # The next page of a feed is read while the current one is processed.
        self._reader = couch.clone()
        self._prefetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed")
        self._prefetched: dict[str, tuple[str | None, Future[tuple[dict[str, Any], Any]]]] = {}
        # Visits whose evidence arrived: their filings are reconciled again once per pass.
        self._touched: set[int] = set()
        # Where each database's checkpoint stands after this worker's last commit there: the next
        # page is read from it without asking SQL. Forgotten when another worker moved it.
        self._positions: dict[str, Position] = {}
        # Plant contexts of the assignments recent batches met, for validating ahead.
        self._contexts: dict[int, tuple[PlantContext, Pins]] = {}
        self._last_beat: float | None = None  # monotonic time of the last heartbeat written
        self._backlog: int | None = None  # as the last whole pass left it
        self._last_error: str | None = None

    def close(self) -> None:
        self._prefetcher.shutdown(wait=True, cancel_futures=True)
        self._fetcher.close()
        self._reader.close()

    def _read_feed(
        self, db: str, since: str | None
    ) -> tuple[dict[str, Any], dict[tuple[str, str], Validated]]:
        """The page of ``db``'s feed after ``since`` and what of it was validated ahead:
        prefetched if it was, read now (nothing validated) if not."""
        ahead = self._prefetched.pop(db, None)
        page = None
        if ahead is not None and ahead[0] == since:  # the page starts at our checkpoint
            page = ahead[1].result()
        elif ahead is not None:
            ahead[1].cancel()
        if page is None:
            page = self._changes(self.couch, db, since), {}
        feed = page[0]
        if len(feed.get("results", [])) >= self.batch_size:
            following = feed["last_seq"]
            following = following if isinstance(following, str) else str(following)
            self._prefetched[db] = (
                following,
                self._prefetcher.submit(self._page_ahead, db, following, dict(self._contexts)),
            )
        return page

    def _page_ahead(
        self, db: str, since: str, contexts: dict[int, tuple[PlantContext, Pins]]
    ) -> tuple[dict[str, Any], dict[tuple[str, str], Validated]]:
        """Read the next page and validate what it can while the current batch is applied."""
        feed = self._changes(self._reader, db, since)
        return feed, validate_ahead(feed, contexts)

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
        """One pass over every inspector database. CouchDB and database errors are logged and
        reported, never raised: what failed is retried on the next pass, nothing is lost."""
        report = PassReport()
        try:
            with self.sessions() as session:
                report.pushed = push_assignments(session)
                session.commit()
        except SQLAlchemyError as exc:
            self._database_error(report, "assignments", exc)
        except CouchError as exc:
            report.interrupted.append(f"assignments: {exc}")
        try:
            with self.sessions() as session:
                inspectors = list(
                    session.scalars(
                        select(User.id)
                        .where(User.role == Role.inspector, User.active.is_(True))
                        .order_by(User.id)
                    )
                )
        except SQLAlchemyError as exc:
            self._database_error(report, "inspectors", exc)
            inspectors = []
        for user_id in inspectors:
            report.databases += 1
            try:
                self._provision(user_id)
                for _ in range(self.batches_per_pass):  # drain a backlog, but stay fair
                    if not self.process_db(db_name(user_id), report):
                        break
            except CouchError as exc:
                report.interrupted.append(f"{db_name(user_id)}: {exc}")
                log.warning("sync of %s interrupted: %s", db_name(user_id), exc)
            except SQLAlchemyError as exc:
                self._database_error(report, db_name(user_id), exc)
            if self._last_beat is not None:  # a long pass over many databases still beats
                self._heartbeat(self._backlog)
        report.reconciled = self._reconcile()
        try:
            report.feedback_written = outbox.flush(self.sessions, self.couch)
        except CouchError as exc:
            report.interrupted.append(f"outbox: {exc}")
        except SQLAlchemyError as exc:
            self._database_error(report, "outbox", exc)
        self._backlog = report.backlog
        self._heartbeat(report.backlog)
        return report

    def _database_error(self, report: PassReport, where: str, exc: SQLAlchemyError) -> None:
        cause = getattr(exc, "orig", None) or exc  # the driver's own words, not the wrapper's
        reason = f"{type(exc).__name__}: {cause}".splitlines()[0][:300]
        report.database_errors.append(f"{where}: {reason}")
        self._last_error = f"{where}: {reason}"
        log.warning("database error in %s, retried on the next pass: %s", where, reason)

    def _heartbeat(self, backlog: int | None) -> None:
        """At most every ``heartbeat_every`` s: this worker is alive, with its backlog."""
        now = time.monotonic()
        if self._last_beat is not None and now - self._last_beat < self.heartbeat_every:
            return
        try:
            with self.sessions() as session:
                beat(
                    session,
                    name=self.name,
                    backlog=backlog,
                    pid=os.getpid(),
                    host=socket.gethostname()[:120],
                    error=self._last_error,
                )
                session.commit()
        except SQLAlchemyError as exc:
            log.warning("heartbeat not written (retried next pass): %s", exc)
            return
        self._last_beat, self._last_error = now, None

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
        """Fetch then apply one batch of ``db``'s feed; True when the batch was full (more may
        wait). Raises CouchError (the feed could not be read) and SQLAlchemyError (nothing of
        the batch committed: it is fetched again next time)."""
        owner = db_owner(db)
        assert owner is not None
        fetched = self.fetch(db)
        full = len(fetched.feed.get("results", [])) >= self.batch_size
        if not fetched.changes and fetched.complete:
            # Nothing new: write nothing, unless the checkpoint has yet to say so.
            pending = fetched.feed.get("pending")
            backlog = pending if isinstance(pending, int) else 0
            report.backlogs[db] = backlog
            if fetched.position.exists and fetched.position.backlog == backlog:
                self._positions[db] = fetched.position  # still there: no need to ask again
                return False
        tally = self.apply(fetched, owner)
        if tally is None:
            return False  # another worker holds or moved this database: its turn
        self._touched.update(
            aid
            for change in fetched.changes
            if isinstance(aid := (change.get("doc") or {}).get("assignment_id"), int)
        )
        report.processed += tally.processed
        report.skipped += tally.skipped
        report.quarantined += tally.quarantined
        report.interrupted += tally.interrupted
        report.backlogs[db] = tally.backlogs.get(db)
        if not fetched.complete:
            log.warning("sync of %s interrupted: %s", db, fetched.interruption)
            return False  # what arrived is kept; the rest waits for the next pass
        return full or fetched.cut

    def fetch(self, db: str) -> Fetched:
        """The fetch stage: no SQL transaction is open while CouchDB or a photo is waited on."""
        at = self._positions.pop(db, None) or position(self.sessions, db)
        feed, validated = self._read_feed(db, at.seq)
        changes: list[dict[str, Any]] = list(feed.get("results", []))
        fetched = Fetched(db, at, feed, changes, validated=validated)
        seen = already_ingested(self.sessions, db, [c for c in changes if needs_fetch(c)])
        return self._fetcher.complete(fetched, seen)
