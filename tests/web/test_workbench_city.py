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

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.assignments.models import Assignment, AssignmentStatus
from server.compliance.models import ConflictKind
from server.compliance.service import declare_conflict
from server.filings.models import Filing, FilingStatus, IndustryCase
from server.review.batches import create_batch
from server.review.models import ReviewBatch
from server.review.service import transition
from server.review.workflow import Action
from server.sampling.models import Draw
from tests.factories import OTHER_COUNTY
from tests.web.workbench_live import (
    CHROMIUM,
    chromium,
    live_site,
    no_raw_codes,
    screenshot,
    sign_in,
)

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


def test_another_citys_batch_is_not_found(pages, make_user, session):
    their_admin = Actor.of(make_user(Role.admin, city="信阳市"))
    theirs = create_batch(
        session,
        actor=their_admin,
        name="信阳市第一批",
        city="信阳市",
        year=2026,
        industries=["foundry"],
        deadline=dt.date(2026, 9, 30),
    )
    pages.sign_in(make_user(Role.city_reviewer))
    assert pages.get(f"/review/city/batches/{theirs.id}").status_code == 404
    assert pages.post(f"/review/city/batches/{theirs.id}/draws").status_code == 404
    assert f'data-batch="{theirs.id}"' not in pages.get("/review/city/batches").text
    assert session.scalars(select(Draw)).first() is None


def test_a_draw_without_its_csrf_token_is_refused(pages, make_user, make_batch, city, session):
    batch = make_batch()
    pages.sign_in(make_user(Role.city_reviewer))
    response = pages.client.post(f"/review/city/batches/{batch.id}/draws", data={})
    assert response.status_code == 400 and "CSRF" in response.text
    assert session.scalars(select(Draw)).first() is None


# ---- in the browser --------------------------------------------------------------------------

# industries the demo city has received filings of and no batch for (its own batches hold
# packaging printing and industrial coating)
INDUSTRIES = ("wood_panels", "frp")


def _forwarded_industries(session) -> int:
    """Forward every received demo filing of the two industries (as the admin); their year."""
    admin = Actor.of(session.scalars(select(User).where(User.username == "admin")).one())
    query = (
        select(Filing)
        .join(IndustryCase, IndustryCase.filing_id == Filing.id)
        .where(IndustryCase.is_main, IndustryCase.industry_code.in_(INDUSTRIES))
        .where(Filing.status == FilingStatus.received)
        .order_by(Filing.id)
    )
    filings = list(session.scalars(query))
    for filing in filings:
        for action in (Action.start_county_review, Action.forward):
            transition(session, actor=admin, filing=filing, action=action)
    return filings[0].year


@pytest.fixture(scope="module")
def city_site(tmp_path_factory):
    with live_site(tmp_path_factory.mktemp("city-live"), _forwarded_industries) as site:
        yield site


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH")
def test_in_the_browser_the_city_draws_verifies_publishes_and_sends_the_teams(city_site):
    year = city_site.prepared
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        sign_in(page, city_site, "city1")
        page.click("nav.topnav a:has-text('批次与抽查')")
        page.wait_for_url("**/review/city/batches")
        form = page.get_by_test_id("batch-form")
        form.locator("input[name=name]").fill("第三批：人造板制造、玻璃钢")
        form.locator("input[name=year]").fill(str(year))
        form.locator("input[name=deadline]").fill(f"{year}-09-30")
        for code in INDUSTRIES:
            form.locator(f"input[name=industries][value={code}]").check()
        form.locator("button").click()
        page.wait_for_url("**/review/city/batches/*")
        assert "批次已建立" in page.locator("p.notice").inner_text()
        assert "已报送市级" in page.get_by_test_id("status-counts").inner_text()
        no_raw_codes(page)

        page.get_by_test_id("draw-form").locator("button").click()
        page.wait_for_url("**/review/city/draws/*")
        assert page.get_by_test_id("draw-state").inner_text() == "尚未公布"
        seed = page.get_by_test_id("seed").inner_text()
        assert re.fullmatch(r"[0-9a-f]{64}", seed)
        assert page.get_by_test_id("strata").locator("tbody tr").count() >= 2
        no_raw_codes(page)
        page.get_by_test_id("verify").click()
        page.wait_for_url("**verify=1**")
        assert "核验一致" in page.get_by_test_id("verification").inner_text()

        page.get_by_test_id("publish-form").locator("button").click()
        page.wait_for_url("**/review/city/draws/*")
        assert "已公布" in page.get_by_test_id("draw-state").inner_text()
        screenshot(page, "city-draw.png")

        page.get_by_test_id("teams-link").click()
        page.wait_for_url("**/teams")
        assert "不参与任何核查" in page.get_by_test_id("blacklisted").inner_text()
        drawn = page.get_by_test_id("teams").locator("tbody tr[data-filing]").count()
        elsewhere = page.get_by_test_id("other-assignment").count()  # the demo's own A checks
        proposed = page.get_by_test_id("proposed").count()
        assert drawn >= 1 and proposed >= 1 and proposed + elsewhere == drawn
        no_raw_codes(page)
        page.get_by_test_id("plan-form").locator("button").click()
        page.wait_for_url("**/teams")
        assert page.get_by_test_id("assignment-status").count() == proposed
        page.get_by_test_id("publish-teams-form").locator("button").click()
        page.wait_for_url("**/teams")
        statuses = page.get_by_test_id("assignment-status").all_inner_texts()
        assert statuses == ["已下发到核查员平板"] * proposed
        no_raw_codes(page)
        screenshot(page, "city-teams.png")

        page.click("nav.topnav a:has-text('期限看板')")
        page.wait_for_url("**/review/deadlines")
        no_raw_codes(page)
        context.close()
    with city_site.session() as session:
        draw = session.scalars(select(Draw).order_by(Draw.id.desc())).first()  # after the demo's
        assert draw is not None
        assert draw.published_at is not None
        made = list(session.scalars(select(Assignment).where(Assignment.draw_id == draw.id)))
        assert len(made) == proposed
        assert {a.status for a in made} == {AssignmentStatus.published}
