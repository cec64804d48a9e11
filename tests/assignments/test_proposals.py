"""Teams proposed for a whole draw: nobody conflicted or blacklisted, load balanced, near first."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from server.accounts.models import Role
from server.assignments.models import Assignment, AssignmentMember
from server.assignments.proposals import propose_for_draw
from server.compliance.models import ConflictKind
from server.compliance.service import declare_conflict
from server.errors import ValidationFailed
from server.sampling.service import create_draw
from tests.factories import COUNTY, OTHER_COUNTY
from tests.review_factories import WINDOW_END, WINDOW_START


@pytest.fixture
def drawn(session, city_actor, admin_actor, make_batch, make_city_filing, make_inspector):
    batch = make_batch()
    filings = [make_city_filing("A") for _ in range(6)] + [
        make_city_filing("A", county=OTHER_COUNTY) for _ in range(4)
    ]
    inspectors = [make_inspector(COUNTY) for _ in range(3)] + [
        make_inspector(OTHER_COUNTY) for _ in range(3)
    ]
    blacklisted = make_inspector(COUNTY)
    blacklisted.blacklisted = True
    conflicted = inspectors[0]
    declare_conflict(
        session,
        actor=admin_actor,
        enterprise=filings[0].site.enterprise,
        user_id=conflicted.id,
        kind=ConflictKind.acceptance_expert,
        declared_on=dt.date(2026, 1, 5),
    )
    draw = create_draw(session, actor=city_actor, batch_id=batch.id)
    return draw, filings, inspectors, blacklisted, conflicted


def count(session):
    return session.scalar(select(func.count(Assignment.id)))


def test_every_selected_filing_gets_a_clean_balanced_team(session, city_actor, drawn):
    draw, filings, inspectors, blacklisted, conflicted = drawn
    report = propose_for_draw(
        session, actor=city_actor, draw_id=draw.id, window_start=WINDOW_START, window_end=WINDOW_END
    )
    assert report.unstaffed == []
    assert len(report.created) == 10
    teams = {a.filing_id: [m.user_id for m in a.members] for a in report.created}
    assert set(teams) == {f.id for f in filings}
    assert all(len(set(t)) == 2 for t in teams.values())
    assert conflicted.id not in teams[filings[0].id]
    assert all(blacklisted.id not in t for t in teams.values())
    loads = session.execute(
        select(AssignmentMember.user_id, func.count()).group_by(AssignmentMember.user_id)
    ).all()
    per_user = dict(loads)
    assert set(per_user) <= {i.id for i in inspectors}
    assert max(per_user.values()) - min(per_user.values()) <= 2
    # near first: the first check in each county is led by someone from that county
    first_other = next(f for f in filings if f.site.enterprise.county == OTHER_COUNTY)
    lead = next(
        m
        for m in next(a for a in report.created if a.filing_id == first_other.id).members
        if m.is_lead
    )
    assert lead.user_id in {i.id for i in inspectors[3:]}
    assert all(a.form_pins for a in report.created)


def test_dry_run_writes_nothing_and_a_second_run_skips_assigned(session, city_actor, drawn):
    draw, *_ = drawn
    dry = propose_for_draw(
        session,
        actor=city_actor,
        draw_id=draw.id,
        window_start=WINDOW_START,
        window_end=WINDOW_END,
        dry_run=True,
    )
    assert len(dry.teams) == 10
    assert dry.created == []
    assert count(session) == 0
    propose_for_draw(
        session, actor=city_actor, draw_id=draw.id, window_start=WINDOW_START, window_end=WINDOW_END
    )
    again = propose_for_draw(
        session, actor=city_actor, draw_id=draw.id, window_start=WINDOW_START, window_end=WINDOW_END
    )
    assert (again.already_assigned, len(again.created)) == (10, 0)
    assert count(session) == 10


def test_too_few_eligible_inspectors_leaves_the_check_unstaffed(
    session, city_actor, make_batch, make_city_filing, make_inspector, admin_actor
):
    batch = make_batch()
    filing = make_city_filing("A")
    only = [make_inspector(), make_inspector()]
    declare_conflict(
        session,
        actor=admin_actor,
        enterprise=filing.site.enterprise,
        user_id=only[0].id,
        kind=ConflictKind.employment,
        declared_on=dt.date(2026, 1, 5),
    )
    draw = create_draw(session, actor=city_actor, batch_id=batch.id)
    report = propose_for_draw(
        session, actor=city_actor, draw_id=draw.id, window_start=WINDOW_START, window_end=WINDOW_END
    )
    assert report.created == []
    assert [u.filing_id for u in report.unstaffed] == [filing.id]
    assert count(session) == 0


def test_team_of_one_and_bad_window_refused(session, city_actor, drawn):
    draw, *_ = drawn
    with pytest.raises(ValidationFailed) as small:
        propose_for_draw(
            session,
            actor=city_actor,
            draw_id=draw.id,
            window_start=WINDOW_START,
            window_end=WINDOW_END,
            team_size=1,
        )
    assert small.value.code == "assignment.team_too_small"
    with pytest.raises(ValidationFailed) as window:
        propose_for_draw(
            session,
            actor=city_actor,
            draw_id=draw.id,
            window_start=WINDOW_END,
            window_end=WINDOW_START,
        )
    assert window.value.code == "assignment.window_invalid"
    assert count(session) == 0


def test_proposal_api_and_cli(client, app, session, drawn, make_user, login):
    draw, *_ = drawn
    city = make_user(Role.city_reviewer)
    response = client.post(
        f"/api/draws/{draw.id}/assignments",
        json={
            "window_start": WINDOW_START.isoformat(),
            "window_end": WINDOW_END.isoformat(),
            "dry_run": True,
        },
        headers=login(city),
    )
    assert response.status_code == 200, response.json
    assert len(response.json["teams"]) == 10
    assert response.json["created"] == []
    result = app.test_cli_runner().invoke(
        args=[
            "assignments",
            "propose",
            str(draw.id),
            "--as-user",
            city.username,
            "--from",
            "2026-09-01",
            "--to",
            "2026-09-04",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "planned 10 assignment(s); 0 unstaffed; 0 already assigned" in result.output
    windows = set(session.execute(select(Assignment.window_start, Assignment.window_end)).all())
    assert windows == {
        (dt.datetime(2026, 8, 31, 16, tzinfo=dt.UTC), dt.datetime(2026, 9, 4, 16, tzinfo=dt.UTC))
    }
