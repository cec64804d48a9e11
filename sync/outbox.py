"""Server-owned documents on their way to inspector databases.

Queued in SQL in the same transaction as the change that caused them; written to CouchDB after
the commit; resent until CouchDB has them. A crash between commit and write loses nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from server.syncstate.models import OutboxDocument
from sync.couch import CouchClient, CouchError

FLUSH_BATCH = 200


def enqueue(session: Session, *, db_name: str, doc_id: str, body: dict[str, Any]) -> None:
    session.add(OutboxDocument(db_name=db_name, doc_id=doc_id, body=body))


def feedback_body(
    *, doc_id: str, rev: str, status: str, problems: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "type": "feedback",
        "schema_version": 1,
        "about": {"id": doc_id, "rev": rev},
        "status": status,
        "problems": problems,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def flush(sessions: sessionmaker[Session], couch: CouchClient) -> int:
    """Write pending documents, a database at a time in bulk; returns how many were written."""
    written = 0
    with sessions() as session:
        while True:
            pending = session.scalars(
                select(OutboxDocument)
                .where(OutboxDocument.sent_at.is_(None))
                .order_by(OutboxDocument.id)
                .limit(FLUSH_BATCH)
            ).all()
            if not pending:
                return written
            by_db: dict[str, list[OutboxDocument]] = {}
            for item in pending:
                by_db.setdefault(item.db_name, []).append(item)
            progressed = False
            for db, items in by_db.items():
                try:
                    done = _write_batch(couch, db, items)
                except CouchError as exc:
                    for item in items:
                        item.attempts += 1
                        item.last_error = str(exc)[:500]
                    session.commit()
                    if exc.status == 0:
                        return written  # CouchDB is away: the rest waits for the next pass
                    continue
                now = dt.datetime.now(dt.UTC)
                for item in done:
                    item.sent_at = now
                written += len(done)
                progressed = progressed or bool(done)
                session.commit()
            if not progressed:
                return written


def _write_batch(couch: CouchClient, db: str, items: list[OutboxDocument]) -> list[OutboxDocument]:
    """Write the newest queued body of each document; earlier ones for the same document are
    superseded. Returns the items now settled."""
    latest: dict[str, OutboxDocument] = {}
    for item in items:
        latest[item.doc_id] = item  # queue order: a later body wins
    revs = couch.current_revs(db, list(latest))
    docs = []
    for doc_id, item in latest.items():
        body = {**item.body, "_id": doc_id}
        if doc_id in revs:
            body["_rev"] = revs[doc_id]
        elif body.get("_deleted"):
            continue  # withdrawing what is not there: nothing to do
        docs.append(body)
    answers = couch.bulk_docs(db, docs) if docs else []
    failed = {a.get("id") for a in answers if a.get("error")}
    for answer in answers:
        if answer.get("error"):
            item = latest[answer["id"]]
            item.attempts += 1
            item.last_error = f"{answer.get('error')}: {answer.get('reason')}"[:500]
    return [item for item in items if item.doc_id not in failed]
