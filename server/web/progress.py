"""The city's progress: filings per county and industry at each stage, grades decided against
claimed, and the Henan 2024 targets; SQL aggregates only, never a loop over filings. Both
stage tables (per county and per industry, overdue included) come from one grouped pass.

A stage is a condition on a filing (``stage_condition``); the dashboard counts it per (county,
industry) and the queue lists the filings it holds (``?stage=…``), so a count and the list its
link leads to are the same filings. A filing with several industries counts under each industry
it claims a grade in (the queue's industry filter is "claims a grade in"), once per county.
"Overdue" is the queue's deadline filter: filings on a county or city clock past their due day
(``server.web.deadline_queue``); since a later start is never due earlier, it is a condition
"clock started on or before the last overdue start day", that day found per city and clock.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased, contains_eager, selectinload

from server.accounts.actor import Actor
from server.assignments.models import Assignment
from server.filings.models import DECIDED_STATUSES, Filing, FilingStatus, IndustryCase
from server.filings.repository import FilingFilter
from server.inspections.models import Inspection, InspectionStatus
from server.reconciliation.models import ReconciliationResult
from server.registry.models import Enterprise, Site
from server.review.deadlines import CITY_CLOCK, COUNTY_CLOCK, deadline_of
from server.review.jurisdiction import JurisdictionRules, rules_for
from server.review.models import DecisionStatus, ReviewDecision, ReviewTransition
from server.sampling.models import Draw, DrawEntry
from server.web.deadline_queue import _STAGE_STATE


class Stage(enum.StrEnum):
    received = "received"  # every filing received
    county_review = "county_review"  # at the county: received, in pre-review or returned
    forwarded = "forwarded"  # reached the city (forwarded, in city review, decided)
    drawn = "drawn"  # selected for a visit by a published draw
    visited = "visited"  # an inspection of its visit was accepted
    reconciled = "reconciled"  # the evidence has been reconciled against the claim
    proposed = "proposed"  # a decision awaits a second reviewer's confirmation
    decided = "decided"  # a confirmed decision (or a later downgrade) stands
    overdue = "overdue"  # past its county or city review deadline


# The grades that count towards S3's "new A, B (incl. B-) and leading plants".
TARGET_GRADES = ("A+", "A", "B", "B-", "leading")

# S3 (Henan 2024 "create A, promote B" plan §一): new A, B (incl. B-) and leading plants each
# city strives for by the end of 2024. A goal, never a quota on decisions (rule 10).
HENAN_2024_TARGETS: dict[str, int] = {
    **dict.fromkeys(["郑州市", "洛阳市", "安阳市", "鹤壁市", "新乡市"], 60),
    **dict.fromkeys(["焦作市", "濮阳市", "许昌市", "商丘市"], 35),
    **dict.fromkeys(
        [
            "开封市",
            "平顶山市",
            "漯河市",
            "三门峡市",
            "南阳市",
            "信阳市",
            "周口市",
            "驻马店市",
            "济源市",
        ],
        20,
    ),
    "郑州航空港经济综合实验区": 10,
}
TARGET_YEAR = 2024


def stage_condition(stage: Stage) -> ColumnElement[bool]:
    """The filings at (or past) ``stage``, as a condition on ``Filing``."""
    if stage is Stage.received:
        return true()
    if stage is Stage.county_review:
        return Filing.status.in_(
            [FilingStatus.received, FilingStatus.county_review, FilingStatus.returned]
        )
    if stage is Stage.forwarded:
        return Filing.status.in_(
            [FilingStatus.forwarded, FilingStatus.city_review, *sorted(DECIDED_STATUSES)]
        )
    if stage is Stage.drawn:
        return exists(
            select(DrawEntry.id)
            .join(Draw, Draw.id == DrawEntry.draw_id)
            .where(
                DrawEntry.filing_id == Filing.id,
                DrawEntry.selected.is_(True),
                Draw.published_at.is_not(None),
            )
        )
    if stage is Stage.visited:
        return exists(
            select(Inspection.id)
            .join(Assignment, Assignment.id == Inspection.assignment_id)
            .where(
                Assignment.filing_id == Filing.id,
                Inspection.status == InspectionStatus.accepted,
            )
        )
    if stage is Stage.reconciled:
        return exists(
            select(ReconciliationResult.id).where(ReconciliationResult.filing_id == Filing.id)
        )
    if stage is Stage.proposed:
        return exists(
            select(ReviewDecision.id).where(
                ReviewDecision.filing_id == Filing.id,
                ReviewDecision.status == DecisionStatus.proposed,
            )
        )
    if stage is Stage.decided:
        return Filing.status.in_(sorted(DECIDED_STATUSES))
    raise ValueError(f"{stage} is the deadline filter, not a condition")


@dataclass(frozen=True)
class Target:
    city: str
    year: int
    target: int
    reached: int


@dataclass
class Progress:
    by_county: dict[str, dict[Stage, int]]
    by_industry: dict[str, dict[Stage, int]]
    # (claimed grade of the main industry, decided grade) -> filings
    grades: dict[tuple[str, str], int]
    targets: list[Target]

    def total(self) -> dict[Stage, int]:
        """Filings at each stage in the whole scope (the per-county rows add up)."""
        return {stage: sum(row[stage] for row in self.by_county.values()) for stage in Stage}

    def claimed_grades(self) -> list[str]:
        return sorted({claimed for claimed, _ in self.grades})

    def decided_grades(self) -> list[str]:
        return sorted({decided for _, decided in self.grades})


def _scope(actor: Actor) -> list[ColumnElement[bool]]:
    return [Enterprise.county == actor.county] if actor.county is not None else []


# The stages the flags (drawn, visited, reconciled, proposed) mark, in that order.
_FLAGGED = (Stage.drawn, Stage.visited, Stage.reconciled, Stage.proposed)
_COUNTY_REVIEW = frozenset(
    {FilingStatus.received, FilingStatus.county_review, FilingStatus.returned}
)
_FORWARDED = frozenset({FilingStatus.forwarded, FilingStatus.city_review, *DECIDED_STATUSES})


def _zeros() -> dict[Stage, int]:
    return dict.fromkeys(Stage, 0)


def _stages_of(status: FilingStatus, flags: list[bool]) -> list[Stage]:
    """The stages but "overdue" a filing with ``status`` and ``flags`` is at: in Python the
    conditions ``stage_condition`` puts in SQL for the queue (tests/web/test_dashboard.py
    checks each count against the queue its link opens)."""
    held = [Stage.received]
    if status in _COUNTY_REVIEW:
        held.append(Stage.county_review)
    if status in _FORWARDED:
        held.append(Stage.forwarded)
    held += [stage for stage, flag in zip(_FLAGGED, flags, strict=True) if flag]
    if status in DECIDED_STATUSES:
        held.append(Stage.decided)
    return held


def _last_late_start(rules: JurisdictionRules, clock: str, today: dt.date) -> dt.date | None:
    """The latest day a clock could start and be overdue today (None: no such day in ten
    years). A due day is the start plus a number of (working) days, so a later start is never
    due earlier: a filing is overdue exactly when its clock started on or before this day."""
    day = today
    for _ in range(3660):
        day -= dt.timedelta(days=1)
        deadline = deadline_of(
            rules, _STAGE_STATE[clock], received_on=day, supplement_on=None, forwarded_on=day
        )
        if deadline is not None and deadline.days_left(today) < 0:
            return day
    return None


def _overdue_condition(session: Session, actor: Actor, today: dt.date) -> ColumnElement[bool]:
    """The queue's ``deadline=overdue`` filings (``server.web.deadline_queue``) as a condition:
    on the county's clock (from receipt, or a later supplement) or the city's (from the last
    forwarding), started on or before the last day that is overdue under the city's rules."""
    county_clock = Filing.status.in_(sorted(COUNTY_CLOCK))
    city_clock = Filing.status.in_(sorted(CITY_CLOCK))
    forwarded_on = (
        select(func.max(ReviewTransition.effective_on))
        .where(
            ReviewTransition.filing_id == Filing.id,
            ReviewTransition.to_status == FilingStatus.forwarded.value,
        )
        .scalar_subquery()
    )
    supplement_later = and_(
        Filing.supplement_on.is_not(None), Filing.supplement_on > Filing.received_on
    )
    county_start = case((supplement_later, Filing.supplement_on), else_=Filing.received_on)
    cities = session.scalars(select(Enterprise.city).where(*_scope(actor)).distinct())
    late: list[ColumnElement[bool]] = []
    for city in sorted(cities):
        rules = rules_for(session, city, today)
        for clock, start in (("county", county_start), ("city", forwarded_on)):
            last = _last_late_start(rules, clock, today)
            if last is not None:
                on_clock = county_clock if clock == "county" else city_clock
                late.append(and_(Enterprise.city == city, on_clock, start <= last))
    return or_(*late) if late else false()


def _per_county_and_industry(
    session: Session, actor: Actor, today: dt.date
) -> tuple[dict[str, dict[Stage, int]], dict[str, dict[Stage, int]]]:
    """Per county and per industry, filings at each stage and overdue: one pass over the
    filings and their claims, grouped by (county, industry, first claim?, status, flags,
    overdue?); the hundred or so groups are summed here into both tables.

    A filing is one row per industry it claims (or one row if it claims none). Per industry it
    counts once under each industry it claims (industries are unique per filing). Per county it
    counts once: on the row of its first industry (in code order) at the stages, as a filing
    that claims an industry, and as overdue on that row or its only row, as the queue's deadline
    filter counts filings whatever they claim."""
    flags = [stage_condition(flagged) for flagged in _FLAGGED]
    claim = aliased(IndustryCase)
    first_code = (
        select(func.min(claim.industry_code)).where(claim.filing_id == Filing.id).scalar_subquery()
    )
    first = func.coalesce(IndustryCase.industry_code == first_code, true())
    overdue = _overdue_condition(session, actor, today)
    keys = [Enterprise.county, IndustryCase.industry_code, first, Filing.status, overdue, *flags]
    query = (
        select(*keys, func.count())
        .select_from(Filing)
        .join(Site, Site.id == Filing.site_id)
        .join(Enterprise, Enterprise.id == Site.enterprise_id)
        .outerjoin(IndustryCase, IndustryCase.filing_id == Filing.id)
        .where(*_scope(actor))
        .group_by(*keys)
    )
    by_county: dict[str, dict[Stage, int]] = defaultdict(_zeros)
    by_industry: dict[str, dict[Stage, int]] = defaultdict(_zeros)
    for county, code, is_first, status, late, *rest in session.execute(query):
        marks, count = rest[:-1], int(rest[-1])
        held = _stages_of(FilingStatus(str(status)), [bool(mark) for mark in marks])
        if late:
            held.append(Stage.overdue)
        if code is None:  # claims no industry: counted only as overdue, in its county
            if late:
                by_county[str(county)][Stage.overdue] += count
            continue
        tables = [by_industry[str(code)], *([by_county[str(county)]] if is_first else [])]
        for counts in tables:
            for stage in held:
                counts[stage] += count
    return dict(sorted(by_county.items())), dict(sorted(by_industry.items()))


def _grades(session: Session, actor: Actor) -> dict[tuple[str, str], int]:
    """(claimed grade of the main industry, grade of the last confirmed decision) -> filings."""
    last = (
        select(ReviewDecision.filing_id, func.max(ReviewDecision.id).label("decision_id"))
        .where(ReviewDecision.status == DecisionStatus.confirmed, ReviewDecision.grade.is_not(None))
        .group_by(ReviewDecision.filing_id)
        .subquery()
    )
    query = (
        select(IndustryCase.claimed_grade, ReviewDecision.grade, func.count(Filing.id))
        .select_from(Filing)
        .join(last, last.c.filing_id == Filing.id)
        .join(ReviewDecision, ReviewDecision.id == last.c.decision_id)
        .join(IndustryCase, and_(IndustryCase.filing_id == Filing.id, IndustryCase.is_main))
        .join(Site, Site.id == Filing.site_id)
        .join(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Filing.status.in_(sorted(DECIDED_STATUSES)), *_scope(actor))
        .group_by(IndustryCase.claimed_grade, ReviewDecision.grade)
    )
    return {(str(c), str(d)): int(n) for c, d, n in session.execute(query)}


def _targets(session: Session, actor: Actor) -> list[Target]:
    """S3's target per city of the actor's, against the sites decided A/B/leading in 2024 that
    had no such decided grade in an earlier year ("new")."""
    cities = sorted(session.scalars(select(Enterprise.city).where(*_scope(actor)).distinct()))
    wanted = [city for city in cities if city in HENAN_2024_TARGETS]
    if not wanted:
        return []

    def good(filing: Any) -> ColumnElement[bool]:
        return exists(
            select(ReviewDecision.id).where(
                ReviewDecision.filing_id == filing.id,
                ReviewDecision.status == DecisionStatus.confirmed,
                ReviewDecision.grade.in_(TARGET_GRADES),
            )
        )

    earlier = aliased(Filing)
    before = exists(
        select(earlier.id).where(
            earlier.site_id == Filing.site_id,
            earlier.year < TARGET_YEAR,
            earlier.status.in_(sorted(DECIDED_STATUSES)),
            good(earlier),
        )
    )
    query = (
        select(Enterprise.city, func.count(func.distinct(Filing.site_id)))
        .select_from(Filing)
        .join(Site, Site.id == Filing.site_id)
        .join(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(
            Enterprise.city.in_(wanted),
            Filing.year == TARGET_YEAR,
            Filing.status == FilingStatus.decided,
            good(Filing),
            ~before,
            *_scope(actor),
        )
        .group_by(Enterprise.city)
    )
    reached = {str(city): int(n) for city, n in session.execute(query)}
    return [
        Target(city, TARGET_YEAR, HENAN_2024_TARGETS[city], int(reached.get(city, 0)))
        for city in wanted
    ]


def progress(session: Session, actor: Actor, today: dt.date) -> Progress:
    """The dashboard's figures for the actor's scope (a county reviewer: their county)."""
    actor.require_registry_reader()
    by_county, by_industry = _per_county_and_industry(session, actor, today)
    return Progress(
        by_county=by_county,
        by_industry=by_industry,
        grades=_grades(session, actor),
        targets=_targets(session, actor),
    )


def list_at_stage(
    session: Session,
    actor: Actor,
    stage: Stage,
    filters: FilingFilter,
    *,
    offset: int,
    limit: int,
) -> tuple[list[Filing], int]:
    """The queue's page of the filings at ``stage`` that match the other filters (a county
    reviewer: their county only), in the repository's order (by id)."""
    if actor.county and filters.county and filters.county != actor.county:
        return [], 0
    conditions: list[ColumnElement[bool]] = [stage_condition(stage), *_scope(actor)]
    if filters.county:
        conditions.append(Enterprise.county == filters.county)
    if filters.status:
        conditions.append(Filing.status == filters.status)
    if filters.industry or filters.claimed_grade:
        claim = select(IndustryCase.id).where(IndustryCase.filing_id == Filing.id)
        if filters.industry:
            claim = claim.where(IndustryCase.industry_code == filters.industry)
        if filters.claimed_grade:
            claim = claim.where(IndustryCase.claimed_grade == filters.claimed_grade)
        conditions.append(exists(claim))
    base = select(Filing).join(Filing.site).join(Site.enterprise).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = (
        base.options(
            contains_eager(Filing.site).contains_eager(Site.enterprise),
            selectinload(Filing.cases),
        )
        .order_by(Filing.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(page).unique()), total
