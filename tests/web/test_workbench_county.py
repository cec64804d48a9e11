"""The county's pre-review pages (issue 16, item 1) through the Flask client, as a browser
posts them: the queue by stage, return for supplement with the one complete list, the
supplement, forwarding, the county's own on-site check; and the attacks: another county's
filing, a post without its CSRF token, the same form sent twice."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.accounts.models import Role
from server.assignments.models import Assignment, AssignmentStatus
from server.filings.models import Filing, FilingStatus, IndustryCase
from server.registry.models import Enterprise, Site
from server.review.models import ReviewTransition
from tests.factories import OTHER_COUNTY, foundry_case
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


def steps_of(session, filing_id):
    query = select(ReviewTransition).where(ReviewTransition.filing_id == filing_id)
    return list(session.scalars(query.order_by(ReviewTransition.id)))


def version_on(page: str) -> str:
    found = VERSION.search(page)
    assert found, page
    return found.group(1)


@pytest.fixture
def county_reviewer(make_user):
    return make_user(Role.county_reviewer)


def step(pages, filing_id, action, **fields):
    page = pages.get(f"/review/county/filings/{filing_id}").text
    data = {"action": action, "version": version_on(page), **fields}
    return pages.post(f"/review/county/filings/{filing_id}/steps", data)


def test_return_with_the_list_then_supplement_then_forward(
    pages, county_reviewer, make_filing, session
):
    filing = make_filing(cases=[foundry_case("C")])
    pages.sign_in(county_reviewer)
    queue = pages.get("/review/county").text
    assert "县区初审" in queue and f'data-filing="{filing.id}"' in queue
    assert "received" not in re.sub(r"<[^>]+>", " ", queue)  # states by name, not code

    assert step(pages, filing.id, "start_county_review").status_code == 303
    response = step(
        pages,
        filing.id,
        "return_for_supplement",
        common=["permit", "monitoring"],
        other="2号熔炼线除尘设施照片\n\n",
    )
    assert response.status_code == 303
    session.refresh(filing)
    assert filing.status is FilingStatus.returned
    told = steps_of(session, filing.id)[-1].missing_items
    assert told == [
        "排污许可证正副本复印件",
        "近一年有资质单位出具的监测报告",
        "2号熔炼线除尘设施照片",
    ]
    page = pages.get(f"/review/county/filings/{filing.id}").text
    assert "已退回企业补正" in page and "2号熔炼线除尘设施照片" in page
    assert "等待企业补正" in pages.get("/review/county").text  # the clock stops while returned

    response = step(pages, filing.id, "supplement", supplied="排污许可证正副本复印件\n监测报告")
    assert response.status_code == 303
    session.refresh(filing)
    assert filing.status is FilingStatus.county_review and filing.supplement_on is not None
    assert steps_of(session, filing.id)[-1].supplied_items == ["排污许可证正副本复印件", "监测报告"]
    assert 'data-testid="supplement-received"' in pages.get("/review/county").text

    assert step(pages, filing.id, "forward").status_code == 303
    session.refresh(filing)
    assert filing.status is FilingStatus.forwarded
    english = pages.get(f"/review/county/filings/{filing.id}?lang=en").text
    assert "forwarded to the city" in english and "Steps so far" in english


def test_a_return_without_any_item_is_refused_in_words(
    pages, county_reviewer, make_filing, move, session
):
    filing = move(make_filing(cases=[foundry_case("C")]), "start_county_review")
    pages.sign_in(county_reviewer)
    response = step(pages, filing.id, "return_for_supplement", other="   ")
    assert response.status_code == 422
    assert "退回补正须列出需要补正的全部内容" in response.text
    session.refresh(filing)
    assert filing.status is FilingStatus.county_review
    assert [s.action for s in steps_of(session, filing.id)] == ["start_county_review"]


def test_a_later_return_may_not_bring_up_new_items(
    pages, county_reviewer, make_filing, move, session
):
    filing = move(make_filing(cases=[foundry_case("C")]), "start_county_review")
    pages.sign_in(county_reviewer)
    assert step(pages, filing.id, "return_for_supplement", common=["permit"]).status_code == 303
    assert step(pages, filing.id, "supplement", supplied="监测报告").status_code == 303
    response = step(pages, filing.id, "return_for_supplement", common=["eia"])
    assert response.status_code == 422
    assert "一次性告知企业" in response.text and "环评批复文件" in response.text
    assert step(pages, filing.id, "return_for_supplement", common=["permit"]).status_code == 303


def test_the_county_checks_an_a_claim_on_site_before_forwarding(
    pages, county_reviewer, make_filing, make_inspector, move, session
):
    filing = move(make_filing(cases=[foundry_case("A")]), "start_county_review")
    team = [make_inspector(), make_inspector()]
    pages.sign_in(county_reviewer)
    page = pages.get(f"/review/county/filings/{filing.id}").text
    assert "县级现场核查" in page and team[0].display_name in page
    response = pages.post(
        f"/review/county/filings/{filing.id}/checks",
        {"members": [str(u.id) for u in team], "start": "2026-12-07", "end": "2026-12-08"},
    )
    assert response.status_code == 303
    [check] = session.scalars(select(Assignment).where(Assignment.filing_id == filing.id))
    assert check.reason == "county_check" and check.status is AssignmentStatus.planned

    refused = step(pages, filing.id, "forward")
    assert refused.status_code == 409 and "县级现场核查尚未完成" in refused.text
    for status in ("published", "done"):
        session.refresh(check)
        response = pages.post(
            f"/review/county/checks/{check.id}/status",
            {"status": status, "version": str(check.version)},
        )
        assert response.status_code == 303, response.text
    assert step(pages, filing.id, "forward").status_code == 303
    session.refresh(filing)
    assert filing.status is FilingStatus.forwarded


def test_a_team_of_one_is_refused_at_the_form(
    pages, county_reviewer, make_filing, make_inspector, move
):
    filing = move(make_filing(cases=[foundry_case("A")]), "start_county_review")
    only = make_inspector()
    pages.sign_in(county_reviewer)
    response = pages.post(
        f"/review/county/filings/{filing.id}/checks",
        {"members": [str(only.id)], "start": "2026-12-07", "end": "2026-12-08"},
    )
    assert response.status_code == 422 and "至少需要两名核查员" in response.text


# ---- attacks ---------------------------------------------------------------------------------


def test_another_countys_filing_is_not_found(
    pages, county_reviewer, make_filing, make_enterprise, make_site, session
):
    theirs = make_filing(site=make_site(enterprise=make_enterprise(county=OTHER_COUNTY)))
    pages.sign_in(county_reviewer)
    assert pages.get(f"/review/county/filings/{theirs.id}").status_code == 404
    response = pages.post(
        f"/review/county/filings/{theirs.id}/steps",
        {"action": "start_county_review", "version": str(theirs.version)},
    )
    assert response.status_code == 404
    assert f'data-filing="{theirs.id}"' not in pages.get("/review/county").text
    session.refresh(theirs)
    assert theirs.status is FilingStatus.received and steps_of(session, theirs.id) == []


def test_a_post_without_its_csrf_token_changes_nothing(
    pages, county_reviewer, make_filing, session
):
    filing = make_filing()
    pages.sign_in(county_reviewer)
    response = pages.client.post(
        f"/review/county/filings/{filing.id}/steps",
        data={"action": "start_county_review", "version": str(filing.version)},
    )
    assert response.status_code == 400 and "CSRF" in response.text
    session.refresh(filing)
    assert filing.status is FilingStatus.received


def test_the_same_form_sent_twice_takes_one_step(
    pages, county_reviewer, make_filing, move, session
):
    filing = move(make_filing(cases=[foundry_case("C")]), "start_county_review")
    pages.sign_in(county_reviewer)
    page = pages.get(f"/review/county/filings/{filing.id}").text
    form = {"action": "forward", "version": version_on(page)}
    first = pages.post(f"/review/county/filings/{filing.id}/steps", form)
    second = pages.post(f"/review/county/filings/{filing.id}/steps", form)
    assert first.status_code == 303
    assert second.status_code == 412 and "重复提交" in second.text
    assert [s.action for s in steps_of(session, filing.id)] == ["start_county_review", "forward"]


def test_a_city_reviewer_may_not_take_a_county_step(pages, make_user, make_filing, session):
    filing = make_filing()
    pages.sign_in(make_user(Role.city_reviewer))
    page = pages.get(f"/review/county/filings/{filing.id}").text
    assert 'data-testid="start-form"' not in page  # not offered
    response = pages.post(
        f"/review/county/filings/{filing.id}/steps",
        {"action": "start_county_review", "version": str(filing.version)},
    )
    assert response.status_code == 403
    session.refresh(filing)
    assert filing.status is FilingStatus.received


# ---- in the browser --------------------------------------------------------------------------


def _a_plain_filing(session) -> int:
    """A received filing of 驿城区 whose claim the county does not check on site (C or D)."""
    query = (
        select(Filing.id)
        .join(Filing.site)
        .join(Site.enterprise)
        .join(IndustryCase, IndustryCase.filing_id == Filing.id)
        .where(
            Enterprise.county == "驿城区",
            Filing.status == FilingStatus.received,
            IndustryCase.is_main,
            IndustryCase.claimed_grade.in_(["C", "D"]),
        )
        .order_by(Filing.id)
    )
    return session.scalars(query).first()


@pytest.fixture(scope="module")
def county_site(tmp_path_factory):
    with live_site(tmp_path_factory.mktemp("county-live"), _a_plain_filing) as site:
        yield site


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH")
def test_in_the_browser_the_county_returns_receives_the_supplement_and_forwards(county_site):
    filing_id = county_site.prepared
    assert filing_id is not None, "the demo city has a plain filing in 驿城区"
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        sign_in(page, county_site, "county-yicheng")
        page.click("nav.topnav a:has-text('县区初审')")
        page.wait_for_url("**/review/county")
        assert page.locator("section[data-stage=received] tr[data-filing]").count() >= 1
        no_raw_codes(page)
        page.click(f"tr[data-filing='{filing_id}'] a")
        page.wait_for_url(f"**/review/county/filings/{filing_id}")
        assert page.get_by_test_id("filing-state").inner_text() == "已收到"
        no_raw_codes(page)

        page.get_by_test_id("start-form").locator("button").click()
        page.wait_for_url(f"**/review/county/filings/{filing_id}")
        assert "已开始初审" in page.locator("p.notice").inner_text()

        form = page.get_by_test_id("return-form")
        form.locator("input[name=common][value=permit]").check()
        form.locator("input[name=common][value=ledger]").check()
        form.locator("textarea[name=other]").fill("1号生产线除尘设施现场照片\n危险废物转移联单")
        form.locator("button").click()
        page.wait_for_url(f"**/review/county/filings/{filing_id}")
        told = page.get_by_test_id("missing-items").locator("li").all_inner_texts()
        assert told == [
            "排污许可证正副本复印件",
            "环保设施运行台账",
            "1号生产线除尘设施现场照片",
            "危险废物转移联单",
        ]
        assert page.get_by_test_id("filing-state").inner_text() == "退回补正"
        no_raw_codes(page)

        supplement = page.get_by_test_id("supplement-form")
        supplement.locator("textarea[name=supplied]").fill(
            "排污许可证正副本复印件\n环保设施运行台账"
        )
        supplement.locator("button").click()
        page.wait_for_url(f"**/review/county/filings/{filing_id}")
        assert "7日审查期限重新开始" in page.locator("p.notice").inner_text()
        assert page.get_by_test_id("filing-state").inner_text() == "县区初审中"

        page.get_by_test_id("forward-form").locator("button").click()
        page.wait_for_url(f"**/review/county/filings/{filing_id}")
        assert page.get_by_test_id("filing-state").inner_text() == "已报送市级"
        history = page.get_by_test_id("history").inner_text()
        assert "危险废物转移联单" in history and "报送市级" in history
        no_raw_codes(page)
        screenshot(page, "county-filing.png")
        page.goto(f"{county_site.base_url}/review/county/filings/{filing_id}?lang=en")
        assert page.get_by_test_id("filing-state").inner_text() == "forwarded to the city"
        no_raw_codes(page)
        context.close()
    with county_site.session() as session:
        filing = session.get(Filing, filing_id)
        assert filing is not None and filing.status is FilingStatus.forwarded
        actions = [s.action for s in steps_of(session, filing_id)]
        assert actions == ["start_county_review", "return_for_supplement", "supplement", "forward"]
