"""The city's progress: filings per county and industry at each stage, grades decided against
claimed, and the Henan 2024 targets; every figure one grouped SQL query, never a loop over filings.

A stage is a condition on a filing (``stage_condition``); the dashboard counts it per (county,
industry) and the queue lists the filings it holds (``?stage=…``), so a count and the list its
link leads to are the same filings. A filing with several industries counts under each industry
it claims a grade in (the queue's industry filter is "claims a grade in"), once per county.
"Overdue" is the queue's deadline filter: filings on a county or city clock past their due day,
counted per group of filings whose clocks started together (``server.web.deadline_queue``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select, true
from sqlalchemy.orm import Session, aliased, contains_eager, selectinload

from server.accounts.actor import Actor
from server.assignments.models import Assignment
from server.filings.models import DECIDED_STATUSES, Filing, FilingStatus, IndustryCase
from server.filings.repository import FilingFilter
from server.inspections.models import Inspection, InspectionStatus
from server.reconciliation.models import ReconciliationResult
from server.registry.models import Enterprise, Site
from server.review.deadlines import DeadlineKind, deadline_of
from server.review.jurisdiction import JurisdictionRules, rules_for
from server.review.models import DecisionStatus, ReviewDecision
from server.sampling.models import Draw, DrawEntry
from server.web.deadline_queue import _STAGE_STATE, DueFilter, _keyed


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


def _stage_counts(
    session: Session, actor: Actor, group: list[Any]
) -> dict[tuple[Any, ...], dict[Stage, int]]:
    """Per group key, filings at each stage but "overdue": one query, one sum per stage."""
    sums = [
        func.count(func.distinct(Filing.id)).filter(stage_condition(stage)).label(stage.value)
        for stage in Stage
        if stage is not Stage.overdue
    ]
    query = (
        select(*group, *sums)
        .select_from(Filing)
        .join(Site, Site.id == Filing.site_id)
        .join(Enterprise, Enterprise.id == Site.enterprise_id)
        .join(IndustryCase, IndustryCase.filing_id == Filing.id)
        .where(*_scope(actor))
        .group_by(*group)
    )
    result: dict[tuple[Any, ...], dict[Stage, int]] = {}
    for row in session.execute(query):
        key = tuple(row[: len(group)])
        values = row[len(group) :]
        named = [s for s in Stage if s is not Stage.overdue]
        result[key] = {stage: int(v or 0) for stage, v in zip(named, values, strict=True)}
        result[key][Stage.overdue] = 0
    return result


def _overdue(
    session: Session, actor: Actor, today: dt.date, group: list[Any]
) -> dict[tuple[Any, ...], int]:
    """Per group key, filings past their review deadline (the queue's ``deadline=overdue``)."""
    query, stage, start = _keyed(
        actor, DueFilter(kind=DeadlineKind.overdue, within=0), *group, func.count(Filing.id)
    )
    if any(column is IndustryCase.industry_code for column in group):
        query = query.join(IndustryCase, IndustryCase.filing_id == Filing.id)
    rows = session.execute(query.group_by(Enterprise.city, stage, start, *group)).all()
    rules: dict[str, JurisdictionRules] = {}
    result: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in rows:
        city, stage_name, started = row[0], row[1], row[2]
        key, count = tuple(row[3 : 3 + len(group)]), row[3 + len(group)]
        if city not in rules:
            rules[city] = rules_for(session, city, today)
        deadline = deadline_of(
            rules[city],
            _STAGE_STATE[stage_name],
            received_on=started,
            supplement_on=None,
            forwarded_on=started,
        )
        if deadline is not None and deadline.days_left(today) < 0:
            result[key] += int(count)
    return result


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


def _per(
    session: Session, actor: Actor, today: dt.date, column: Any
) -> dict[str, dict[Stage, int]]:
    rows = _stage_counts(session, actor, [column])
    for key, count in _overdue(session, actor, today, [column]).items():
        rows.setdefault(key, dict.fromkeys(Stage, 0))[Stage.overdue] = count
    return {str(key[0]): counts for key, counts in sorted(rows.items())}


def progress(session: Session, actor: Actor, today: dt.date) -> Progress:
    """The dashboard's figures for the actor's scope (a county reviewer: their county)."""
    actor.require_registry_reader()
    return Progress(
        by_county=_per(session, actor, today, Enterprise.county),
        by_industry=_per(session, actor, today, IndustryCase.industry_code),
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
