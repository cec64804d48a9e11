"""Appending audit events to the one hash chain, and checking the chain that is stored.

Callers call ``record(...)``: the event is added to the session and takes its place in the
chain when the session flushes (the hook is in ``server.audit.models``). ``record_many``
appends many events with one multi-row INSERT (the sync worker's batches), under the same lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from server.audit.chain import VerifyReport, content_text, dumps, normalise_data, verify
from server.audit.models import HEAD_ID, AuditChainHead, AuditEvent, lock_head, move_head
from server.db import insert_rows, utcnow

_HEAD = cast(Table, AuditChainHead.__table__)
_EVENTS = cast(Table, AuditEvent.__table__)


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event; it takes its place in the chain when the session flushes."""
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        data=data or {},
    )
    session.add(event)
    return event


def record_many(session: Session, events: Iterable[Mapping[str, Any]]) -> int:
    """Append events given as mappings (the ``record`` keywords, and ``at``) with one INSERT;
    how many. Events recorded earlier in the session are flushed first, so positions follow
    the order of the calls.

    Each event's data is written once: the canonical text that is hashed is the text stored.
    """
    rows = []
    for item in events:
        rows.append(
            {
                "at": item.get("at") or utcnow(),
                "actor_id": item.get("actor_id"),
                "action": item["action"],
                "subject_type": item["subject_type"],
                "subject_id": item.get("subject_id"),
                "data_text": dumps(normalise_data(item.get("data"))),
            }
        )
    if not rows:
        return 0
    if any(isinstance(obj, AuditEvent) for obj in session.new):
        session.flush()
    seq, last = lock_head(session)
    for row in rows:
        seq += 1
        row["seq"], row["prev_hash"] = seq, last
        text = content_text(
            seq=seq,
            prev_hash=last,
            at=row["at"],
            actor_id=row["actor_id"],
            action=row["action"],
            subject_type=row["subject_type"],
            subject_id=row["subject_id"],
            data_text=row["data_text"],
        )
        row["hash"] = last = hashlib.sha256(text.encode("utf-8")).hexdigest()
    insert_rows(session, _EVENTS, rows, raw={"data": "data_text"})
    move_head(session, seq, last)
    return len(rows)


def chain_head(session: Session) -> tuple[int, str] | None:
    """The recorded (seq, hash) of the newest event, unlocked; None before migration."""
    row = session.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID)).first()
    return (int(row.seq), str(row.hash)) if row is not None else None


def verify_chain(session: Session, *, batch: int = 1000) -> VerifyReport:
    """Check the stored chain from seq 1 to the head, streaming ``batch`` rows at a time."""
    head = chain_head(session)
    columns = [_EVENTS.c[name] for name in ("id", *_CHAINED)]
    result = session.execute(
        select(*columns).order_by(_EVENTS.c.seq).execution_options(yield_per=batch)
    )
    try:
        return verify((row._mapping for row in result), head=head)
    finally:
        result.close()


_CHAINED = (
    "seq",
    "prev_hash",
    "hash",
    "at",
    "actor_id",
    "action",
    "subject_type",
    "subject_id",
    "data",
)
