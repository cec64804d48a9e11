"""Words, not codes, in a real browser: a walk through the demo city as each role, following
the pages' own links, fails on any machine code, raw state or UTC stamp a person would read.
Also on the same live server: the dossier's A4 print view printed to PDF by Chromium, the
photos opened large (zoom, previous/next), and Swagger UI's "Authorize" with a password.

The walk follows every link within /review/ from the pages it reaches (so pages added later
are scanned as soon as the navigation links them), at most ``PER_SHAPE`` pages of one shape
(``/review/photos/N``) and ``MAX_PAGES`` per walk, after the pages it must see: the dossiers
of a void visit, a decided, a downgraded and a returned filing, and a refused decision.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, select
from werkzeug.serving import make_server

from media import FilesystemBlobStore
from server.api.scope import close_couch_clients
from server.app import create_app
from server.assignments.models import Assignment
from server.config import Settings
from server.db import make_sessionmaker
from server.demo.load import DEMO_PASSWORD, LoadResult, load_demo_city
from server.filings.models import Filing, FilingStatus
from server.reconciliation.models import ReconciliationResult
from tests.sync.conftest import fresh_database

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = [
    pytest.mark.sql,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (make install)"),
]

MAX_PAGES = 70  # per walk: the suite's time stays bounded
PER_SHAPE = 6  # pages of one shape (/review/photos/N, /review/filings/N …) per walk

# What a person must never read. A dotted lower-case code (indicator.not_answered,
# gates.G01.gate_photo, geo.outside_boundary), a snake_case value (evidence_supports_claim,
# city_review), an ISO timestamp or a UTC stamp (times are China time everywhere).
DOTTED = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*\b")
SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
STAMP = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d|\b\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]00:?00)\b|\bUTC\b"
)
# On a Chinese page, any lower-case Latin word of three letters or more is English or a code
# (``received``, ``foundry``, ``sync``) — except inside [data-verbatim]: what a device reported
# about itself (its id, camera make and model) and digests, shown exactly as recorded.
LATIN_WORD = re.compile(r"\b[a-z]{3,}\b")
# The only legitimate dotted text: a file name with its extension (an export or an upload)
# and a web address; a form's version (v1.2).
ALLOWED = re.compile(
    r"\b[\w-]+\.(?:jpg|jpeg|png|pdf|xlsx|csv|json|zip|hj212)\b|https?://\S+|\bv\d+(?:\.\d+)+\b"
)


@dataclass
class Site:
    base_url: str
    engine: Engine
    demo: LoadResult

    def void_visit_filing(self) -> int:
        with make_sessionmaker(self.engine)() as session:
            for row in session.scalars(select(ReconciliationResult)):
                if any(v.get("void") for v in row.result.get("visits", [])):
                    return row.filing_id
        raise AssertionError("the demo city has no void visit")

    def in_status(self, status: FilingStatus) -> list[int]:
        with make_sessionmaker(self.engine)() as session:
            query = select(Filing.id).where(Filing.status == status).order_by(Filing.id)
            return list(session.scalars(query))

    def visited(self) -> list[int]:
        with make_sessionmaker(self.engine)() as session:
            return sorted(set(session.scalars(select(Assignment.filing_id))))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo city (60 plants, its visits, batches, decisions) served on a free port."""
    tmp = tmp_path_factory.mktemp("words-live")
    url, engine, drop = fresh_database(os.environ.get("TEST_DATABASE_URL", "sqlite://"), tmp)
    media = tmp / "media"
    with make_sessionmaker(engine)() as session:
        demo = load_demo_city(session, plants=60, media=FilesystemBlobStore(media))
        session.commit()
    settings = Settings(
        database_url=url, couchdb_url="http://127.0.0.1:9", media_root=media, secret_key="words"
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", engine, demo)
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


def signed_in(browser, site: Site, username: str, lang: str = "zh"):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site.base_url}/review/sign-in?lang={lang}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return context, page


def raw_codes(page) -> list[str]:
    """Every raw code, UTC stamp or (on a Chinese page) English word in the visible text."""
    text = page.inner_text("body")
    found = [m.group(0) for p in (DOTTED, SNAKE, STAMP) for m in p.finditer(ALLOWED.sub("", text))]
    if page.evaluate("document.documentElement.lang").startswith("zh"):
        plain = page.evaluate(
            """() => { const b = document.body.cloneNode(true);
                 b.querySelectorAll('[data-verbatim], script, style').forEach(e => e.remove());
                 document.body.after(b); b.hidden = false;
                 const t = b.innerText; b.remove(); return t; }"""
        )
        found += LATIN_WORD.findall(ALLOWED.sub("", plain))
    return sorted(set(found))


def shape(url: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(url).path)


def walk(page, site: Site, must: list[str]) -> dict[str, list[str]]:
    """Visit ``must`` and then every /review/ page linked from a visited page (bounded);
    returns the raw codes found on each page that has any."""
    base = f"{site.base_url}/review/"
    queue = deque(site.base_url + path for path in ["/review/", *must])
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    problems: dict[str, list[str]] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft().split("#")[0]
        if url in seen or shapes[shape(url)] >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        response = page.goto(url)
        assert response is not None and response.status < 500, (url, response and response.status)
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        codes = raw_codes(page)
        if codes:
            problems[url.removeprefix(site.base_url)] = codes
        links = page.eval_on_selector_all(
            "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
        )
        for href in links:
            link = href.split("#")[0]
            path = urlsplit(link).path
            if (
                link.startswith(base)
                and "lang=" not in link  # one language per walk
                # photos, downloads (exports, templates) and signing out are not pages to read
                and not path.endswith(
                    (".jpg", "/original", "/sign-out", ".xlsx", ".csv", ".json", ".zip", ".pdf")
                )
                and link not in seen
            ):
                queue.append(link)
    assert len(seen) >= 10, f"the walk reached only {sorted(seen)}"
    return problems


def must_see(site: Site) -> list[str]:
    demo = site.demo.workbench
    wanted = [site.void_visit_filing(), demo.decided, demo.downgraded, demo.returned]
    assert all(wanted), f"the demo city lacks a page a newcomer needs: {wanted}"
    wanted += site.in_status(FilingStatus.city_review) + site.visited()[:2]
    return [f"/review/filings/{n}" for n in wanted] + [f"/review/filings/{wanted[1]}/print"]


@pytest.mark.parametrize(
    ("username", "lang"),
    [("city1", "zh"), ("county-runan", "zh"), ("admin", "zh"), ("city2", "en")],
)
def test_no_page_of_the_demo_walk_shows_a_raw_code(site: Site, browser, username, lang) -> None:
    context, page = signed_in(browser, site, username, lang)
    problems = walk(page, site, must_see(site))
    context.close()
    assert not problems, "raw codes a person would read:\n" + "\n".join(
        f"  {url}: {', '.join(codes)}" for url, codes in sorted(problems.items())
    )


def test_a_refused_decision_and_the_inspector_page_speak_in_words(site: Site, browser) -> None:
    """The decision form's refusal (no reason given) and the page an inspector gets."""
    [target, *_] = site.in_status(FilingStatus.city_review)
    context, page = signed_in(browser, site, "city1")
    page.goto(f"{site.base_url}/review/filings/{target}")
    form = page.get_by_test_id("decision-form")
    for box in form.locator("input[name=reason_codes]:checked").all():
        box.uncheck()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("decision-error").count() == 1
    assert raw_codes(page) == []
    context.close()
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.base_url}/review/sign-in")
    page.fill("input[name=username]", "inspector01")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    assert "核查员请使用平板应用" in page.get_by_test_id("error-message").inner_text()
    assert raw_codes(page) == []
    context.close()


def test_the_print_view_prints_to_an_a4_pdf_with_the_plant_grade_and_findings(
    site: Site, browser
) -> None:
    filing = site.demo.workbench.downgraded
    context, page = signed_in(browser, site, "city1")
    page.goto(f"{site.base_url}/review/filings/{filing}")
    page.get_by_test_id("print-link").click()
    page.wait_for_url(f"**/review/filings/{filing}/print")
    plant = page.get_by_test_id("print-plant").inner_text()
    decided = page.get_by_test_id("print-decided").inner_text()
    indicators = page.get_by_test_id("print-indicators").first.inner_text()
    assert plant and decided == "C" and "无法核实" in indicators
    page.emulate_media(media="print")
    assert page.locator("header.topbar").is_hidden()  # no navigation on paper
    pdf = page.pdf(format="A4", print_background=False, prefer_css_page_size=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "dossier-print.pdf").write_bytes(pdf)
    # No PDF text reader is installed: the file is a PDF of whole A4 pages (595 × 842 pt),
    # and what it printed — the page in print media — holds the plant, grade and findings.
    assert pdf.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in boxes)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 6, pages
    printed = page.inner_text("body")
    assert plant in printed and "审定级别" in printed and "降级" in printed
    context.close()


def test_photos_open_large_with_zoom_and_previous_next(site: Site, browser) -> None:
    target = site.void_visit_filing()
    context, page = signed_in(browser, site, "city1")
    page.goto(f"{site.base_url}/review/filings/{target}")
    cards = page.locator("[data-testid=gallery] a.thumb")
    ids = [card.get_attribute("data-photo") for card in cards.all()]
    assert len(ids) >= 3
    first = ids[0]
    cards.nth(0).click()
    box = page.locator(".lightbox")
    assert box.is_visible() and box.get_attribute("data-photo") == first
    # The preview loaded (polled from here: the page's policy forbids the eval a
    # wait_for_function would need).
    for _ in range(100):
        if page.evaluate("document.querySelector('.lb-picture').naturalWidth") > 300:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("document.querySelector('.lb-picture').naturalWidth") > 300
    assert "/review/filings/" in page.url  # still the dossier: the photo opened over it
    page.keyboard.press("ArrowRight")
    assert box.get_attribute("data-photo") == ids[1]
    box.locator(".lb-prev").click()
    assert box.get_attribute("data-photo") == first
    box.locator(".lb-zoom-in").click()
    assert float(box.get_attribute("data-zoom") or 1) > 1
    page.keyboard.press("Escape")
    assert box.is_hidden()
    # The photo page: previous / next through the filing's photos, and its preview opens large.
    page.goto(f"{site.base_url}/review/photos/{ids[1]}")
    page.get_by_test_id("next-photo").click()
    page.wait_for_url(f"**/review/photos/{ids[2]}")
    page.get_by_test_id("previous-photo").click()
    page.wait_for_url(f"**/review/photos/{ids[1]}")
    page.get_by_test_id("preview").click()
    assert page.locator(".lightbox").is_visible()
    context.close()


def test_the_map_and_the_photo_page_give_the_same_distance(site: Site, browser) -> None:
    """The photo taken from the road: the map's label, the photo page and the geofence
    finding say the same metres from the boundary (one function for all three)."""
    context, page = signed_in(browser, site, "city1")
    pins = None
    for filing in site.in_status(FilingStatus.city_review):
        page.goto(f"{site.base_url}/review/filings/{filing}")
        if page.locator("svg.sitemap circle.pin.outside").count():
            pins = page.locator("svg.sitemap circle.pin.outside")
            break
    assert pins is not None, "a demo photo is taken outside its site"
    label = pins.first.locator("title").text_content() or ""
    metres = re.search(r"距厂区边界 (\d+) 米", label)
    assert metres, label
    photo = pins.first.get_attribute("data-photo")
    page.goto(f"{site.base_url}/review/photos/{photo}")
    assert page.get_by_test_id("boundary-distance").inner_text() == f"{metres.group(1)} 米"
    assert f"边界外 {metres.group(1)} 米" in page.get_by_test_id("findings").inner_text()
    context.close()


def test_swagger_ui_authorize_with_a_password_then_a_call_works(site: Site, browser) -> None:
    """README's steps: /api/docs, Authorize, passwordLogin with a demo account, try a call."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.base_url}/api/docs")
    page.click("button.btn.authorize")
    page.fill("#oauth_username", "city1")
    page.fill("#oauth_password", DEMO_PASSWORD)
    page.click(".auth-container:has(#oauth_username) button.authorize")
    page.get_by_text("Authorized", exact=True).wait_for()
    page.locator("button.btn-done").last.click()
    block = page.locator(".opblock-get:has(.opblock-summary-path[data-path='/api/filings'])").first
    block.locator(".opblock-summary").click()
    block.locator("button.try-out__btn").click()
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    context.close()


def test_the_bare_address_leads_to_sign_in(site: Site, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.base_url}/")
    assert "/review/sign-in" in page.url and page.locator("input[name=username]").count() == 1
    context.close()


def test_the_decision_form_defaults_follow_the_evidence(site: Site, browser) -> None:
    """Not the claim: a plant whose evidence supports less is proposed a grade down to what
    it supports; one whose visit is void, or whose indicators are not all verified, a visit."""
    in_city = set(site.in_status(FilingStatus.city_review))
    with make_sessionmaker(site.engine)() as session:
        results = {
            r.filing_id: r.result
            for r in session.scalars(select(ReconciliationResult))
            if r.filing_id in in_city
        }
    lower = [f for f, r in results.items() if r["supported_grade"] != r["claimed_grade"]]
    other = [f for f in results if f not in lower]
    assert lower and other
    context, page = signed_in(browser, site, "city1")
    for filing in results:
        page.goto(f"{site.base_url}/review/filings/{filing}")
        form = page.get_by_test_id("decision-form")
        if filing in lower:
            assert form.locator("input[name=outcome][value=grade_down]").is_checked()
            grade = form.locator("select[name=grade]").input_value()
            assert grade == results[filing]["supported_grade"]
        elif results[filing]["confirmed"] and not results[filing]["needs_new_visit"]:
            assert form.locator("input[name=outcome][value=confirm]").is_checked()
        else:
            assert form.locator("input[name=outcome][value=new_visit]").is_checked()
    context.close()
