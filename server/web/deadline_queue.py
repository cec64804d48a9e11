"""The queue's deadline filter over a whole city in two grouped queries, not a row per filing.

Every filing whose clock started on the same day, in the same stage and city, has the same due
day. So the filings matching the other filters are counted per (city, stage, start day) in SQL;
the due day of each group comes from ``server.review.deadlines.deadline_of`` (the same pure rule
``list_deadlines`` applies row by row); the groups overdue or due soon give the total; and only
the filings of the groups a page reaches are read, in ``list_deadlines``' order (due day, then
id). With 5,522 open filings in one city this answers in a few milliseconds where computing
every filing's deadline took a few hundred (docs/benchmarks.md). The groups carry their filing
ids, so one query answers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.filings.models import Filing, FilingStatus, IndustryCase
from server.registry.models import Enterprise, Site
from server.review.deadlines import CITY_CLOCK, COUNTY_CLOCK, Deadline, DeadlineKind, deadline_of
from server.review.jurisdiction import JurisdictionRules, rules_for
from server.review.models import ReviewTransition

# A state whose clock is the stage's, to ask deadline_of for a group's due day.
_STAGE_STATE = {"county": FilingStatus.county_review, "city": FilingStatus.city_review}


@dataclass(frozen=True)
class DueFilter:
    kind: DeadlineKind
    within: int
    county: str | None = None
    industry: str | None = None
    claimed_grade: str | None = None
    status: FilingStatus | None = None


def _conditions(actor: Actor, due: DueFilter) -> list[ColumnElement[bool]]:
    statuses = COUNTY_CLOCK | CITY_CLOCK
    if due.status is not None:
        statuses = statuses & {due.status}
    conditions: list[ColumnElement[bool]] = [Filing.status.in_(sorted(statuses))]
    for county in (actor.county, due.county):
        if county:
            conditions.append(Enterprise.county == county)
    if due.industry or due.claimed_grade:
        claim = select(IndustryCase.id).where(IndustryCase.filing_id == Filing.id)
        if due.industry:
            claim = claim.where(IndustryCase.industry_code == due.industry)
        if due.claimed_grade:
            claim = claim.where(IndustryCase.claimed_grade == due.claimed_grade)
        conditions.append(exists(claim))
    return conditions


def _keyed(actor: Actor, due: DueFilter, *columns: Any) -> tuple[Select[Any], Any, Any]:
    """``columns`` with each filing's stage and clock start, over the filings that match."""
    county_clock = Filing.status.in_(sorted(COUNTY_CLOCK))
    # Read only for filings on the city's clock, through the (filing, to_status) index.
    forwarded_on = (
        select(func.max(ReviewTransition.effective_on))
        .where(
            ReviewTransition.filing_id == Filing.id,
            ReviewTransition.to_status == FilingStatus.forwarded.value,
        )
        .scalar_subquery()
    )
    stage = case((county_clock, literal("county")), else_=literal("city")).label("stage")
    supplement_later = and_(
        Filing.supplement_on.is_not(None), Filing.supplement_on > Filing.received_on
    )
    county_start = case((supplement_later, Filing.supplement_on), else_=Filing.received_on)
    start = case((county_clock, county_start), else_=forwarded_on).label("start")
    query = (
        select(Enterprise.city, stage, start, *columns)
        .select_from(Filing)
        .join(Site, Site.id == Filing.site_id)
        .join(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(*_conditions(actor, due))
    )
    return query, stage, start


def due_page(
    session: Session,
    actor: Actor,
    due: DueFilter,
    *,
    today: dt.date,
    offset: int,
    limit: int,
) -> tuple[list[tuple[int, Deadline]], int]:
    """(filing id, deadline) for one page of the filings overdue (most overdue first) or due
    within ``due.within`` days (soonest first), and how many there are in all."""
    # Each group's filing ids come with its count (group_concat / string_agg): one query.
    ids = func.aggregate_strings(cast(Filing.id, String), ",")
    grouped, stage, start = _keyed(actor, due, func.count(Filing.id), ids)
    groups = session.execute(grouped.group_by(Enterprise.city, stage, start)).all()
    rules: dict[str, JurisdictionRules] = {}
    chosen: list[tuple[Deadline, str]] = []
    counts: dict[dt.date, int] = defaultdict(int)
    for city, stage_name, started, count, members in groups:
        if city not in rules:
            rules[city] = rules_for(session, city, today)
        deadline = deadline_of(
            rules[city],
            _STAGE_STATE[stage_name],
            received_on=started,
            supplement_on=None,
            forwarded_on=started,
        )
        if deadline is None:
            continue
        left = deadline.days_left(today)
        if (due.kind is DeadlineKind.overdue and left < 0) or (
            due.kind is DeadlineKind.upcoming and 0 <= left <= due.within
        ):
            chosen.append((deadline, members))
            counts[deadline.due_on] += count
    total = sum(counts.values())
    # The due days the page reaches, in order; only their filings are sorted by id.
    reached: set[dt.date] = set()
    before = seen = 0
    for day in sorted(counts):
        if seen >= offset + limit:
            break
        if seen + counts[day] > offset:
            reached.add(day)
        else:
            before += counts[day]
        seen += counts[day]
    found = [
        (deadline.due_on, int(filing_id), deadline)
        for deadline, members in chosen
        if deadline.due_on in reached
        for filing_id in members.split(",")
    ]
    found.sort(key=lambda row: (row[0], row[1]))
    window = found[offset - before : offset - before + limit]
    return [(filing_id, deadline) for _, filing_id, deadline in window], total
