"""The city's coordination pages (issue 16, item 2) through the Flask client, as a browser posts
them: a batch, its draw (strata, verification, publication, the supplementary draw), the teams
(proposal, conflicts and blacklisted experts as reasons, edit, publish), the deadlines board;
and the attacks: a county reviewer, a post without its CSRF token, the same form sent twice."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from server.accounts.models import Role, User
from server.assignments.models import Assignment, AssignmentStatus
from server.compliance.models import ConflictKind
from server.compliance.service import declare_conflict
from server.filings.models import Filing
from server.review.models import ReviewBatch
from server.sampling.models import Draw
from tests.factories import OTHER_COUNTY

pytestmark = pytest.mark.sql

VERSION = re.compile(r'name="version" value="(\d+)"')


@dataclass
class City:
    filings: list[Filing]  # three B claims in one county, an A claim in another
    inspectors: list[User]  # three who may go; the last declared a conflict with the A plant
    blacklisted: User


@pytest.fixture
def city(make_city_filing, make_inspector, session, admin_actor) -> City:
    filings = [make_city_filing("B") for _ in range(3)] + [
        make_city_filing("A", county=OTHER_COUNTY)
    ]
    inspectors = [make_inspector(display_name=f"核查员{n}") for n in "甲乙丙"]
    blacklisted = make_inspector(display_name="黑名单专家")
    blacklisted.blacklisted = True
    declare_conflict(
        session,
        actor=admin_actor,
        enterprise=filings[3].site.enterprise,
        user_id=inspectors[2].id,
        kind=ConflictKind.third_party_service,
        declared_on=filings[3].received_on,
    )
    session.flush()
    return City(filings, inspectors, blacklisted)


def new_batch(pages, session) -> ReviewBatch:
    response = pages.post(
        "/review/city/batches",
        {
            "name": "第一批：铸造",
            "year": "2026",
            "deadline": "2026-08-10",
            "industries": ["foundry"],
        },
    )
    assert response.status_code == 303, response.text
    return session.scalars(select(ReviewBatch).where(ReviewBatch.name == "第一批：铸造")).one()


def draw_of(session, batch) -> Draw:
    return session.scalars(select(Draw).where(Draw.batch_id == batch.id)).one()


def test_a_batch_is_drawn_verified_published_and_staffed(pages, make_user, city, session):
    pages.sign_in(make_user(Role.city_reviewer))
    batch = new_batch(pages, session)
    page = pages.get(f"/review/city/batches/{batch.id}").text
    assert "已报送市级：4" in page and "进行抽查" in page

    response = pages.post(f"/review/city/batches/{batch.id}/draws")
    assert response.status_code == 303
    draw = draw_of(session, batch)
    page = pages.get(f"/review/city/draws/{draw.id}").text
    assert draw.seed in page and "尚未公布" in page
    strata = page[page.index('data-testid="strata"') :]
    assert "驿城区" in strata and "确山县" in strata
    assert f"{draw.eligible_count} 件参与，抽中 {draw.selected_count} 件" in page
    verified = pages.get(f"/review/city/draws/{draw.id}?verify=1").text
    assert "核验一致" in verified

    form = {"version": VERSION.search(page).group(1), "disclose_after": "2026-12-20"}
    assert pages.post(f"/review/city/draws/{draw.id}/publication", form).status_code == 303
    again = pages.post(f"/review/city/draws/{draw.id}/publication", form)  # sent twice
    assert again.status_code == 412 and "重复提交" in again.text
    session.refresh(draw)
    assert draw.published_at is not None

    teams = pages.get(f"/review/city/draws/{draw.id}/teams").text
    assert "黑名单专家" in teams and "不参与任何核查" in teams
    assert "核查员丙：已申报与该企业存在利益冲突" in teams
    response = pages.post(
        f"/review/city/draws/{draw.id}/teams", {"start": "2026-12-21", "end": "2026-12-23"}
    )
    assert response.status_code == 303
    made = list(session.scalars(select(Assignment).where(Assignment.draw_id == draw.id)))
    assert len(made) == draw.selected_count
    assert all(a.status is AssignmentStatus.planned and len(a.members) == 2 for a in made)
    a_plant = next(a for a in made if a.filing_id == city.filings[3].id)
    assert city.inspectors[2].id not in {m.user_id for m in a_plant.members}

    # the conflicted inspector may not join the A plant's team: the reason in words
    conflicted = [str(city.inspectors[2].id), str(city.inspectors[0].id)]
    refused = pages.post(
        f"/review/city/assignments/{a_plant.id}/team",
        {"members": conflicted, "version": str(a_plant.version)},
    )
    assert refused.status_code == 422 and "利益冲突" in refused.text
    blacklisted = [str(city.blacklisted.id), str(city.inspectors[0].id)]
    refused = pages.post(
        f"/review/city/assignments/{a_plant.id}/team",
        {"members": blacklisted, "version": str(a_plant.version)},
    )
    assert refused.status_code == 422 and "黑名单" in refused.text
    other = next(a for a in made if a is not a_plant)
    team = [str(city.inspectors[2].id), str(city.inspectors[0].id)]
    response = pages.post(
        f"/review/city/assignments/{other.id}/team",
        {"members": team, "version": str(other.version)},
    )
    assert response.status_code == 303
    session.refresh(other)
    assert [m.user_id for m in other.members if m.is_lead] == [city.inspectors[2].id]

    assert pages.post(f"/review/city/draws/{draw.id}/teams/publication").status_code == 303
    for assignment in made:
        session.refresh(assignment)
        assert assignment.status is AssignmentStatus.published
    again = pages.post(f"/review/city/draws/{draw.id}/teams/publication")
    assert again.status_code == 422 and "没有待下发的核查任务" in again.text


def test_a_second_draw_is_refused_and_a_supplementary_one_takes_the_late_filings(
    pages, make_user, make_city_filing, city, session
):
    pages.sign_in(make_user(Role.city_reviewer))
    batch = new_batch(pages, session)
    assert pages.post(f"/review/city/batches/{batch.id}/draws").status_code == 303
    again = pages.post(f"/review/city/batches/{batch.id}/draws")
    assert again.status_code == 409 and "抽查不能重做" in again.text
    nothing = pages.post(f"/review/city/batches/{batch.id}/draws", {"supplementary": "1"})
    assert nothing.status_code == 409 and "暂无可抽查的申报" in nothing.text
    late = make_city_filing("A")
    assert (
        pages.post(f"/review/city/batches/{batch.id}/draws", {"supplementary": "1"}).status_code
        == 303
    )
    second = session.scalars(
        select(Draw).where(Draw.batch_id == batch.id, Draw.sequence == 2)
    ).one()
    assert second.kind == "supplementary" and second.eligible_count == 1
    assert f'data-filing="{late.id}"' in pages.get(f"/review/city/draws/{second.id}").text


def test_a_batch_overlapping_another_is_refused_in_words(pages, make_user, session):
    pages.sign_in(make_user(Role.city_reviewer))
    new_batch(pages, session)
    response = pages.post(
        "/review/city/batches",
        {"name": "第二批", "year": "2026", "deadline": "2026-09-10", "industries": ["foundry"]},
    )
    assert response.status_code == 409 and "一份申报只能属于一个批次" in response.text
    assert 'value="第二批"' in response.text  # what was sent stays in the form


def test_the_deadlines_board_by_stage(pages, make_user, make_filing, move):
    county_late = make_filing()  # received 2026-07-01, never reviewed: long overdue
    city_late = move(make_filing(), "start_county_review", "forward", on=dt.date(2026, 7, 2))
    pages.sign_in(make_user(Role.city_reviewer))
    page = pages.get("/review/deadlines").text
    county_part = page[
        page.index('data-board="overdue-county"') : page.index('data-board="overdue-city"')
    ]
    city_part = page[
        page.index('data-board="overdue-city"') : page.index('data-board="upcoming-county"')
    ]
    assert f'data-filing="{county_late.id}"' in county_part
    assert f'data-filing="{city_late.id}"' in city_part
    assert "县区初审（7日）" in page and "市级复审（15日）" in page


# ---- attacks ---------------------------------------------------------------------------------


def test_a_county_reviewer_may_not_coordinate(pages, make_user, make_batch, session):
    batch = make_batch()
    pages.sign_in(make_user(Role.county_reviewer))
    assert pages.get("/review/city/batches").status_code == 403
    assert pages.post(f"/review/city/batches/{batch.id}/draws").status_code == 403
    response = pages.post(
        "/review/city/batches",
        {"name": "县里的批次", "year": "2026", "deadline": "2026-08-10", "industries": ["cement"]},
    )
    assert response.status_code == 403
    assert session.scalars(select(Draw)).first() is None
    assert (
        session.scalars(select(ReviewBatch).where(ReviewBatch.name == "县里的批次")).first() is None
    )


def test_a_draw_without_its_csrf_token_is_refused(pages, make_user, make_batch, city, session):
    batch = make_batch()
    pages.sign_in(make_user(Role.city_reviewer))
    response = pages.client.post(f"/review/city/batches/{batch.id}/draws", data={})
    assert response.status_code == 400 and "CSRF" in response.text
    assert session.scalars(select(Draw)).first() is None
