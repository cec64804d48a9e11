"""The review queue: filings in the reviewer's scope, filtered, a page at a time, with the
deadline each one runs against (overdue ones marked).

Built on the filings repository (``list_filings``) and the review deadlines (``deadline_of``):
without a deadline filter the list is the repository's; with one it is ``list_deadlines``' order
(most overdue, or soonest due, first), computed per group of filings whose clocks started
together (``server.web.deadline_queue``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from server.accounts.actor import Actor
from server.catalogue import catalogue
from server.clock import china_today
from server.filings.models import Filing, FilingStatus, IndustryCase
from server.filings.repository import FilingFilter, list_filings
from server.registry.models import Enterprise, Site
from server.review.deadlines import Deadline, DeadlineKind, deadline_of
from server.review.jurisdiction import JurisdictionRules, rules_for
from server.review.models import ReviewTransition
from server.review.register import Late, late_filings
from server.web.deadline_queue import DueFilter, due_page
from server.web.progress import Stage, list_at_stage

PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueFilter:
    county: str | None = None
    industry: str | None = None
    claimed_grade: str | None = None
    status: FilingStatus | None = None
    deadline: DeadlineKind | None = None
    within: int = 7
    stage: Stage | None = None  # the dashboard's stages (server.web.progress)


@dataclass(frozen=True)
class QueueRow:
    filing: Filing
    main_case: IndustryCase | None
    deadline: Deadline | None
    days_left: int | None
    late: Late | None = None  # filed after its batch's deadline (S1 §(十七))

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def review_queue(
    session: Session,
    actor: Actor,
    filters: QueueFilter,
    *,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> QueuePage:
    """One page of the queue. County reviewers see their county only (another county: empty)."""
    actor.require_registry_reader()
    today = today or china_today()
    offset = (max(page, 1) - 1) * page_size
    if filters.deadline is None:
        listed = FilingFilter(
            county=filters.county,
            industry=filters.industry,
            claimed_grade=filters.claimed_grade,
            status=filters.status,
        )
        if filters.stage is not None:
            filings, total = list_at_stage(
                session, actor, filters.stage, listed, offset=offset, limit=page_size
            )
        else:
            filings, total = list_filings(session, actor, listed, offset=offset, limit=page_size)
        deadlines = _deadlines_of(session, filings, today)
        late = late_filings(session, filings)
        rows = [_row(f, deadlines.get(f.id), today, late.get(f.id)) for f in filings]
        return QueuePage(rows, total, page, page_size)
    window, total = due_page(
        session,
        actor,
        DueFilter(
            kind=filters.deadline,
            within=filters.within,
            county=filters.county,
            industry=filters.industry,
            claimed_grade=filters.claimed_grade,
            status=filters.status,
        ),
        today=today,
        offset=offset,
        limit=page_size,
    )
    by_id = _load(session, [filing_id for filing_id, _ in window])
    late = late_filings(session, by_id.values())
    rows = [
        _row(by_id[filing_id], deadline, today, late.get(filing_id))
        for filing_id, deadline in window
    ]
    return QueuePage(rows, total, page, page_size)


def _row(filing: Filing, deadline: Deadline | None, today: dt.date, late: Late | None) -> QueueRow:
    main = next((c for c in filing.cases if c.is_main), filing.cases[0] if filing.cases else None)
    left = deadline.days_left(today) if deadline else None
    return QueueRow(filing, main, deadline, left, late)


def _load(session: Session, ids: list[int]) -> dict[int, Filing]:
    if not ids:
        return {}
    query = (
        select(Filing)
        .join(Filing.site)
        .join(Site.enterprise)
        .where(Filing.id.in_(ids))
        .options(
            contains_eager(Filing.site).contains_eager(Site.enterprise),
            selectinload(Filing.cases),
        )
    )
    return {filing.id: filing for filing in session.scalars(query).unique()}


def _deadlines_of(
    session: Session, filings: list[Filing], today: dt.date
) -> dict[int, Deadline | None]:
    """The running deadline of each filing of a page: one query for the days they were
    forwarded, the rules once per city (not two queries per row)."""
    if not filings:
        return {}
    forwarded = dict(
        session.execute(
            select(ReviewTransition.filing_id, func.max(ReviewTransition.effective_on))
            .where(
                ReviewTransition.filing_id.in_([f.id for f in filings]),
                ReviewTransition.to_status == FilingStatus.forwarded.value,
            )
            .group_by(ReviewTransition.filing_id)
        ).all()
    )
    rules: dict[str, JurisdictionRules] = {}
    result: dict[int, Deadline | None] = {}
    for filing in filings:
        city = filing.site.enterprise.city
        if city not in rules:
            rules[city] = rules_for(session, city, today)
        result[filing.id] = deadline_of(
            rules[city],
            filing.status,
            received_on=filing.received_on,
            supplement_on=filing.supplement_on,
            forwarded_on=forwarded.get(filing.id),
        )
    return result


def counties_in_scope(session: Session, actor: Actor) -> list[str]:
    """The counties the reviewer may filter by: their own, or every county with a plant."""
    if actor.county is not None:
        return [actor.county]
    return sorted(session.scalars(select(Enterprise.county).distinct()))


def industries_filed(session: Session) -> list[tuple[str, str, str]]:
    """(code, Chinese name, English name) of every industry some filing claims a grade in."""
    codes = sorted(session.scalars(select(IndustryCase.industry_code).distinct()))
    names: dict[str, tuple[str, str]] = {}
    for guide in catalogue().guides.values():
        for code, industry in guide.industries.items():
            names.setdefault(code, (industry.name_zh, industry.name_en))
    return [(code, *names.get(code, (code, code))) for code in codes]


def grades_on_scales() -> list[str]:
    """Every grade of every shipped scale, best first within each scale."""
    grades: dict[str, None] = {}
    for guide in catalogue().guides.values():
        for industry in guide.industries.values():
            for grade in industry.scale:
                grades.setdefault(grade, None)
    return list(grades)


def industry_name(code: str) -> tuple[str, str]:
    for guide in catalogue().guides.values():
        industry = guide.industries.get(code)
        if industry is not None:
            return industry.name_zh, industry.name_en
    return code, code
