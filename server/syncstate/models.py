"""Sync state. Committed in the same transaction as the effects it records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class SyncCheckpoint(Base):
    """Where the worker is in one database's ``_changes`` feed. ``seq`` is opaque: stored and
    sent back, never compared or parsed."""

    __tablename__ = "sync_checkpoints"

    db_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seq: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[dt.datetime | None]  # last time a change was processed
    checked_at: Mapped[dt.datetime | None]  # last time the feed was read
    backlog: Mapped[int | None]  # changes pending after the checkpoint, when last read


class IngestedRevision(Base):
    """A (document, revision) the worker has handled: replays are skipped, never re-applied."""

    __tablename__ = "sync_ingested_revisions"
    __table_args__ = (UniqueConstraint("db_name", "doc_id", "rev"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    db_name: Mapped[str] = mapped_column(String(60))
    doc_id: Mapped[str] = mapped_column(String(200))
    rev: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SyncFailure(Base):
    """Attempts at a revision that raised; after the cap it is quarantined."""

    __tablename__ = "sync_failures"
    __table_args__ = (UniqueConstraint("db_name", "doc_id", "rev"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    db_name: Mapped[str] = mapped_column(String(60))
    doc_id: Mapped[str] = mapped_column(String(200))
    rev: Mapped[str] = mapped_column(String(80))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text)
    quarantined: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OutboxDocument(Base):
    """A server-owned document to write into an inspector database (feedback, assignment,
    form, or a withdrawal). Written after the commit; resent until CouchDB has it."""

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    db_name: Mapped[str] = mapped_column(String(60))
    doc_id: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class AssignmentPush(Base):
    """Which version of an assignment a member's tablet database was sent."""

    __tablename__ = "sync_assignment_pushes"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    pushed_version: Mapped[int]
    withdrawn: Mapped[bool] = mapped_column(default=False)


class WorkerHeartbeat(Base):
    """A sync worker's sign of life: when it last finished a pass, and the backlog it saw.

    Written at most every ``heartbeat_every`` seconds (an idle worker writes nothing else), so
    a heartbeat older than a few of those intervals means the worker has stopped."""

    __tablename__ = "sync_worker_heartbeats"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    beat_at: Mapped[dt.datetime]
    backlog: Mapped[int | None]  # changes waiting over all its databases; None: unknown
    pid: Mapped[int | None]
    host: Mapped[str | None] = mapped_column(String(120))
    last_error: Mapped[str | None] = mapped_column(Text)  # the last database error it retried
