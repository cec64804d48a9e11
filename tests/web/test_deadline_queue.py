"""The queue's grouped deadline filter gives exactly what the review deadlines give row by row."""

from __future__ import annotations

import datetime as dt

import pytest

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.review.deadlines import DeadlineKind, list_deadlines
from server.web.deadline_queue import DueFilter, due_page
from tests.factories import OTHER_COUNTY, foundry_case


@pytest.fixture
def open_filings(make_filing, make_site, make_enterprise, move):
    """Filings on every clock: received on different days, one supplemented, some forwarded
    (the city's clock) on different days, in two counties and two claimed grades."""
    made = []
    for n in range(12):
        county = OTHER_COUNTY if n % 3 == 0 else "驿城区"
        filing = make_filing(
            site=make_site(enterprise=make_enterprise(county=county)),
            received_on=dt.date(2026, 7, 1) + dt.timedelta(days=2 * n),
            cases=[foundry_case("A" if n % 2 else "B")],
        )
        day = filing.received_on + dt.timedelta(days=1)
        if n % 4 == 1:
            move(filing, "start_county_review", on=day)
        if n % 4 == 2:
            move(filing, "start_county_review", "forward", on=day)
        if n % 4 == 3:
            move(filing, "start_county_review", "return_for_supplement", on=day)
            move(filing, "supplement", on=day + dt.timedelta(days=3))
        if n == 10:
            move(filing, "start_city_review", on=day + dt.timedelta(days=1))
        made.append(filing)
    return made


@pytest.mark.parametrize("role", [Role.city_reviewer, Role.county_reviewer])
def test_the_grouped_filter_agrees_with_list_deadlines(open_filings, make_user, role, session):
    actor = Actor.of(make_user(role))
    compared = 0
    for today in (dt.date(2026, 7, 9), dt.date(2026, 7, 20), dt.date(2026, 8, 15)):
        for kind, within in ((DeadlineKind.overdue, 0), (DeadlineKind.upcoming, 5)):
            expected, total = list_deadlines(
                session, actor, kind=kind, within=within, today=today, limit=1000
            )
            rows = [(r.filing_id, r.deadline.due_on) for r in expected]
            compared += len(rows)
            for offset, limit in ((0, 3), (3, 3), (0, 100)):
                got, count = due_page(
                    session,
                    actor,
                    DueFilter(kind=kind, within=within),
                    today=today,
                    offset=offset,
                    limit=limit,
                )
                assert count == total
                assert [(i, d.due_on) for i, d in got] == rows[offset : offset + limit]
    assert compared > 10  # the fixture gives something to compare


def test_the_other_filters_narrow_it(open_filings, make_user, session):
    actor = Actor.of(make_user(Role.city_reviewer))
    today = dt.date(2026, 8, 15)
    everything, _ = due_page(
        session,
        actor,
        DueFilter(kind=DeadlineKind.overdue, within=0),
        today=today,
        offset=0,
        limit=100,
    )
    grade_a, _ = due_page(
        session,
        actor,
        DueFilter(kind=DeadlineKind.overdue, within=0, claimed_grade="A", county=OTHER_COUNTY),
        today=today,
        offset=0,
        limit=100,
    )
    by_id = {f.id: f for f in open_filings}
    expected = [
        i
        for i, _ in everything
        if by_id[i].cases[0].claimed_grade == "A"
        and by_id[i].site.enterprise.county == OTHER_COUNTY
    ]
    assert [i for i, _ in grade_a] == expected and expected
