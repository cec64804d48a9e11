"""Overdue and upcoming lists: 7 days for the county, 15 for the city, restarted by a supplement."""

import datetime as dt

import pytest

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.clock import china_today
from server.review.deadlines import DeadlineKind, list_deadlines
from server.review.jurisdiction import add_version
from tests.factories import CITY, OTHER_COUNTY, foundry_case


def days_ago(n):
    # today when the scenario is made, not when the module was collected: a run that passes
    # midnight in China (16:00 UTC) must not count a day the API does not
    return china_today() - dt.timedelta(days=n)


@pytest.fixture
def scenario(make_filing, move):
    """Filings with every kind of clock, named by what the lists should say of them."""
    filings = {
        # county clock from receipt: due 3 days ago
        "county_overdue": make_filing(received_on=days_ago(10)),
        # due in 2 days
        "county_upcoming": make_filing(received_on=days_ago(5)),
        # due in 6 days: neither list at within=3
        "county_later": make_filing(received_on=days_ago(1)),
        # returned: the plant has it, no clock
        "returned": move(
            make_filing(received_on=days_ago(30)),
            "start_county_review",
            "return_for_supplement",
            on=days_ago(29),
        ),
        # received long ago, supplemented 2 days ago: due in 5 days
        "supplemented": move(
            make_filing(received_on=days_ago(40)),
            "start_county_review",
            "return_for_supplement",
            on=days_ago(39),
        ),
        # forwarded 16 days ago: the city's 15 days ended yesterday
        "city_overdue": move(
            make_filing(received_on=days_ago(20)), "start_county_review", "forward", on=days_ago(16)
        ),
        # forwarded 14 days ago, in city review: due tomorrow
        "city_upcoming": move(
            make_filing(received_on=days_ago(20)),
            "start_county_review",
            "forward",
            "start_city_review",
            on=days_ago(14),
        ),
        "decided": move(  # B, not drawn: decided without a visit (rule 12)
            make_filing(received_on=days_ago(60), cases=[foundry_case("B")]),
            "start_county_review",
            "forward",
            "start_city_review",
            "decide",
            on=days_ago(50),
        ),
    }
    move(filings["supplemented"], "supplement", on=days_ago(2))
    return filings


def listed(session, actor, kind, **kw):
    rows, total = list_deadlines(session, actor, kind=kind, today=china_today(), **kw)
    assert total == len(rows)
    return rows


def test_overdue_list(session, scenario, admin_actor):
    rows = listed(session, admin_actor, DeadlineKind.overdue)
    names = {f.id: name for name, f in scenario.items()}
    assert [names[r.filing_id] for r in rows] == ["county_overdue", "city_overdue"]
    county, city = rows
    assert (county.deadline.stage, county.deadline.due_on, county.days_left) == (
        "county",
        days_ago(3),
        -3,
    )
    assert (city.deadline.stage, city.deadline.started_on, city.days_left) == (
        "city",
        days_ago(16),
        -1,
    )


def test_upcoming_list_soonest_first(session, scenario, admin_actor):
    names = {f.id: name for name, f in scenario.items()}
    rows = listed(session, admin_actor, DeadlineKind.upcoming, within=3)
    assert [names[r.filing_id] for r in rows] == ["city_upcoming", "county_upcoming"]
    assert [r.days_left for r in rows] == [1, 2]
    wider = listed(session, admin_actor, DeadlineKind.upcoming, within=6)
    assert [names[r.filing_id] for r in wider] == [
        "city_upcoming",
        "county_upcoming",
        "supplemented",
        "county_later",
    ]
    only_city = listed(session, admin_actor, DeadlineKind.upcoming, within=6, stage="city")
    assert [names[r.filing_id] for r in only_city] == ["city_upcoming"]


def test_county_reviewers_see_their_county_only(session, scenario, make_user):
    elsewhere = Actor.of(make_user(Role.county_reviewer, county=OTHER_COUNTY))
    assert listed(session, elsewhere, DeadlineKind.overdue) == []


def test_deadline_days_follow_the_city_settings(session, scenario, admin_actor):
    add_version(
        session,
        actor=admin_actor,
        city=CITY,
        effective_from=days_ago(365),
        sampling_rate="0.30",
        county_review_days=12,
        city_review_days=20,
    )
    names = {f.id: name for name, f in scenario.items()}
    assert listed(session, admin_actor, DeadlineKind.overdue) == []
    rows = listed(session, admin_actor, DeadlineKind.upcoming, within=2)
    assert [names[r.filing_id] for r in rows] == ["county_overdue"]  # now due in 2 days


def test_deadlines_api_paginates(client, scenario, make_user, login):
    headers = login(make_user(Role.city_reviewer))
    response = client.get("/api/deadlines?kind=overdue&page_size=1", headers=headers)
    assert response.status_code == 200
    assert len(response.json) == 1
    assert '"total": 2' in response.headers["X-Pagination"]
    row = response.json[0]
    assert row["days_left"] == -3
    assert row["deadline"]["stage"] == "county"
    assert row["deadline"]["days"] == 7
    upcoming = client.get("/api/deadlines?kind=upcoming&within=3", headers=headers)
    assert [r["days_left"] for r in upcoming.json] == [1, 2]
    assert client.get("/api/deadlines", headers=login(make_user(Role.inspector))).status_code == 403
