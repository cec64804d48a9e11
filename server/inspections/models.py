"""The inspection record: what inspectors filled on site, as ingested from their tablets.

One row per device-made inspection document. The winning revision's content is kept on the row
(its answers as JSON, in the shape the form validator reads); every revision received — and
every losing revision of a conflict — is kept in ``inspection_revisions``. Nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, utcnow


class InspectionStatus(enum.StrEnum):
    draft = "draft"  # still being filled on the tablet
    accepted = "accepted"  # submitted and valid against its pinned form version
    rejected = "rejected"  # submitted with problems the inspector can act on
    withdrawn = "withdrawn"  # deleted on the tablet; kept here


class Inspection(Base):
    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(120), unique=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(String(100))
    form_id: Mapped[str | None] = mapped_column(String(60))
    form_version: Mapped[int | None]
    form_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[InspectionStatus] = mapped_column(
        Enum(InspectionStatus, native_enum=False, length=12)
    )
    started_at: Mapped[dt.datetime | None]
    submitted_at: Mapped[dt.datetime | None]
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    current_rev: Mapped[str] = mapped_column(String(80))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # One inspector, two tablets, the same inspection edited offline on both (a real conflict):
    # CouchDB's deterministic winner is the row's content; the losers are kept and a reviewer
    # is asked to look.
    has_conflict: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    revisions: Mapped[list[InspectionRevision]] = relationship(
        back_populates="inspection", order_by="InspectionRevision.id"
    )

    __mapper_args__ = {"version_id_col": version}


class InspectionRevision(Base):
    __tablename__ = "inspection_revisions"
    __table_args__ = (UniqueConstraint("inspection_id", "rev"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    rev: Mapped[str] = mapped_column(String(80))
    winner: Mapped[bool]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    inspection: Mapped[Inspection] = relationship(back_populates="revisions")
