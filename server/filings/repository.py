"""Filing queries: the filtered, paginated list reviewers page through, and single filings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from server.accounts.actor import Actor
from server.errors import NotFound
from server.filings.models import Filing, FilingStatus, IndicatorClaim, IndustryCase
from server.registry.models import Enterprise, Site


@dataclass(frozen=True)
class FilingFilter:
    county: str | None = None
    industry: str | None = None
    claimed_grade: str | None = None
    status: FilingStatus | None = None
    year: int | None = None
    enterprise_id: int | None = None


def _scoped(actor: Actor) -> Select[Filing]:
    query = select(Filing).join(Filing.site).join(Site.enterprise)
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    return query


def list_filings(
    session: Session, actor: Actor, filters: FilingFilter, *, offset: int, limit: int
) -> tuple[list[Filing], int]:
    conditions: list[ColumnElement[bool]] = []
    if filters.status:
        conditions.append(Filing.status == filters.status)
    if filters.year:
        conditions.append(Filing.year == filters.year)
    if filters.industry or filters.claimed_grade:
        case = select(IndustryCase.id).where(IndustryCase.filing_id == Filing.id)
        if filters.industry:
            case = case.where(IndustryCase.industry_code == filters.industry)
        if filters.claimed_grade:
            case = case.where(IndustryCase.claimed_grade == filters.claimed_grade)
        conditions.append(exists(case))
    placed: list[ColumnElement[bool]] = []
    county = actor.county or filters.county
    if actor.county and filters.county and filters.county != actor.county:
        return [], 0  # a county outside the actor's scope holds nothing they may see
    if county:
        placed.append(Enterprise.county == county)
    if filters.enterprise_id:
        placed.append(Site.enterprise_id == filters.enterprise_id)
    # Count on filings alone unless a condition needs the site or enterprise: with 5,000+
    # filings the joins were most of the list's time.
    count = select(func.count(Filing.id)).where(*conditions)
    if placed:
        count = count.join(Filing.site).join(Site.enterprise).where(*placed)
    total = session.scalar(count) or 0
    page = (
        select(Filing)
        .join(Filing.site)
        .join(Site.enterprise)
        .where(*conditions, *placed)
        .options(
            contains_eager(Filing.site).contains_eager(Site.enterprise),
            selectinload(Filing.cases),
        )
        .order_by(Filing.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(page).unique()), total


def get_filing(session: Session, actor: Actor, filing_id: int) -> Filing:
    """The filing with its cases and claims. Raises NotFound outside the actor's scope."""
    query = (
        _scoped(actor)
        .where(Filing.id == filing_id)
        .options(
            contains_eager(Filing.site).contains_eager(Site.enterprise),
            selectinload(Filing.cases)
            .selectinload(IndustryCase.claims)
            .selectinload(IndicatorClaim.documents),
        )
    )
    filing = session.scalar(query)
    if filing is None:
        raise NotFound(f"filing {filing_id} not found in your scope")
    return filing


def get_claim(session: Session, actor: Actor, claim_id: int) -> IndicatorClaim:
    query = (
        select(IndicatorClaim)
        .join(IndicatorClaim.case)
        .join(IndustryCase.filing)
        .join(Filing.site)
        .join(Site.enterprise)
        .where(IndicatorClaim.id == claim_id)
        .options(selectinload(IndicatorClaim.documents))
    )
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    claim = session.scalar(query)
    if claim is None:
        raise NotFound(f"claim {claim_id} not found in your scope")
    return claim


def filing_exists(session: Session, site_id: int, year: int) -> bool:
    query = select(Filing.id).where(Filing.site_id == site_id, Filing.year == year)
    return session.scalar(query) is not None
