"""Review models: batches, jurisdiction rules (versioned), and each filing's transitions."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class ReviewBatch(Base):
    """An industry batch of a city's review year with its deadline (S0 §四, S2 §七).

    A filing belongs to the batch of its year whose industries include its main industry;
    batches of one city and year never share an industry, so no filing is in two.
    """

    __tablename__ = "review_batches"
    __table_args__ = (UniqueConstraint("city", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(50))
    year: Mapped[int]
    industries: Mapped[list[str]] = mapped_column(JSON)
    deadline: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class JurisdictionSettings(Base):
    """One version of a city's review rules; the highest version in force on a day applies."""

    __tablename__ = "jurisdiction_settings"
    __table_args__ = (UniqueConstraint("city", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city: Mapped[str] = mapped_column(String(50))
    version: Mapped[int]
    effective_from: Mapped[dt.date]
    # A decimal written out ("0.30"): floats would round ceil(0.3 × 10) up to 4.
    sampling_rate: Mapped[str] = mapped_column(String(8))
    county_review_days: Mapped[int]
    city_review_days: Mapped[int]
    day_kind: Mapped[str] = mapped_column(String(10))  # calendar | working
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates, working days only
    extra_workdays: Mapped[list[str]] = mapped_column(JSON, default=list)  # 调休 weekend workdays
    multi_industry: Mapped[str] = mapped_column(String(20))  # rule 2
    # Henan (S2 §二): a plant downgraded within the past year may not be graded A, B or leading.
    bars_downgraded: Mapped[bool] = mapped_column(default=False)
    # Filing again after a decided grade (dynamic adjustment): the last day of the year it may be
    # received ("MM-DD": S0 §五(一) 12-10, S2 §七 12-31) and how many a site may make a year
    # (S0 §四(六), S2 §七: 一次); None: no limit.
    adjustment_deadline: Mapped[str | None] = mapped_column(String(5))
    adjustments_per_year: Mapped[int | None]
    # Rule 6: which penalty kinds bar which grades over which period (S0 §五(二), S2 §二,
    # S4 §四(二)); see server.compliance.kinds.
    penalty_bar_kinds: Mapped[list[str]] = mapped_column(JSON)
    penalty_bar_grades: Mapped[list[str]] = mapped_column(JSON)
    penalty_bar_period: Mapped[str] = mapped_column(String(20))  # rolling_365 | calendar_year
    # Rule 17: months of gate and loading-point video a plant must keep (6 in S1 §(五)).
    gate_video_retention_months: Mapped[int] = mapped_column(default=6)
    # Pollution level -> grades exempt from emergency measures (Shaoxing, S4 §四(三)).
    pollution_exemptions: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReviewTransition(Base):
    """One step of a filing through the workflow: who moved it, from where to where, on which day."""

    __tablename__ = "review_transitions"
    __table_args__ = (Index("ix_review_transitions_filing_to", "filing_id", "to_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[dt.date]  # the day in China it happened; deadlines count from it
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    # Returned for supplement: every missing item, told to the plant at once (S4 §三(二)).
    missing_items: Mapped[list[Any] | None] = mapped_column(JSON)
    # A supplement: the material it brought, each piece named. A later return may list only
    # items of an earlier list left unfixed or problems of this material (server.review.told).
    supplied_items: Mapped[list[Any] | None] = mapped_column(JSON)


class DecisionOutcome(enum.StrEnum):
    confirm = "confirm"  # the grade is confirmed as claimed
    grade_down = "grade_down"  # graded down to ``grade`` (降级评定)
    new_visit = "new_visit"  # returned for a new on-site visit


class DecisionStatus(enum.StrEnum):
    proposed = "proposed"  # one reviewer proposed; a second must confirm
    confirmed = "confirmed"  # a second reviewer confirmed: the decision stands
    rejected = "rejected"  # the second reviewer refused it; a new proposal is needed
    withdrawn = "withdrawn"  # the proposer took it back before anyone confirmed


class ReviewDecision(Base):
    """A city review decision on a filing: one reviewer proposes, another confirms (four eyes).

    Nobody may propose or confirm a decision on a filing whose visit they took part in.
    """

    __tablename__ = "review_decisions"
    __table_args__ = (
        Index("ix_review_decisions_filing_status", "filing_id", "status"),
        # One open proposal per filing, also between two reviewers proposing at once.
        Index(
            "uq_review_decisions_open_filing",
            "filing_id",
            unique=True,
            postgresql_where=text("status = 'proposed'"),
            sqlite_where=text("status = 'proposed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"))
    outcome: Mapped[DecisionOutcome] = mapped_column(
        Enum(DecisionOutcome, native_enum=False, length=12)
    )
    grade: Mapped[str | None] = mapped_column(String(12))  # the decided grade (not for new_visit)
    reason_codes: Mapped[list[str]] = mapped_column(JSON)  # from the reason-code catalogue
    comment: Mapped[str | None] = mapped_column(Text)
    # the evidence-supported grade and result fingerprint the proposer saw
    supported_grade: Mapped[str | None] = mapped_column(String(12))
    evidence_fingerprint: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[DecisionStatus] = mapped_column(
        Enum(DecisionStatus, native_enum=False, length=12), default=DecisionStatus.proposed
    )
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime | None]
    confirm_comment: Mapped[str | None] = mapped_column(Text)
    # A proposal that did not stand: who rejected (a second reviewer) or withdrew (the
    # proposer) it, when, and why.
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None]
    close_comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
