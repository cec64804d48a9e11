"""The worker's fetch stage: everything a batch needs from outside SQL, with no transaction open.

One page of a database's ``_changes`` feed, the bodies of an inspection's conflicting leaves,
each photo's attachment bytes, and each photo read and stored in the media store (decode,
EXIF, derivatives: ``server.evidence.service.prepare_photo``, in the bounded photo pool). The
apply stage (sync.worker) then writes every row of the batch and the checkpoint in one short
transaction; it never waits on CouchDB or on a decode while it holds its locks.

Two short reads open and close their own transactions here: where the database's checkpoint
is, and which revisions of the page were already ingested (their attachments are not fetched
again). The apply stage reads both again under its lock; these reads only save work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from media import BlobStore
from server.evidence.service import PreparedPhoto, prepare_photo
from server.inspections.batch import Validated, among
from server.syncstate.models import IngestedRevision, SyncCheckpoint
from sync.couch import CouchClient, CouchError


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


@dataclass(frozen=True)
class Position:
    """Where a database's checkpoint stood when its page was read."""

    exists: bool
    seq: str | None
    backlog: int | None


@dataclass
class Fetched:
    """One batch, fetched: the changes to apply and all they need from CouchDB and media."""

    db: str
    position: Position
    feed: dict[str, Any]
    changes: list[dict[str, Any]]  # in feed order; fewer than the page if CouchDB went away
    complete: bool = True  # False: CouchDB stopped answering part-way (``interruption`` says)
    interruption: str | None = None
    cut: bool = False  # the page was cut short to bound the photo bytes held: more follows
    losers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    photos: dict[str, PreparedPhoto] = field(default_factory=dict)
    # What stopped one document (CouchDB refused it, its photo could not be stored): retried,
    # then quarantined, like any document that fails when applied.
    failures: dict[str, Exception] = field(default_factory=dict)
    # Submitted inspections validated while the previous batch was applied (sync/ahead.py).
    validated: dict[tuple[str, str], Validated] = field(default_factory=dict)


def position(sessions: sessionmaker[Session], db: str) -> Position:
    with sessions() as session:
        row = session.get(SyncCheckpoint, db)
        if row is None:
            return Position(False, None, None)
        return Position(True, row.seq, row.backlog)


def already_ingested(
    sessions: sessionmaker[Session], db: str, changes: list[dict[str, Any]]
) -> set[tuple[str, str]]:
    ids = [change["id"] for change in changes]
    if not ids:
        return set()
    with sessions() as session:
        return {
            (doc_id, rev)
            for doc_id, rev in session.execute(
                select(IngestedRevision.doc_id, IngestedRevision.rev).where(
                    IngestedRevision.db_name == db, among(session, IngestedRevision.doc_id, ids)
                )
            )
        }


def needs_ingest(change: dict[str, Any], seen: set[tuple[str, str]]) -> bool:
    doc_id: str = change["id"]
    if doc_id.split(":", 1)[0] not in ("inspection", "photo"):
        return False  # design documents, server-owned documents: not ours to read
    return (doc_id, revision_key(change)) not in seen


def needs_fetch(change: dict[str, Any]) -> bool:
    """Whether the change needs more than its feed entry: a photo's attachment, or the losing
    leaves of a conflict."""
    if change.get("deleted"):
        return False
    doc_id: str = change["id"]
    if doc_id.startswith("photo:"):
        return True
    return doc_id.startswith("inspection:") and len(change.get("changes", [])) > 1


# Photo bytes one batch may hold (originals wait in memory until their rows are written): a page
# of large photos is cut short after the photo that reaches this, and the rest is the next batch.
BATCH_PHOTO_BYTES = 64 * 1024 * 1024


class Fetcher:
    """Fetches a batch's conflict leaves and attachments, and prepares its photos in parallel
    (the bounded photo pool caps the decodes; this only keeps them busy while bytes arrive)."""

    def __init__(
        self,
        couch: CouchClient,
        store: BlobStore,
        *,
        workers: int = 4,
        budget: int = BATCH_PHOTO_BYTES,
    ) -> None:
        self.couch, self.store, self.budget = couch, store, budget
        self._preparer = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prepare")

    def close(self) -> None:
        self._preparer.shutdown(wait=True, cancel_futures=True)

    def complete(self, fetched: Fetched, seen: set[tuple[str, str]]) -> Fetched:
        """Fill ``fetched`` with what its changes need; stops where CouchDB stops answering,
        or after the photo that brings the bytes held to the budget."""
        preparing: dict[str, Future[PreparedPhoto]] = {}
        held = 0
        for index, change in enumerate(fetched.changes):
            if not needs_fetch(change) or not needs_ingest(change, seen):
                continue
            try:
                held += self._fetch_one(fetched, change, preparing)
            except CouchError as exc:
                if exc.status == 0 or exc.status >= 500:
                    fetched.changes = fetched.changes[:index]
                    fetched.complete, fetched.interruption = False, str(exc)
                    break
                fetched.failures[change["id"]] = exc
            if held >= self.budget and index + 1 < len(fetched.changes):
                fetched.changes, fetched.cut = fetched.changes[: index + 1], True
                break
        for doc_id, running in preparing.items():
            try:
                fetched.photos[doc_id] = running.result()
            except Exception as exc:  # the media store failed (disk, integrity): retried
                fetched.failures[doc_id] = exc
        return fetched

    def _fetch_one(
        self,
        fetched: Fetched,
        change: dict[str, Any],
        preparing: dict[str, Future[PreparedPhoto]],
    ) -> int:
        """Fetch what one change needs; returns the photo bytes now held for it."""
        doc_id, doc = change["id"], change.get("doc") or {}
        if doc_id.startswith("inspection:"):
            others = [c["rev"] for c in change["changes"] if c["rev"] != doc.get("_rev")]
            if others:
                bodies = self.couch.bulk_get_revs(fetched.db, doc_id, others)
                # a deleted leaf is a conflict someone already resolved: not a competing version
                fetched.losers[doc_id] = [body for body in bodies if not body.get("_deleted")]
            return 0
        attachments = doc.get("_attachments") or {}
        if len(attachments) != 1:
            return 0  # answered "no photo attached" when applied
        [name] = attachments
        data = self.couch.get_attachment(fetched.db, doc_id, name, rev=doc["_rev"])
        preparing[doc_id] = self._preparer.submit(
            prepare_photo, data, self.store, tablet_taken_at=_taken_at(doc)
        )
        return len(data)


def _taken_at(doc: dict[str, Any]) -> dt.datetime | None:
    """The tablet's clock when the photo was taken (its zone reads EXIF times)."""
    value = doc.get("taken_at")
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None
