"""Manual assignments: every rule checked on the way in; refusals change nothing."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from server.accounts.models import Role
from server.assignments.models import Assignment, AssignmentStatus
from server.assignments.service import create_assignment, update_assignment
from server.audit.models import AuditEvent
from server.compliance.models import ConflictKind
from server.compliance.service import declare_conflict
from server.errors import ValidationFailed
from server.inspections.forms import forms_for_filing
from server.sampling.service import create_draw
from tests.review_factories import WINDOW_END, WINDOW_START


def count(session):
    return session.scalar(select(func.count(Assignment.id)))


def conflict(session, admin_actor, user, filing):
    declare_conflict(
        session,
        actor=admin_actor,
        enterprise=filing.site.enterprise,
        user_id=user.id,
        kind=ConflictKind.third_party_service,
        declared_on=dt.date(2026, 5, 1),
    )


@pytest.fixture
def team(make_inspector):
    return [make_inspector(), make_inspector()]


@pytest.fixture
def a_filing(make_city_filing):
    return make_city_filing("A")


def assign(session, actor, filing, members, **kw):
    data = {"window_start": WINDOW_START, "window_end": WINDOW_END}
    data.update(kw)
    return create_assignment(
        session, actor=actor, filing_id=filing.id, members=[m.id for m in members], **data
    )


def test_full_check_assigned_with_forms_pinned(session, city_actor, a_filing, team):
    assignment = assign(session, city_actor, a_filing, team)
    assert (assignment.reason, assignment.draw_id, assignment.status) == (
        "full_check",
        None,
        AssignmentStatus.planned,
    )
    assert assignment.site_id == a_filing.site_id
    assert [(m.user_id, m.is_lead) for m in assignment.members] == [
        (team[0].id, True),
        (team[1].id, False),
    ]
    assert assignment.form_pins == [
        {"form_id": f.id, "version": f.version, "sha256": f.sha256}
        for f in forms_for_filing(a_filing)
    ]
    assert {p["form_id"] for p in assignment.form_pins} == {"common", "foundry"}
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assignment.created")
    ).one()
    assert event.data["members"] == [team[0].id, team[1].id]


def test_conflicted_inspector_refused(session, city_actor, admin_actor, a_filing, team):
    conflict(session, admin_actor, team[1], a_filing)
    with pytest.raises(ValidationFailed) as refused:
        assign(session, city_actor, a_filing, team)
    assert refused.value.code == "assignment.conflict_of_interest"
    assert refused.value.errors == {
        "members.1": [
            f"{team[1].display_name} (user {team[1].id}) declared a conflict of interest "
            "with this enterprise"
        ]
    }
    assert count(session) == 0


def test_team_of_one_refused(session, city_actor, a_filing, team):
    with pytest.raises(ValidationFailed) as refused:
        assign(session, city_actor, a_filing, team[:1])
    assert refused.value.code == "assignment.team_too_small"
    assert refused.value.message == "the team is refused: a team needs at least 2 inspectors; got 1"
    with pytest.raises(ValidationFailed) as twice:
        assign(session, city_actor, a_filing, [team[0], team[0]])
    assert twice.value.code == "assignment.team_too_small"
    assert count(session) == 0


def test_blacklisted_and_non_inspectors_refused(
    session, city_actor, a_filing, team, make_inspector, make_user
):
    expert = make_inspector()
    expert.blacklisted = True
    with pytest.raises(ValidationFailed) as blacklisted:
        assign(session, city_actor, a_filing, [team[0], expert])
    assert blacklisted.value.code == "assignment.blacklisted"
    reviewer = make_user(Role.county_reviewer)
    with pytest.raises(ValidationFailed) as not_inspector:
        assign(session, city_actor, a_filing, [team[0], reviewer])
    assert not_inspector.value.code == "assignment.not_inspector"
    assert "is a county_reviewer, not an inspector" in not_inspector.value.message
    assert count(session) == 0


def test_window_must_end_after_it_starts(session, city_actor, a_filing, team):
    with pytest.raises(ValidationFailed) as refused:
        assign(
            session, city_actor, a_filing, team, window_start=WINDOW_END, window_end=WINDOW_START
        )
    assert refused.value.code == "assignment.window_invalid"
    assert count(session) == 0


def test_b_filing_only_when_drawn(session, city_actor, make_batch, make_city_filing, team):
    from server.errors import Conflict

    batch = make_batch()
    b_filings = [make_city_filing("B") for _ in range(4)]
    with pytest.raises(Conflict) as undrawn:
        assign(session, city_actor, b_filings[0], team)
    assert undrawn.value.code == "assignment.not_selected"
    assert "claims B and no draw selected it" in undrawn.value.message
    draw = create_draw(session, actor=city_actor, batch_id=batch.id)
    chosen = {e.filing_id for e in draw.entries if e.selected}
    left_out = next(f for f in b_filings if f.id not in chosen)
    with pytest.raises(Conflict) as not_selected:
        assign(session, city_actor, left_out, team, draw_id=draw.id)
    assert not_selected.value.message == f"filing {left_out.id} is not selected in draw {draw.id}"
    picked = next(f for f in b_filings if f.id in chosen)
    assignment = assign(session, city_actor, picked, team)
    assert (assignment.draw_id, assignment.reason) == (draw.id, "sampled")
    assert count(session) == 1


def test_one_active_assignment_per_filing(session, city_actor, a_filing, team):
    from server.errors import Conflict

    assign(session, city_actor, a_filing, team)
    with pytest.raises(Conflict) as duplicate:
        assign(session, city_actor, a_filing, team)
    assert duplicate.value.code == "assignment.duplicate"
    assert count(session) == 1


def test_status_moves_and_team_changes(
    session, city_actor, admin_actor, a_filing, team, make_inspector
):
    from server.errors import Conflict

    assignment = assign(session, city_actor, a_filing, team)
    version = assignment.version
    third = make_inspector()
    update_assignment(
        session,
        actor=city_actor,
        assignment=assignment,
        changes={"members": [team[0].id, third.id], "lead_id": third.id},
    )
    assert assignment.version > version
    assert [(m.user_id, m.is_lead) for m in assignment.members] == [
        (team[0].id, False),
        (third.id, True),
    ]
    conflict(session, admin_actor, third, a_filing)
    with pytest.raises(ValidationFailed) as at_publication:
        update_assignment(
            session,
            actor=city_actor,
            assignment=assignment,
            changes={"status": AssignmentStatus.published},
        )
    assert at_publication.value.code == "assignment.conflict_of_interest"
    assert assignment.status is AssignmentStatus.planned
    update_assignment(
        session,
        actor=city_actor,
        assignment=assignment,
        changes={"members": [team[0].id, team[1].id], "status": AssignmentStatus.published},
    )
    assert assignment.status is AssignmentStatus.published
    with pytest.raises(Conflict) as back:
        update_assignment(
            session,
            actor=city_actor,
            assignment=assignment,
            changes={"status": AssignmentStatus.planned},
        )
    assert back.value.code == "assignment.illegal_status_change"
    assert back.value.message == (
        "an assignment that is published cannot become planned; it can become cancelled, done"
    )
    update_assignment(
        session, actor=city_actor, assignment=assignment, changes={"status": AssignmentStatus.done}
    )
    with pytest.raises(Conflict, match="is done and can no longer change"):
        update_assignment(
            session, actor=city_actor, assignment=assignment, changes={"window_end": WINDOW_END}
        )
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_type == "assignment")
    ).all()
    assert actions == ["assignment.created"] + ["assignment.updated"] * 3
