"""Proposing and making the teams for every check a draw selected, in one go."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.assignments import repository
from server.assignments.errors import TeamTooSmall
from server.assignments.geography import distance_km, home_county
from server.assignments.models import ACTIVE_STATUSES, Assignment, AssignmentMember
from server.assignments.service import audit_data, check_window
from server.assignments.teams import (
    MIN_TEAM_SIZE,
    Check,
    Inspector,
    Team,
    Unstaffed,
    propose_teams,
)
from server.audit.service import record
from server.filings.models import Filing, FilingStatus
from server.registry.models import Site
from server.review.models import ReviewBatch
from server.sampling.models import DrawEntry
from server.sampling.repository import get_draw


@dataclass
class ProposalReport:
    draw_id: int
    dry_run: bool
    teams: list[Team] = field(default_factory=list)
    unstaffed: list[Unstaffed] = field(default_factory=list)
    already_assigned: int = 0
    created: list[Assignment] = field(default_factory=list)


def inspector_pool(session: Session, city: str) -> list[Inspector]:
    """The city's inspectors with their current loads; blacklisted ones marked, never chosen."""
    loads = repository.active_loads(session)
    return [
        Inspector(u.id, home_county(u.county, city), loads.get(u.id, 0), u.blacklisted)
        for u in repository.inspectors_of(session, city)
    ]


def checks_for(session: Session, filings: list[Filing]) -> tuple[list[Check], list[Unstaffed]]:
    """One check per open filing, with the users who declared a conflict with its enterprise."""
    conflicts = repository.conflicted_users(
        session, sorted({f.site.enterprise_id for f in filings})
    )
    checks, closed = [], []
    for filing in filings:
        if filing.status is FilingStatus.withdrawn:
            closed.append(Unstaffed(filing.id, "the filing was withdrawn"))
            continue
        enterprise = filing.site.enterprise
        checks.append(
            Check(filing.id, enterprise.county, frozenset(conflicts.get(enterprise.id, ())))
        )
    return checks, closed


def propose_for_draw(
    session: Session,
    *,
    actor: Actor,
    draw_id: int,
    window_start: dt.datetime,
    window_end: dt.datetime,
    team_size: int = MIN_TEAM_SIZE,
    dry_run: bool = False,
) -> ProposalReport:
    """Teams for every selected filing of the draw without a planned or published assignment;
    unless ``dry_run``, made into planned assignments with their forms pinned.

    Raises NotFound, Forbidden, BadWindow, TeamTooSmall.
    """
    actor.require(Role.city_reviewer, Role.admin)
    draw = get_draw(session, actor, draw_id)
    check_window(window_start, window_end)
    if team_size < MIN_TEAM_SIZE:
        raise TeamTooSmall(
            f"a team needs at least {MIN_TEAM_SIZE} inspectors; asked for {team_size}",
            errors={"team_size": [f"must be at least {MIN_TEAM_SIZE}"]},
        )
    batch = session.get(ReviewBatch, draw.batch_id)
    assert batch is not None  # a foreign key
    report = ProposalReport(draw_id=draw.id, dry_run=dry_run)
    active = select(Assignment.filing_id).where(Assignment.status.in_(sorted(ACTIVE_STATUSES)))
    selected = select(DrawEntry.filing_id, DrawEntry.reason).where(
        DrawEntry.draw_id == draw.id, DrawEntry.selected.is_(True)
    )
    reasons = {fid: reason for fid, reason in session.execute(selected)}
    filings = list(
        session.scalars(
            select(Filing)
            .where(
                Filing.id.in_(selected.with_only_columns(DrawEntry.filing_id)),
                Filing.id.not_in(active),
            )
            .options(
                selectinload(Filing.cases),
                selectinload(Filing.site).selectinload(Site.enterprise),
            )
            .order_by(Filing.id)
        )
    )
    report.already_assigned = len(reasons) - len(filings)
    checks, closed = checks_for(session, filings)
    proposal = propose_teams(
        checks, inspector_pool(session, batch.city), distance=distance_km, team_size=team_size
    )
    report.teams = list(proposal.teams)
    report.unstaffed = closed + list(proposal.unstaffed)
    if dry_run:
        return report
    by_id = {f.id: f for f in filings}
    for team in proposal.teams:
        filing = by_id[team.filing_id]
        assignment = Assignment(
            filing_id=filing.id,
            site_id=filing.site_id,
            draw_id=draw.id,
            reason=reasons[filing.id],
            window_start=window_start,
            window_end=window_end,
            form_pins=repository.form_pins(filing),
            created_by=actor.user_id,
            members=[
                AssignmentMember(user_id=uid, is_lead=index == 0)
                for index, uid in enumerate(team.members)
            ],
        )
        session.add(assignment)
        report.created.append(assignment)
    session.flush()  # the ids go into the audit events and the response
    for assignment in report.created:
        record(
            session,
            actor_id=actor.user_id,
            action="assignment.created",
            subject_type="assignment",
            subject_id=assignment.id,
            data={**audit_data(assignment), "proposed": True},
        )
    record(
        session,
        actor_id=actor.user_id,
        action="draw.teams_proposed",
        subject_type="draw",
        subject_id=draw.id,
        data={
            "created": [a.id for a in report.created],
            "unstaffed": [[u.filing_id, u.reason] for u in report.unstaffed],
            "window": [window_start.isoformat(), window_end.isoformat()],
            "team_size": team_size,
        },
    )
    return report
