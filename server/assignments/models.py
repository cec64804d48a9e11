"""Assignment models. The sync worker pushes assignments to the members' tablets (issue 5)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.accounts.models import User
from server.db import Base, utcnow


class AssignmentStatus(enum.StrEnum):
    planned = "planned"  # proposed or made by a reviewer, not yet on any tablet
    published = "published"  # the sync worker pushes it to every member's database
    cancelled = "cancelled"
    done = "done"


ACTIVE_STATUSES = frozenset({AssignmentStatus.planned, AssignmentStatus.published})


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("draws.id"), index=True)
    reason: Mapped[str] = mapped_column(String(12))  # full_check | sampled
    window_start: Mapped[dt.datetime]
    window_end: Mapped[dt.datetime]
    status: Mapped[AssignmentStatus] = mapped_column(
        Enum(AssignmentStatus, native_enum=False, length=12),
        default=AssignmentStatus.planned,
        index=True,
    )
    # The form versions pinned when the assignment was made: [{form_id, version, sha256}].
    # Stored, not recomputed, so a form published later never changes a visit under way.
    form_pins: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Touched by every change, members included, so the row's version (the ETag, and what the
    # sync worker compares before pushing again) moves whenever anything the tablet sees does.
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    members: Mapped[list[AssignmentMember]] = relationship(
        back_populates="assignment",
        order_by="(AssignmentMember.is_lead.desc(), AssignmentMember.user_id)",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}


class AssignmentMember(Base):
    __tablename__ = "assignment_members"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)

    assignment: Mapped[Assignment] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
