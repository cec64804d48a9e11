"""Sync status from SQL: per inspector database, how far the worker is and what it set aside."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.syncstate.models import OutboxDocument, SyncCheckpoint, SyncFailure


@dataclass(frozen=True)
class DatabaseStatus:
    db_name: str
    user_id: int
    username: str
    backlog: int | None  # None: unknown (the store does not say and the last batch was full)
    processed_at: dt.datetime | None
    checked_at: dt.datetime | None
    retrying: int
    quarantined: int
    outbox_pending: int


def sync_status(session: Session, actor: Actor) -> list[DatabaseStatus]:
    """Every inspector database the worker knows, for administrators."""
    actor.require(Role.admin)
    failures = dict(
        session.execute(
            select(SyncFailure.db_name, func.count())
            .where(SyncFailure.quarantined.is_(False))
            .group_by(SyncFailure.db_name)
        ).all()
    )
    quarantined = dict(
        session.execute(
            select(SyncFailure.db_name, func.count())
            .where(SyncFailure.quarantined.is_(True))
            .group_by(SyncFailure.db_name)
        ).all()
    )
    outbox = dict(
        session.execute(
            select(OutboxDocument.db_name, func.count())
            .where(OutboxDocument.sent_at.is_(None))
            .group_by(OutboxDocument.db_name)
        ).all()
    )
    rows = session.execute(
        select(SyncCheckpoint, User.username)
        .join(User, User.id == SyncCheckpoint.user_id)
        .order_by(SyncCheckpoint.db_name)
    ).all()
    return [
        DatabaseStatus(
            db_name=cp.db_name,
            user_id=cp.user_id,
            username=username,
            backlog=cp.backlog,
            processed_at=cp.processed_at,
            checked_at=cp.checked_at,
            retrying=failures.get(cp.db_name, 0),
            quarantined=quarantined.get(cp.db_name, 0),
            outbox_pending=outbox.get(cp.db_name, 0),
        )
        for cp, username in rows
    ]


def quarantined_documents(session: Session, actor: Actor) -> list[SyncFailure]:
    actor.require(Role.admin)
    query = select(SyncFailure).where(SyncFailure.quarantined.is_(True))
    return list(session.scalars(query.order_by(SyncFailure.updated_at.desc())))
