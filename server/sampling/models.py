"""Draws and their entries. Nothing here is ever updated but a draw's publication."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, utcnow


class Draw(Base):
    """One draw of a review batch: the first (main) or a supplementary one for late filings."""

    __tablename__ = "draws"
    __table_args__ = (UniqueConstraint("batch_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("review_batches.id"), index=True)
    sequence: Mapped[int]  # 1 for the main draw, then 2, 3… for supplementary ones
    kind: Mapped[str] = mapped_column(String(15))  # main | supplementary
    algorithm_version: Mapped[str] = mapped_column(String(40))
    seed: Mapped[str] = mapped_column(String(200))
    sampling_rate: Mapped[str] = mapped_column(String(8))  # exact decimal, "0.30"
    settings_version: Mapped[int | None]  # the jurisdiction settings version the rate came from
    eligible_hash: Mapped[str] = mapped_column(String(64))
    eligible_count: Mapped[int]
    selected_hash: Mapped[str] = mapped_column(String(64))
    selected_count: Mapped[int]
    drawn_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    drawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Before publication only city reviewers and admins see the draw.
    published_at: Mapped[dt.datetime | None]
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Until then the selection must not reach the plants (hidden until the visit).
    disclose_after: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    entries: Mapped[list[DrawEntry]] = relationship(
        back_populates="draw", order_by="DrawEntry.filing_id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class DrawEntry(Base):
    """One candidate of a draw, frozen as it was drawn: enough to re-draw without the filings."""

    __tablename__ = "draw_entries"
    __table_args__ = (UniqueConstraint("draw_id", "filing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id"))
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    county: Mapped[str] = mapped_column(String(50))
    industry_code: Mapped[str] = mapped_column(String(50))
    claimed_grade: Mapped[str] = mapped_column(String(12))
    score: Mapped[str] = mapped_column(String(64))
    rank: Mapped[int | None]
    selected: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(12))  # full_check | sampled | not_sampled

    draw: Mapped[Draw] = relationship(back_populates="entries")
