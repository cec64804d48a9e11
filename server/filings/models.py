"""Filing models: Filing → IndustryCase (guide version, industry, grade) → IndicatorClaim."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, utcnow
from server.registry.models import Site


class FilingStatus(enum.StrEnum):
    """Review states (S4 §三); the transitions between them belong to the review workflow."""

    received = "received"
    county_review = "county_review"
    returned = "returned"  # returned for supplement
    forwarded = "forwarded"  # forwarded to the city
    city_review = "city_review"
    decided = "decided"
    withdrawn = "withdrawn"
    downgraded = "downgraded"  # downgraded after a later check (rule 14)


# States in which a filing is still being reviewed: a site has at most one such filing a year.
OPEN_STATUSES = frozenset(
    {
        FilingStatus.received,
        FilingStatus.county_review,
        FilingStatus.returned,
        FilingStatus.forwarded,
        FilingStatus.city_review,
    }
)
# States after a confirmed decision: the filing carries a decided grade.
DECIDED_STATUSES = frozenset({FilingStatus.decided, FilingStatus.downgraded})


class FilingKind(enum.StrEnum):
    """Why a site files (again) in a year; ``server.review.refiling`` decides which applies."""

    initial = "initial"  # the site's first filing of the year (rule 13: every year anew)
    refiling = "refiling"  # again, every earlier filing of the year having been withdrawn
    # again after a decided grade: the year's dynamic adjustment (S0 §四(六), §五(一); S2 §七)
    dynamic_adjustment = "dynamic_adjustment"
    higher_grade = "higher_grade"  # asking a higher grade than the decided one (S4 §三(四))


class Filing(Base):
    """One filing of a site in a year; a site may file again within the year (``sequence``)."""

    __tablename__ = "filings"
    __table_args__ = (
        UniqueConstraint("site_id", "year", "sequence"),
        Index("ix_filings_site_year", "site_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    year: Mapped[int]  # graded plants resubmit every year (rule 13)
    sequence: Mapped[int] = mapped_column(default=1)  # 1, 2, … within the site's year
    kind: Mapped[FilingKind] = mapped_column(
        Enum(FilingKind, native_enum=False, length=20), default=FilingKind.initial
    )
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"))
    status: Mapped[FilingStatus] = mapped_column(
        Enum(FilingStatus, native_enum=False, length=20), default=FilingStatus.received, index=True
    )
    essential_service: Mapped[bool] = mapped_column(default=False)  # 保障类企业
    received_on: Mapped[dt.date]
    supplement_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    site: Mapped[Site] = relationship(back_populates="filings")
    cases: Mapped[list[IndustryCase]] = relationship(
        back_populates="filing", order_by="IndustryCase.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class IndustryCase(Base):
    """One industry of a filing, graded under one guide version."""

    __tablename__ = "industry_cases"
    __table_args__ = (
        UniqueConstraint("filing_id", "industry_code"),
        Index("ix_industry_cases_industry_grade", "industry_code", "claimed_grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    guide_version: Mapped[str] = mapped_column(String(20))
    industry_code: Mapped[str] = mapped_column(String(50))
    claimed_grade: Mapped[str] = mapped_column(String(12))
    is_main: Mapped[bool] = mapped_column(default=True)  # 主行业 (S2 §二, S4 §三(二))

    filing: Mapped[Filing] = relationship(back_populates="cases")
    claims: Mapped[list[IndicatorClaim]] = relationship(
        back_populates="case", order_by="IndicatorClaim.id", cascade="all, delete-orphan"
    )


class IndicatorClaim(Base):
    """What the filing claims for one indicator (差异化指标) of the industry's table."""

    __tablename__ = "indicator_claims"
    __table_args__ = (UniqueConstraint("case_id", "indicator_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("industry_cases.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    indicator_code: Mapped[str] = mapped_column(String(100))
    claimed_value: Mapped[str | None] = mapped_column(String(200))
    statement: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[IndustryCase] = relationship(back_populates="claims")
    documents: Mapped[list[SupportingDocument]] = relationship(
        back_populates="claim", order_by="SupportingDocument.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class SupportingDocument(Base):
    """A document the plant offers in support of a claim (permit, test report, invoice...)."""

    __tablename__ = "supporting_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("indicator_claims.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(200))  # document number
    sha256: Mapped[str | None] = mapped_column(String(64))  # when the file is in the media store

    claim: Mapped[IndicatorClaim] = relationship(back_populates="documents")
