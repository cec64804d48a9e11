"""Audit events: who did what to which record, when, with the data they sent, hash-chained.

Each event has a position ``seq`` (1, 2, 3 …), the ``hash`` of the event before it
(``prev_hash``) and its own ``hash`` over its canonical bytes (``server.audit.chain``). The
newest position and hash are kept in the one row of ``audit_chain_head``, which every
transaction that appends locks first (``server.audit.service``), so there is one linear chain
however many web and sync workers write. Events are appended, never updated or deleted
(enforced below for the ORM; a raw SQL change is what ``flask audit verify`` finds).

When a session flushes new events, the ``before_flush`` hook below locks the head row
(``SELECT … FOR UPDATE``; SQLite serialises writers by itself), gives each new event its
``seq``, ``prev_hash`` and ``hash`` in the order they were added, and moves the head: one lock
per flush, not per event, held until the transaction ends, so two transactions never take the
same position. It lives with the model so that no way of adding an event can miss it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import JSON, CheckConstraint, Index, String, Table, event, select, update
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column
from sqlalchemy.orm.base import instance_state

from server.audit.chain import compute_hash, normalise_data
from server.db import Base, utcnow

HEAD_ID = 1


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None]  # None for system actions (migrations, demo load, worker)
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Set when the event is flushed, under the head's lock (server.audit.service).
    seq: Mapped[int] = mapped_column(unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The newest event's position and hash: one row (id 1), locked by every append."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint(f"id = {HEAD_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]  # 0 before the first event
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    raise RuntimeError(f"audit event {target.id} is append-only")


_HEAD = cast(Table, AuditChainHead.__table__)


def lock_head(session: Session) -> tuple[int, str]:
    """The head's (seq, hash), locked until the transaction ends. Raises RuntimeError when the
    database was not migrated (there is no head row)."""
    row = session.execute(
        select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
    ).one_or_none()
    if row is None:
        raise RuntimeError("the audit chain has no head row; run `flask --app wsgi db upgrade`")
    return int(row.seq), str(row.hash)


def move_head(session: Session, seq: int, last: str) -> None:
    session.execute(update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(seq=seq, hash=last))


@event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    new.sort(key=lambda obj: instance_state(obj).insert_order or 0)
    seq, last = lock_head(session)
    for item in new:
        # Assigned again if a failed flush is retried: the head is read under the lock each time.
        item.at = item.at or utcnow()
        item.data = normalise_data(item.data)
        seq += 1
        item.seq, item.prev_hash = seq, last
        item.hash = last = compute_hash(
            seq=seq,
            prev_hash=item.prev_hash,
            at=item.at,
            actor_id=item.actor_id,
            action=item.action,
            subject_type=item.subject_type,
            subject_id=item.subject_id,
            data=item.data,
        )
    move_head(session, seq, last)
