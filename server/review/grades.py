"""The decided grade and its history: what every list and the emergency measures follow.

A filing's grade history is its confirmed review decisions that gave a grade (confirmed as
claimed, or graded down: S4 §三(三)) followed by its downgrades after later checks (rule 14,
S4 §三(四)), oldest first; the latest entry is the grade that counts. A proposal alone decides
nothing, and a confirmed new visit gives no grade.

A site may file more than once a year (``server.review.refiling``). Of a site's filings of one
year, the one that stands (``current``) is the newest that carries a decided grade and was not
withdrawn; while none does, the newest not withdrawn. The others are kept: an earlier one says
which filing superseded it; a later one still in review stands once it is decided.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.filings.models import DECIDED_STATUSES, Filing, FilingStatus, IndustryCase
from server.filings.repository import get_filing
from server.review.downgrade_models import GradeDowngrade
from server.review.models import DecisionOutcome, DecisionStatus, ReviewDecision

Ids = Select[Any] | Iterable[int]


@dataclass(frozen=True)
class GradeEvent:
    """One entry of a filing's grade history."""

    filing_id: int
    grade: str
    source: str  # "decision" (city review, four eyes) | "downgrade" (a later check, rule 14)
    at: dt.datetime
    by: tuple[int, ...]  # who: proposer and confirmer of a decision; the downgrading reviewer
    reason_codes: tuple[str, ...] = ()
    reason: str | None = None
    evidence: str | None = None
    from_grade: str | None = None
    decision_id: int | None = None
    downgrade_id: int | None = None
    check_kind: str | None = None
    effective_on: dt.date | None = None
    falsification: bool = False


def _in(ids: Ids) -> Select[Any] | list[int]:
    return ids if isinstance(ids, Select) else sorted(set(ids))


def _main_claims(session: Session, ids: Ids) -> dict[int, str]:
    query = select(IndustryCase.filing_id, IndustryCase.claimed_grade, IndustryCase.is_main)
    claims: dict[int, str] = {}
    for filing_id, grade, is_main in session.execute(
        query.where(IndustryCase.filing_id.in_(_in(ids))).order_by(IndustryCase.id)
    ):
        if is_main or filing_id not in claims:
            claims[filing_id] = grade
    return claims


def histories(session: Session, ids: Ids) -> dict[int, list[GradeEvent]]:
    """Per filing, its grade history oldest first (filings without a decided grade absent)."""
    found: dict[int, list[GradeEvent]] = defaultdict(list)
    decisions = list(
        session.scalars(
            select(ReviewDecision).where(
                ReviewDecision.filing_id.in_(_in(ids)),
                ReviewDecision.status == DecisionStatus.confirmed,
                ReviewDecision.outcome != DecisionOutcome.new_visit,
            )
        )
    )
    claimed = _main_claims(session, {d.filing_id for d in decisions}) if decisions else {}
    for decision in decisions:
        grade = decision.grade or claimed.get(decision.filing_id)
        if grade is None:
            continue
        found[decision.filing_id].append(
            GradeEvent(
                filing_id=decision.filing_id,
                grade=grade,
                source="decision",
                at=decision.confirmed_at or decision.proposed_at,
                by=tuple(u for u in (decision.proposed_by, decision.confirmed_by) if u),
                reason_codes=tuple(decision.reason_codes),
                reason=decision.comment,
                from_grade=claimed.get(decision.filing_id),
                decision_id=decision.id,
            )
        )
    for row in session.scalars(
        select(GradeDowngrade).where(GradeDowngrade.filing_id.in_(_in(ids)))
    ):
        found[row.filing_id].append(
            GradeEvent(
                filing_id=row.filing_id,
                grade=row.grade,
                source="downgrade",
                at=row.decided_at,
                by=(row.decided_by,),
                reason=row.reason,
                evidence=row.evidence,
                from_grade=row.from_grade,
                downgrade_id=row.id,
                check_kind=row.check_kind.value,
                effective_on=row.effective_on,
                falsification=row.falsification,
            )
        )
    # A downgrade always follows the decision it lowers (it needs a decided filing).
    order = {"decision": 0, "downgrade": 1}
    for events in found.values():
        events.sort(key=lambda e: (order[e.source], e.at, e.decision_id or e.downgrade_id or 0))
    return dict(found)


def latest_grades(session: Session, ids: Ids) -> dict[int, GradeEvent]:
    """Per filing with a decided grade, the latest entry of its history: the grade that counts."""
    return {filing_id: events[-1] for filing_id, events in histories(session, ids).items()}


@dataclass(frozen=True)
class Standing:
    """Where a filing stands among its site's filings of the year."""

    current: bool
    superseded_by: int | None  # a later filing of the year that stands instead of this one


def standings(session: Session, filings: Iterable[Filing]) -> dict[int, Standing]:
    """Per filing given, whether it is the one that stands for its site's year."""
    wanted = {(f.site_id, f.year) for f in filings}
    if not wanted:
        return {}
    sites = {site for site, _ in wanted}
    rows = session.execute(
        select(Filing.id, Filing.site_id, Filing.year, Filing.sequence, Filing.status).where(
            Filing.site_id.in_(sites)
        )
    ).all()
    rows = [r for r in rows if (r.site_id, r.year) in wanted]
    graded = set(latest_grades(session, [r.id for r in rows]))
    by_year: dict[tuple[int, int], list[tuple[int, int, FilingStatus]]] = defaultdict(list)
    for row in rows:
        by_year[(row.site_id, row.year)].append((row.sequence, row.id, row.status))
    result: dict[int, Standing] = {}
    for year_filings in by_year.values():
        live = sorted(f for f in year_filings if f[2] is not FilingStatus.withdrawn)
        decided = [f for f in live if f[2] in DECIDED_STATUSES and f[1] in graded]
        ordered = decided or live
        stands_at, stands = (ordered[-1][0], ordered[-1][1]) if ordered else (0, None)
        for sequence, filing_id, _status in year_filings:
            later = stands is not None and stands_at > sequence
            result[filing_id] = Standing(stands == filing_id, stands if later else None)
    return result


def grade_view(session: Session, actor: Actor, filing_id: int) -> dict[str, Any]:
    """A filing's decided grade, its history, and its site's filings of the year with the one
    that stands (reviewers in scope). Raises Forbidden, NotFound."""
    actor.require(*REVIEWER_ROLES)
    filing = get_filing(session, actor, filing_id)
    year_filings = list(
        session.scalars(
            select(Filing)
            .where(Filing.site_id == filing.site_id, Filing.year == filing.year)
            .order_by(Filing.sequence)
        )
    )
    history = histories(session, [f.id for f in year_filings])
    standing = standings(session, year_filings)

    def latest(fid: int) -> str | None:
        events = history.get(fid)
        return events[-1].grade if events else None

    return {
        "filing_id": filing.id,
        "site_id": filing.site_id,
        "year": filing.year,
        "sequence": filing.sequence,
        "kind": filing.kind.value,
        "status": filing.status.value,
        "grade": latest(filing.id),
        "current": standing[filing.id].current,
        "superseded_by": standing[filing.id].superseded_by,
        "history": [asdict(event) for event in history.get(filing.id, [])],
        "year_filings": [
            {
                "id": f.id,
                "sequence": f.sequence,
                "kind": f.kind.value,
                "status": f.status.value,
                "received_on": f.received_on,
                "supersedes_id": f.supersedes_id,
                "grade": latest(f.id),
                "current": standing[f.id].current,
                "superseded_by": standing[f.id].superseded_by,
            }
            for f in year_filings
        ],
    }
