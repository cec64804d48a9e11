"""A downgrade after a later check (rule 14, S4 §三(四)): the new grade, why, and on what evidence."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class CheckKind(enum.StrEnum):
    """The later checks S4 §三(四) names: "后期抽查、日常检查、监督执法"."""

    sampled_check = "sampled_check"  # 后期抽查
    routine_inspection = "routine_inspection"  # 日常检查
    enforcement = "enforcement"  # 监督执法


class GradeDowngrade(Base):
    """One downgrade of a decided filing: from which grade to which, found by which check.

    With the confirmed review decisions it makes the filing's grade history
    (``server.review.grades``); the latest of them is the grade that counts.
    """

    __tablename__ = "grade_downgrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    from_grade: Mapped[str] = mapped_column(String(12))
    grade: Mapped[str] = mapped_column(String(12))
    check_kind: Mapped[CheckKind] = mapped_column(Enum(CheckKind, native_enum=False, length=20))
    reason: Mapped[str] = mapped_column(Text)  # what is no longer met
    evidence: Mapped[str] = mapped_column(Text)  # the check's record: date, number, findings
    falsification: Mapped[bool] = mapped_column(default=False)  # 隐瞒情况或提供虚假材料
    integrity_record_id: Mapped[int | None] = mapped_column(ForeignKey("integrity_records.id"))
    effective_on: Mapped[dt.date]  # the day in China it takes effect
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    transition_id: Mapped[int | None] = mapped_column(ForeignKey("review_transitions.id"))
