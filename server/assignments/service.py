"""Making and changing assignments by hand, with every rule checked on the way in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.assignments import repository
from server.assignments.checklist import checklist_pins
from server.assignments.county import county_check_basis
from server.assignments.errors import (
    BadWindow,
    BlacklistedExpert,
    ConflictOfInterest,
    DuplicateAssignment,
    FilingClosed,
    IllegalStatusChange,
    NotInspector,
    NotSelected,
    TeamRefused,
    TeamTooSmall,
)
from server.assignments.models import Assignment, AssignmentMember, AssignmentStatus
from server.assignments.teams import MIN_TEAM_SIZE
from server.audit.service import record
from server.db import utcnow
from server.errors import NotFound
from server.filings.models import Filing, FilingStatus
from server.sampling.draw import FULL_CHECK, FULL_CHECK_GRADES
from server.sampling.models import Draw
from server.sampling.repository import selected_entry

S = AssignmentStatus
# What each status may become; cancelled and done are final.
STATUS_MOVES: dict[AssignmentStatus, frozenset[AssignmentStatus]] = {
    S.planned: frozenset({S.published, S.cancelled}),
    S.published: frozenset({S.cancelled, S.done}),
    S.cancelled: frozenset(),
    S.done: frozenset(),
}
# The gravest problem names the error; every problem is listed in ``errors``.
_PRECEDENCE: tuple[type[TeamRefused], ...] = (
    ConflictOfInterest,
    BlacklistedExpert,
    NotInspector,
    TeamTooSmall,
    TeamRefused,
)


def require_planner(actor: Actor, county: str) -> None:
    """City reviewers and admins plan any check; a county reviewer only their county's."""
    actor.require(Role.county_reviewer, Role.city_reviewer, Role.admin)
    actor.require_county(county)


def check_window(start: dt.datetime, end: dt.datetime) -> None:
    """Raises BadWindow unless both ends carry a timezone and the end is after the start."""
    if start.tzinfo is None or end.tzinfo is None:
        raise BadWindow(
            "the visit window needs timezones", errors={"window_start": ["give a UTC offset"]}
        )
    if end <= start:
        raise BadWindow(
            f"the visit window ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            errors={"window_end": ["must be after window_start"]},
        )


def check_team(session: Session, *, members: list[int], enterprise_id: int) -> None:
    """Every member an active, non-blacklisted inspector with no conflict; at least two.

    Raises ConflictOfInterest, BlacklistedExpert, NotInspector, TeamTooSmall or TeamRefused,
    naming the gravest, with every problem in ``errors``.
    """
    problems: list[tuple[type[TeamRefused], str, str]] = []
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(members)))}
    conflicted = repository.conflicted_users(session, [enterprise_id]).get(enterprise_id, set())
    for index, user_id in enumerate(members):
        field = f"members.{index}"
        user = users.get(user_id)
        if user is None:
            problems.append((TeamRefused, field, f"user {user_id} does not exist"))
            continue
        who = f"{user.display_name} (user {user_id})"
        if user_id in conflicted:
            problems.append(
                (
                    ConflictOfInterest,
                    field,
                    f"{who} declared a conflict of interest with this enterprise",
                )
            )
        if user.blacklisted:
            problems.append((BlacklistedExpert, field, f"{who} is blacklisted and may not review"))
        if user.role is not Role.inspector:
            problems.append(
                (NotInspector, field, f"{who} is a {user.role.value}, not an inspector")
            )
        if not user.active:
            problems.append((TeamRefused, field, f"{who} is deactivated"))
    if len(set(members)) != len(members):
        problems.append((TeamRefused, "members", "someone is listed twice"))
    if len(set(members)) < MIN_TEAM_SIZE:
        problems.append(
            (
                TeamTooSmall,
                "members",
                f"a team needs at least {MIN_TEAM_SIZE} inspectors; got {len(set(members))}",
            )
        )
    if not problems:
        return
    errors: dict[str, list[str]] = {}
    for _, field, message in problems:
        errors.setdefault(field, []).append(message)
    kinds = {kind for kind, _, _ in problems}
    gravest = next(kind for kind in _PRECEDENCE if kind in kinds)
    first = next(message for kind, _, message in problems if kind is gravest)
    raise gravest(f"the team is refused: {first}", errors=errors)


def _basis(
    session: Session, actor: Actor, filing: Filing, draw_id: int | None
) -> tuple[int | None, str]:
    """(draw id, reason) that justifies checking the filing on site: the county's own check while
    it is in county review (S4 §三(二)), else a full check or a draw's selection (S4 §三(三)).

    Raises NotSelected, NotFound, Forbidden, CountyCheckRefused.
    """
    if draw_id is None and filing.status is FilingStatus.county_review:
        return county_check_basis(actor, filing)
    if draw_id is not None:
        draw = session.get(Draw, draw_id)
        if draw is None or (actor.role is Role.county_reviewer and draw.published_at is None):
            raise NotFound(f"draw {draw_id} not found")
        entry = selected_entry(session, filing.id, draw_id)
        if entry is None:
            raise NotSelected(f"filing {filing.id} is not selected in draw {draw_id}")
        return draw_id, entry.reason
    entry = selected_entry(session, filing.id)
    if entry is not None:
        return entry.draw_id, entry.reason
    main = next(case for case in filing.cases if case.is_main)
    if main.claimed_grade in FULL_CHECK_GRADES:
        return None, FULL_CHECK
    raise NotSelected(
        f"filing {filing.id} claims {main.claimed_grade} and no draw selected it; only full checks "
        "(A+, A, leading, advanced) and filings a draw selected are checked on site by the city, "
        "and the county checks A, B and leading applicants while the filing is in county review"
    )


def _set_members(assignment: Assignment, members: list[int], lead_id: int | None) -> None:
    """Make the team ``members`` (the lead, or else the first, leads), keeping rows that stay:
    a flush inserts before it deletes, so re-adding a member would break the unique key."""
    lead = lead_id if lead_id is not None else members[0]
    existing = {m.user_id: m for m in assignment.members}
    kept = []
    for user_id in members:
        member = existing.get(user_id) or AssignmentMember(user_id=user_id)
        member.is_lead = user_id == lead
        kept.append(member)
    assignment.members = kept


def create_assignment(
    session: Session,
    *,
    actor: Actor,
    filing_id: int,
    members: list[int],
    window_start: dt.datetime,
    window_end: dt.datetime,
    lead_id: int | None = None,
    draw_id: int | None = None,
) -> Assignment:
    """Assign a team to check a filing on site, pinning the form versions that apply now.

    A filing in county review gets the county's own check (reason ``county_check``,
    ``server.assignments.county``).

    Raises NotFound, Forbidden, BadWindow, the TeamRefused family, NotSelected,
    CountyCheckRefused, FilingClosed, DuplicateAssignment.
    """
    filing = repository.load_filing(session, filing_id)
    enterprise = filing.site.enterprise
    if actor.county is not None and actor.county != enterprise.county:
        raise NotFound(f"filing {filing_id} not found")
    require_planner(actor, enterprise.county)
    check_window(window_start, window_end)
    if lead_id is not None and lead_id not in members:
        raise TeamRefused("the lead must be a member", errors={"lead_id": ["is not in members"]})
    check_team(session, members=members, enterprise_id=enterprise.id)
    draw_id, reason = _basis(session, actor, filing, draw_id)
    if filing.status is FilingStatus.withdrawn:
        raise FilingClosed(f"filing {filing_id} was withdrawn; there is nothing to check")
    if repository.has_active_assignment(session, filing_id):
        raise DuplicateAssignment(
            f"filing {filing_id} already has a planned or published assignment; change that one"
        )
    assignment = Assignment(
        filing_id=filing.id,
        site_id=filing.site_id,
        draw_id=draw_id,
        reason=reason,
        window_start=window_start,
        window_end=window_end,
        form_pins=repository.form_pins(filing),
        created_by=actor.user_id,
    )
    _set_members(assignment, members, lead_id)
    session.add(assignment)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="assignment.created",
        subject_type="assignment",
        subject_id=assignment.id,
        data=audit_data(assignment),
    )
    return assignment


def audit_data(assignment: Assignment) -> dict[str, Any]:
    return {
        "filing_id": assignment.filing_id,
        "draw_id": assignment.draw_id,
        "reason": assignment.reason,
        "status": assignment.status.value if assignment.status else S.planned.value,
        "members": [m.user_id for m in assignment.members],
        "lead": next((m.user_id for m in assignment.members if m.is_lead), None),
        "window": [assignment.window_start.isoformat(), assignment.window_end.isoformat()],
        # the generated checklist by its digest; its definition is stored on the assignment
        "form_pins": [
            {key: pin[key] for key in ("form_id", "version", "sha256")}
            for pin in assignment.form_pins
        ],
    }


def update_assignment(
    session: Session, *, actor: Actor, assignment: Assignment, changes: dict[str, Any]
) -> Assignment:
    """Change the window, the team (``members``, ``lead_id``) or the status. Publishing pins the
    checklist: the forms that apply plus items generated from every claim they do not verify.

    Raises Forbidden, IllegalStatusChange, BadWindow, the TeamRefused family, FilingClosed,
    ClaimNotCoverable.
    """
    filing = repository.load_filing(session, assignment.filing_id)
    require_planner(actor, filing.site.enterprise.county)
    current = assignment.status
    if not STATUS_MOVES[current]:
        raise IllegalStatusChange(
            f"assignment {assignment.id} is {current.value} and can no longer change"
        )
    target = changes.get("status")
    if target is not None and target is not current and target not in STATUS_MOVES[current]:
        allowed = ", ".join(sorted(s.value for s in STATUS_MOVES[current]))
        raise IllegalStatusChange(
            f"an assignment that is {current.value} cannot become {target.value}; it can become {allowed}",
            errors={"status": [f"allowed: {allowed}"]},
        )
    start = changes.get("window_start", assignment.window_start)
    end = changes.get("window_end", assignment.window_end)
    check_window(start, end)
    members = changes.get("members") or [m.user_id for m in assignment.members]
    lead_id = changes.get("lead_id")
    if lead_id is not None and lead_id not in members:
        raise TeamRefused("the lead must be a member", errors={"lead_id": ["is not in members"]})
    if "members" in changes or target is S.published:
        # Re-checked on publication too: a conflict may have been declared since planning.
        check_team(session, members=members, enterprise_id=filing.site.enterprise_id)
    if target is S.published and filing.status is FilingStatus.withdrawn:
        raise FilingClosed(f"filing {filing.id} was withdrawn; cancel the assignment instead")
    if target is S.published and current is S.planned:
        # Issue 17: the checklist covers every claim as the filing stands now, and stays so.
        pins = checklist_pins(filing, assignment.form_pins, version=assignment.id)
    else:
        pins = assignment.form_pins
    before = audit_data(assignment)
    assignment.form_pins = pins
    assignment.window_start, assignment.window_end = start, end
    if "members" in changes or lead_id is not None:
        _set_members(assignment, members, lead_id)
    if target is not None:
        assignment.status = target
    assignment.updated_at = utcnow()
    session.flush()  # a concurrent change fails here (version) rather than at commit
    record(
        session,
        actor_id=actor.user_id,
        action="assignment.updated",
        subject_type="assignment",
        subject_id=assignment.id,
        data={"before": before, "after": audit_data(assignment)},
    )
    return assignment
