"""What the city pages show: a draw's strata, and the teams for every filing a draw selected.

Reads only, through the services and repositories the API uses; every step a page takes is a
service call in ``server.web.views.city``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from server.accounts.actor import Actor
from server.accounts.models import User
from server.assignments import repository as assignments
from server.assignments.models import ACTIVE_STATUSES, Assignment, AssignmentMember
from server.assignments.proposals import ProposalReport, propose_for_draw
from server.assignments.teams import MIN_TEAM_SIZE
from server.filings.models import Filing
from server.registry.models import Site
from server.sampling.draw import FULL_CHECK, SAMPLED
from server.sampling.models import Draw, DrawEntry
from server.sampling.repository import list_entries

ALL = 100_000  # a city's batch has a few thousand candidates at most


@dataclass
class Stratum:
    county: str
    industry_code: str
    candidates: int = 0
    full_checks: int = 0
    sampled_pool: int = 0  # B and B- candidates the rate applies to
    sampled: int = 0

    @property
    def selected(self) -> int:
        return self.full_checks + self.sampled


def strata(session: Session, actor: Actor, draw: Draw) -> list[Stratum]:
    """Per (county, industry): candidates, full checks, the sampled pool and what was drawn."""
    entries, _ = list_entries(
        session, actor, draw.id, selected=None, county=None, offset=0, limit=ALL
    )
    found: dict[tuple[str, str], Stratum] = {}
    for entry in entries:
        key = (entry.county, entry.industry_code)
        row = found.setdefault(key, Stratum(*key))
        row.candidates += 1
        if entry.reason == FULL_CHECK:
            row.full_checks += 1
        else:
            row.sampled_pool += 1
            row.sampled += entry.reason == SAMPLED
    return [found[key] for key in sorted(found)]


def selected_entries(session: Session, actor: Actor, draw: Draw) -> list[DrawEntry]:
    rows, _ = list_entries(session, actor, draw.id, selected=True, county=None, offset=0, limit=ALL)
    return rows


@dataclass
class TeamRow:
    """One selected filing: its plant, its assignment if made, the proposal otherwise, and who
    may not go and why."""

    entry: DrawEntry
    filing: Filing
    assignment: Assignment | None = None
    other: Assignment | None = None  # an open check made otherwise (not by this draw)
    proposed: tuple[int, ...] = ()
    unstaffed: bool = False
    eligible: int = 0
    conflicted: list[User] = field(default_factory=list)


@dataclass
class TeamBoard:
    draw: Draw
    rows: list[TeamRow]
    inspectors: list[User]  # the city's inspectors, blacklisted ones included
    blacklisted: list[User]
    names: dict[int, str]
    window: tuple[dt.datetime, dt.datetime]

    @property
    def planned(self) -> int:
        return sum(1 for r in self.rows if r.assignment and r.assignment.status.value == "planned")

    @property
    def to_propose(self) -> int:
        return sum(
            1 for r in self.rows if r.assignment is None and r.other is None and not r.unstaffed
        )

    @property
    def team_size(self) -> int:
        return MIN_TEAM_SIZE


def team_board(
    session: Session, actor: Actor, draw: Draw, city: str, window: tuple[dt.datetime, dt.datetime]
) -> TeamBoard:
    """Every filing the draw selected with its team: the assignment made, or the team the
    proposal would make (a dry run of ``propose_for_draw``), with the conflicts in the way."""
    entries = selected_entries(session, actor, draw)
    ids = [e.filing_id for e in entries]
    filings = {
        f.id: f
        for f in session.scalars(
            select(Filing)
            .where(Filing.id.in_(ids))
            .options(selectinload(Filing.site).selectinload(Site.enterprise))
        )
    }
    made, _ = assignments.list_assignments(session, actor, draw_id=draw.id, offset=0, limit=ALL)
    current: dict[int, Assignment] = {}
    for assignment in made:  # the latest active one, else the latest of any status
        kept = current.get(assignment.filing_id)
        if kept is None or assignment.status.value in ("planned", "published"):
            current[assignment.filing_id] = assignment
    elsewhere = {
        a.filing_id: a
        for a in session.scalars(
            select(Assignment)
            .where(
                Assignment.filing_id.in_(ids),
                Assignment.status.in_(sorted(ACTIVE_STATUSES)),
                (Assignment.draw_id.is_(None)) | (Assignment.draw_id != draw.id),
            )
            .options(selectinload(Assignment.members))
        )
    }
    report: ProposalReport = propose_for_draw(
        session,
        actor=actor,
        draw_id=draw.id,
        window_start=window[0],
        window_end=window[1],
        dry_run=True,
    )
    proposed = {team.filing_id: team.members for team in report.teams}
    unstaffed = {u.filing_id for u in report.unstaffed}
    inspectors = assignments.inspectors_of(session, city)
    blacklisted = [u for u in inspectors if u.blacklisted]
    by_id = {u.id: u for u in inspectors}
    enterprise_ids = sorted({f.site.enterprise_id for f in filings.values()})
    conflicts = assignments.conflicted_users(session, enterprise_ids)
    rows = []
    for entry in entries:
        filing = filings[entry.filing_id]
        conflicted = sorted(
            (by_id[uid] for uid in conflicts.get(filing.site.enterprise_id, set()) if uid in by_id),
            key=lambda u: u.id,
        )
        eligible = len([u for u in inspectors if not u.blacklisted and u not in conflicted])
        rows.append(
            TeamRow(
                entry=entry,
                filing=filing,
                assignment=current.get(filing.id),
                other=elsewhere.get(filing.id),
                proposed=proposed.get(filing.id, ()),
                unstaffed=filing.id in unstaffed,
                eligible=eligible,
                conflicted=conflicted,
            )
        )
    member_ids = {m.user_id for a in [*current.values(), *elsewhere.values()] for m in a.members}
    names = {u.id: u.display_name for u in inspectors}
    names.update(_names(session, member_ids - set(names)))
    return TeamBoard(draw, rows, inspectors, blacklisted, names, window)


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(User.id, User.display_name).where(User.id.in_(sorted(ids)))
    return {uid: name for uid, name in session.execute(query)}


def planned_of(session: Session, actor: Actor, draw: Draw) -> list[Assignment]:
    """The draw's assignments still planned (not yet on any tablet)."""
    made, _ = assignments.list_assignments(session, actor, draw_id=draw.id, offset=0, limit=ALL)
    return [a for a in made if a.status.value == "planned"]


def members_of(assignment: Assignment) -> list[AssignmentMember]:
    return list(assignment.members)


def filings_by_county(rows: list[TeamRow]) -> dict[str, list[TeamRow]]:
    grouped: dict[str, list[TeamRow]] = defaultdict(list)
    for row in rows:
        grouped[row.entry.county].append(row)
    return dict(grouped)
