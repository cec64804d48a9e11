"""The reviewer pages in a real browser: headless Chromium (Debian's package) driven by
Playwright, against the real app on a loopback port with a committed demo city.

A city reviewer signs in, filters the queue, opens a dossier and a photo, proposes a grade
down; a second city reviewer confirms it. The dossier's screenshot is kept under
``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from werkzeug.serving import make_server

from media import FilesystemBlobStore
from server.api.scope import close_couch_clients
from server.app import create_app
from server.config import Settings
from server.db import make_sessionmaker
from server.demo.load import DEMO_PASSWORD, load_demo_city
from server.filings.models import Filing, FilingStatus
from server.review.models import DecisionStatus, ReviewDecision
from tests.sync.conftest import fresh_database

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [
    pytest.mark.sql,  # a committed database of its own: SQLite, or PostgreSQL when asked
    pytest.mark.skipif(
        CHROMIUM is None, reason="no chromium on PATH (make install puts Debian's package there)"
    ),
]


@dataclass
class Site:
    base_url: str
    engine: Engine

    def filings_in_city_review(self) -> list[Filing]:
        with make_sessionmaker(self.engine)() as session:
            query = select(Filing).where(Filing.status == FilingStatus.city_review)
            return list(session.scalars(query.order_by(Filing.id)))

    def decisions(self, filing_id: int) -> list[ReviewDecision]:
        with make_sessionmaker(self.engine)() as session:
            query = select(ReviewDecision).where(ReviewDecision.filing_id == filing_id)
            return list(session.scalars(query.order_by(ReviewDecision.id)))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo city (60 plants, its finished visits with photos) served on a free port."""
    tmp = tmp_path_factory.mktemp("web-live")
    url, engine, drop = fresh_database(os.environ.get("TEST_DATABASE_URL", "sqlite://"), tmp)
    media = tmp / "media"
    with make_sessionmaker(engine)() as session:
        load_demo_city(session, plants=60, media=FilesystemBlobStore(media))
        session.commit()
    settings = Settings(
        database_url=url,
        couchdb_url="http://127.0.0.1:9",
        media_root=media,
        secret_key="browser-test-secret",
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", engine)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["engine"].dispose()
        close_couch_clients(app)
        drop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


def sign_in(page, site: Site, username: str) -> None:
    page.goto(f"{site.base_url}/review/")
    assert "/review/sign-in" in page.url  # signed out: sent to sign in
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{site.base_url}/review/")


def show_every_picture(page) -> None:
    """Load the lazy thumbnails now (a screenshot of the whole page would show empty cards)."""
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_load_state("networkidle")


def test_two_city_reviewers_decide_a_filing_in_the_browser(site: Site, browser) -> None:
    finished = site.filings_in_city_review()
    assert len(finished) >= 2, "the demo city should give finished visits"
    target = finished[1]  # the demo plant whose gate has no plate recognition
    first = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = first.new_page()
    sign_in(page, site, "city1")

    # The queue, narrowed to filings in city review; the one to decide is listed.
    assert page.locator("h1").inner_text() == "待审核申报"
    page.select_option("select[name=status]", "city_review")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**status=city_review**")
    assert page.locator("tr[data-filing]").count() == len(finished)
    page.click(f"tr[data-filing='{target.id}'] a")

    # The dossier: claimed against supported grade, a contradicted indicator, the photos,
    # the photo taken outside the site on the map, production and the timeline.
    page.wait_for_url(f"**/review/filings/{target.id}")
    assert page.get_by_test_id("claimed-grade").inner_text() == "A"
    assert page.get_by_test_id("supported-grade").inner_text() != "A"
    assert page.locator("[data-testid=verdict]", has_text="不符").count() >= 1
    assert page.locator("[data-testid=gallery] a.thumb").count() >= 10
    assert page.locator("svg.sitemap circle.pin.outside").count() == 1
    assert page.get_by_test_id("production-chart").count() == 1
    assert re.search(r"拍摄 \d 张照片", page.get_by_test_id("timeline").inner_text())
    show_every_picture(page)
    loaded = page.evaluate(
        "[...document.querySelectorAll('[data-testid=gallery] img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    assert loaded, "every thumbnail is a picture"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dossier.png"), full_page=True)

    # The photo taken from the road: its preview and the flag the geofence check raised.
    page.click("svg.sitemap circle.pin.outside")
    page.wait_for_url("**/review/photos/*")
    assert "拍摄位置在厂区边界外" in page.get_by_test_id("findings").inner_text()
    assert page.evaluate("document.querySelector('[data-testid=preview]').naturalWidth") > 0
    page.screenshot(path=str(ARTIFACTS / "photo.png"))
    page.go_back()

    # Grade down to C for the gate without plate recognition.
    form = page.get_by_test_id("decision-form")
    form.locator("input[name=outcome][value=grade_down]").check()
    form.locator("select[name=grade]").select_option("C")
    assert form.locator("label.reason.for-confirm").first.is_hidden()  # reasons for the outcome
    form.locator("input[name=reason_codes][value=indicator_not_met]").check()
    form.locator("textarea[name=comment]").fill("G03 出入口无车牌识别，按短板原则降为 C 级。")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/review/filings/{target.id}#decision")
    assert "已提交决定" in page.locator("p.notice").inner_text()
    pending = page.get_by_test_id("pending-decision")
    assert "市局审核员1" in pending.inner_text() and "降级评定" in pending.inner_text()
    assert pending.locator("button", has_text="确认").count() == 0  # not by the proposer
    [proposal] = site.decisions(target.id)
    assert proposal.status is DecisionStatus.proposed
    first.close()

    # A second city reviewer confirms it; the filing is decided.
    second = browser.new_context(viewport={"width": 1280, "height": 900})
    page = second.new_page()
    sign_in(page, site, "city2")
    page.goto(f"{site.base_url}/review/filings/{target.id}?lang=en")
    pending = page.get_by_test_id("pending-decision")
    assert "市局审核员1" in pending.inner_text()
    pending.locator("button", has_text="Confirm").click()
    page.wait_for_url(f"**/review/filings/{target.id}#decision")
    assert "The decision is confirmed." in page.locator("p.notice").inner_text()
    assert page.get_by_test_id("state").inner_text() == "decided"
    history = page.get_by_test_id("decision-history").inner_text()
    assert "confirmed" in history and "grade down" in history
    [decision] = site.decisions(target.id)
    assert decision.status is DecisionStatus.confirmed and decision.grade == "C"
    second.close()


def test_an_inspector_is_turned_away_in_the_browser(site: Site, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.base_url}/review/sign-in")
    page.fill("input[name=username]", "inspector01")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    assert "核查员请使用平板应用" in page.get_by_test_id("error-message").inner_text()
    context.close()


def test_a_refused_confirmation_shows_the_rule_in_words_in_the_browser(site: Site, browser) -> None:
    """S4 §三(三) (rule 12): an A claim whose visit cannot show normal production cannot be
    confirmed; the dossier says so beside the proposal, and again, in words, when the second
    reviewer presses Confirm — never a code."""
    from server.review.decision_rules import main_case
    from server.review.decisions import check_rules
    from server.review.errors import OnSiteCheckRequired
    from server.review.models import DecisionOutcome

    undecided = [f.id for f in site.filings_in_city_review() if not site.decisions(f.id)]
    target = None
    with make_sessionmaker(site.engine)() as session:
        for filing_id in undecided:
            filing = session.get(Filing, filing_id)
            if filing is None or main_case(filing).claimed_grade != "A":
                continue
            try:
                check_rules(session, filing, DecisionOutcome.confirm, "A", [])
            except OnSiteCheckRequired:
                target = filing.id
                break
    assert target is not None, "the demo city has an A claim whose visit is not conclusive"

    first = browser.new_context(locale="zh-CN")
    page = first.new_page()
    sign_in(page, site, "city1")
    page.goto(f"{site.base_url}/review/filings/{target}")
    form = page.get_by_test_id("decision-form")
    form.locator("input[name=outcome][value=confirm]").check()
    form.locator("input[name=reason_codes][value=evidence_supports_claim]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/review/filings/{target}#decision")
    first.close()

    second = browser.new_context(locale="zh-CN")
    page = second.new_page()
    sign_in(page, site, "city2")
    page.goto(f"{site.base_url}/review/filings/{target}")
    note = page.get_by_test_id("confirmation-blocked").inner_text()
    assert "100% 现场核查" in note and "规则 12" in note
    page.get_by_test_id("pending-decision").locator("button", has_text="确认").click()
    error = page.get_by_test_id("decision-error").inner_text()
    assert "不能确认 A 级" in error and "正常生产状态" in error and "S4 §三(三)" in error
    assert "decision." not in page.content()  # the rule in words, no machine code
    assert page.get_by_test_id("state").inner_text() != "decided"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dossier-refused.png"), full_page=True)
    [proposal] = site.decisions(target)
    assert proposal.status is DecisionStatus.proposed
    second.close()
