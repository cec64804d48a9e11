"""Review deadlines (S4 §三): 7 days for the county, 15 for the city, counted in China days.

The county's clock runs while a filing is received or in county review and starts on the day
the filing or its latest supplement arrived; returning it for supplement stops the clock, and the
supplement starts it again from zero. The city's clock runs while it is forwarded or in city
review and starts on the day the county forwarded it. A due day is the last day allowed: a
filing is overdue from the day after.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.clock import china_today
from server.filings.models import Filing, FilingStatus
from server.registry.models import Enterprise, Site
from server.review.jurisdiction import JurisdictionRules, rules_for
from server.review.models import ReviewTransition

COUNTY_CLOCK = frozenset({FilingStatus.received, FilingStatus.county_review})
CITY_CLOCK = frozenset({FilingStatus.forwarded, FilingStatus.city_review})
DEFAULT_WITHIN_DAYS = 3


class DeadlineKind(enum.StrEnum):
    overdue = "overdue"
    upcoming = "upcoming"


@dataclass(frozen=True)
class Deadline:
    stage: str  # "county" or "city"
    started_on: dt.date
    due_on: dt.date
    days: int
    day_kind: str

    def days_left(self, today: dt.date) -> int:
        """Days until the due day; 0 on it, negative once overdue."""
        return (self.due_on - today).days


@dataclass(frozen=True)
class DeadlineRow:
    filing_id: int
    site_id: int
    enterprise_id: int
    enterprise_name: str
    county: str
    status: FilingStatus
    deadline: Deadline
    days_left: int


def deadline_of(
    rules: JurisdictionRules,
    status: FilingStatus,
    *,
    received_on: dt.date,
    supplement_on: dt.date | None,
    forwarded_on: dt.date | None,
) -> Deadline | None:
    """The running deadline of a filing in ``status``, or None when no clock runs. Pure."""
    if status in COUNTY_CLOCK:
        start = max(received_on, supplement_on) if supplement_on else received_on
        days, stage = rules.county_review_days, "county"
    elif status in CITY_CLOCK and forwarded_on is not None:
        start, days, stage = forwarded_on, rules.city_review_days, "city"
    else:
        return None
    return Deadline(stage, start, rules.due(start, days), days, rules.day_kind)


def _forwarded_on():
    return (
        select(
            ReviewTransition.filing_id.label("filing_id"),
            func.max(ReviewTransition.effective_on).label("on"),
        )
        .where(ReviewTransition.to_status == FilingStatus.forwarded.value)
        .group_by(ReviewTransition.filing_id)
        .subquery()
    )


def filing_deadline(
    session: Session, filing: Filing, today: dt.date | None = None
) -> Deadline | None:
    """The deadline running for one filing now, under its city's rules in force today."""
    today = today or china_today()
    forwarded_on = session.scalar(
        select(func.max(ReviewTransition.effective_on)).where(
            ReviewTransition.filing_id == filing.id,
            ReviewTransition.to_status == FilingStatus.forwarded.value,
        )
    )
    return deadline_of(
        rules_for(session, filing.site.enterprise.city, today),
        filing.status,
        received_on=filing.received_on,
        supplement_on=filing.supplement_on,
        forwarded_on=forwarded_on,
    )


def list_deadlines(
    session: Session,
    actor: Actor,
    *,
    kind: DeadlineKind,
    within: int = DEFAULT_WITHIN_DAYS,
    county: str | None = None,
    stage: str | None = None,
    today: dt.date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[DeadlineRow], int]:
    """Filings past their due day (overdue, most overdue first) or due within ``within`` days
    (upcoming, soonest first), in the actor's scope.

    Every open filing's due day is computed here rather than in SQL: working days and holiday
    lists have no portable SQL form, and a city has thousands of open filings, not millions.
    """
    actor.require(*REVIEWER_ROLES)
    today = today or china_today()
    forwarded = _forwarded_on()
    statuses = (COUNTY_CLOCK if stage != "city" else frozenset()) | (
        CITY_CLOCK if stage != "county" else frozenset()
    )
    query = (
        select(
            Filing.id,
            Filing.site_id,
            Filing.status,
            Filing.received_on,
            Filing.supplement_on,
            forwarded.c.on,
            Enterprise.id,
            Enterprise.name,
            Enterprise.city,
            Enterprise.county,
        )
        .join(Filing.site)
        .join(Site.enterprise)
        .outerjoin(forwarded, forwarded.c.filing_id == Filing.id)
        .where(Filing.status.in_(sorted(statuses)))
    )
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    if county:
        query = query.where(Enterprise.county == county)
    rules: dict[str, JurisdictionRules] = {}
    rows: list[DeadlineRow] = []
    for fid, site_id, status, received, supplement, fwd, eid, name, city, cty in session.execute(
        query
    ):
        if city not in rules:
            rules[city] = rules_for(session, city, today)
        deadline = deadline_of(
            rules[city], status, received_on=received, supplement_on=supplement, forwarded_on=fwd
        )
        if deadline is None:
            continue
        left = deadline.days_left(today)
        if (kind is DeadlineKind.overdue and left < 0) or (
            kind is DeadlineKind.upcoming and 0 <= left <= within
        ):
            rows.append(DeadlineRow(fid, site_id, eid, name, cty, status, deadline, left))
    rows.sort(key=lambda row: (row.deadline.due_on, row.filing_id))
    return rows[offset : offset + limit], len(rows)
