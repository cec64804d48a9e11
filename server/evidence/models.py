"""Photos as received. The evidence checks (EXIF, geofence, time, reuse) attach to these rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class Photo(Base):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(120), unique=True)
    door: Mapped[str] = mapped_column(String(10))  # "sync" or "upload"
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    inspection_doc_id: Mapped[str | None] = mapped_column(String(120), index=True)
    item: Mapped[str | None] = mapped_column(String(200))  # the form item it answers
    device_id: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(40))
    tablet_taken_at: Mapped[dt.datetime | None]  # the time the tablet recorded
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    current_rev: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12))  # accepted | rejected | withdrawn
    problem: Mapped[str | None] = mapped_column(String(300))
