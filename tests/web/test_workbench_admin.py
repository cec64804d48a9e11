"""Administration and search pages: attackers with the Flask client (fast), then an
administrator and a city reviewer in Chromium against one live demo city.

Client part: a non-admin on every admin page gets a 403 saying why; a post without the form
token is refused; a file that is not an XLSX, a zip bomb and a sheet over the row limit each get
a page saying what to fix (nothing written); an administrator cannot deactivate themselves; a
county reviewer's search finds only their county.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from server.accounts.models import Role, User
from server.filings.models import Filing
from server.imports.workbook import MAX_ROWS, MAX_UNCOMPRESSED
from tests.factories import COUNTY, OTHER_COUNTY
from tests.imports.test_filings_xlsx import HEADERS, plant, xlsx

# Werkzeug's test client spools a large multipart body to a temporary file it never closes.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

ADMIN_PAGES = [
    "/review/admin",
    "/review/admin/users",
    "/review/admin/compliance",
    "/review/admin/settings",
    "/review/admin/import",
    "/review/admin/import/template.xlsx",
    "/review/admin/exports/results.xlsx",
]


def filings(session) -> int:
    return session.scalar(select(func.count(Filing.id))) or 0


@pytest.mark.parametrize("role", [Role.city_reviewer, Role.county_reviewer])
def test_a_reviewer_who_is_not_an_admin_gets_403_in_words(pages, make_user, role):
    pages.sign_in(make_user(role))
    for path in ADMIN_PAGES:
        response = pages.get(path)
        assert response.status_code == 403, path
        assert "管理页面仅供管理员使用" in response.text
    english = pages.get("/review/admin/users?lang=en")
    assert "The administration pages are for administrators" in english.text
    victim = make_user(Role.city_reviewer)
    for step in ("deactivate", "activate", "password"):
        response = pages.post(f"/review/admin/users/{victim.id}/{step}", {"new_password": "x" * 12})
        assert response.status_code == 403
    assert pages.post("/review/admin/import").status_code == 403
    assert victim.active
    assert "/review/admin" not in pages.get("/review/").text  # no link offered either


def test_a_post_without_the_form_token_is_refused(pages, make_user, session):
    admin = make_user(Role.admin)
    victim = make_user(Role.city_reviewer)
    pages.sign_in(admin)
    response = pages.client.post(f"/review/admin/users/{victim.id}/deactivate")
    assert response.status_code == 400
    assert "CSRF" in response.text
    forged = pages.client.post(
        f"/review/admin/users/{victim.id}/deactivate", data={"csrf_token": "forged"}
    )
    assert forged.status_code == 400
    session.refresh(victim)
    assert victim.active


def _upload(pages, data: bytes, action: str = "import", name: str = "清单.xlsx"):
    return pages.post(
        "/review/admin/import",
        {"action": action, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _zip_bomb() -> bytes:
    """A small ZIP named like a workbook that unpacks past the limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"0" * (1024 * 1024)
            for _ in range(MAX_UNCOMPRESSED // len(chunk) + 2):
                member.write(chunk)
    return buffer.getvalue()


def _huge_sheet() -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("申报清单")
    sheet.append(HEADERS)
    row = [plant(1).get(h) for h in HEADERS]
    for _ in range(MAX_ROWS + 1):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("企业名称,统一社会信用代码\n天中铸造,9141\n".encode(), "not an Excel workbook"),
        (b"%PDF-1.4\n" + bytes(100), "not an Excel workbook"),
        (_zip_bomb(), "unpacks to more than 200 MB"),
        (_huge_sheet(), f"more than {MAX_ROWS} rows"),
    ],
    ids=["csv", "pdf", "zip bomb", "huge sheet"],
)
def test_a_bad_upload_gets_a_page_saying_what_to_fix(pages, make_user, session, data, says):
    pages.sign_in(make_user(Role.admin))
    before = filings(session)
    response = _upload(pages, data)
    assert response.status_code == 422
    assert says in response.text
    assert 'data-testid="import-rejected"' in response.text
    assert filings(session) == before


def test_no_file_and_bad_rows_are_said_in_the_page(pages, make_user, session):
    pages.sign_in(make_user(Role.admin))
    none = pages.post("/review/admin/import", {"action": "check"})
    assert none.status_code == 422 and "请选择要上传的 Excel 文件" in none.text
    before = filings(session)
    bad = _upload(pages, xlsx([plant(1), plant(2, 申报级别="Z级")]), action="check")
    assert bad.status_code == 422
    assert "第 3 行" in bad.text and "申报级别" in bad.text
    assert filings(session) == before
    good = _upload(pages, xlsx([plant(1), plant(2)]), action="check")
    assert good.status_code == 200 and "检查通过" in good.text
    assert filings(session) == before  # a check writes nothing
    done = _upload(pages, xlsx([plant(1), plant(2)]))
    assert done.status_code == 200 and "已导入 2 行" in done.text
    assert filings(session) == before + 2


def test_the_template_has_the_expected_columns(pages, make_user):
    pages.sign_in(make_user(Role.admin))
    response = pages.get("/review/admin/import/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS


def test_an_admin_cannot_deactivate_themselves(pages, make_user, session):
    admin = make_user(Role.admin)
    pages.sign_in(admin)
    response = pages.post(f"/review/admin/users/{admin.id}/deactivate")
    assert response.status_code in (403, 409, 422)
    assert "管理员不能停用自己的账户" in response.text
    session.refresh(admin)
    assert admin.active
    assert pages.get("/review/admin/users").status_code == 200  # still signed in


def test_deactivation_and_reset_end_the_users_sessions(pages, other_pages, make_user, session):
    admin, reviewer = make_user(Role.admin), make_user(Role.city_reviewer)
    pages.sign_in(admin)
    other_pages.sign_in(reviewer)
    assert other_pages.get("/review/").status_code == 200
    weak = pages.post(f"/review/admin/users/{reviewer.id}/password", {"new_password": "short"})
    assert weak.status_code == 422 and 'data-testid="admin-error"' in weak.text
    assert other_pages.get("/review/").status_code == 200  # a refused reset revokes nothing
    reset = pages.post(
        f"/review/admin/users/{reviewer.id}/password", {"new_password": "a new long pass 42"}
    )
    assert reset.status_code == 303
    assert other_pages.get("/review/").status_code == 303  # signed out
    other_pages.sign_in(reviewer, password="a new long pass 42")
    assert other_pages.get("/review/").status_code == 200
    pages.post(f"/review/admin/users/{reviewer.id}/deactivate")
    assert other_pages.get("/review/").status_code == 303
    assert other_pages.sign_in(reviewer, password="a new long pass 42").status_code == 401


def test_an_admin_creates_a_user_and_a_refusal_is_said(pages, make_user, session):
    pages.sign_in(make_user(Role.admin))
    form = {
        "username": "county-new",
        "display_name": "新审核员",
        "role": "county_reviewer",
        "county": "",
        "password": "a long enough pass 7",
    }
    refused = pages.post("/review/admin/users", form)
    assert refused.status_code == 422 and "county" in refused.text
    created = pages.post("/review/admin/users", {**form, "county": COUNTY})
    assert created.status_code == 303
    user = session.scalar(select(User).where(User.username == "county-new"))
    assert user is not None and user.county == COUNTY and user.role is Role.county_reviewer


def test_a_county_reviewers_search_finds_only_their_county(pages, make_user, make_enterprise,
                                                           make_site, make_filing):  # fmt: skip
    mine = make_filing(site=make_site(make_enterprise(name="天中同名铸造有限公司")))
    other = make_enterprise(name="天中同名铸造有限公司二", county=OTHER_COUNTY)
    theirs = make_filing(site=make_site(other))
    pages.sign_in(make_user(Role.county_reviewer, county=COUNTY))
    found = pages.get("/review/search?q=天中同名")
    assert f'data-filing="{mine.id}"' in found.text
    assert f'data-filing="{theirs.id}"' not in found.text
    for query in (other.credit_code, str(theirs.id)):
        assert f'data-filing="{theirs.id}"' not in pages.get(f"/review/search?q={query}").text
    city = make_user(Role.city_reviewer)
    pages.sign_in(city)
    both = pages.get("/review/search?q=天中同名").text
    assert f'data-filing="{mine.id}"' in both and f'data-filing="{theirs.id}"' in both
    assert f'data-filing="{theirs.id}"' in pages.get(f"/review/search?q={theirs.id}").text
    code = pages.get(f"/review/search?q={other.credit_code[:12].lower()}").text
    assert f'data-filing="{theirs.id}"' in code
    wild = pages.get("/review/search?q=%25").text  # a LIKE wildcard is a plain character
    assert 'data-filing="' not in wild


# --- in Chromium, against one live demo city ------------------------------------------------------

from tests.web.test_browser import (  # noqa: E402
    CHROMIUM,
    browser,  # noqa: F401 (fixture)
    sign_in,
)
from tests.web.test_browser import site as live_site  # noqa: E402, F401 (fixture)


@pytest.mark.sql
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH")
def test_admin_imports_deactivates_and_searches_in_the_browser(live_site, browser, tmp_path):  # noqa: F811
    from server.db import make_sessionmaker

    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = admin.new_page()
    sign_in(page, live_site, "admin")

    # The template, filled with two rows, one bad: the check names the row in words.
    page.goto(f"{live_site.base_url}/review/admin/import")
    with page.expect_download() as download:
        page.get_by_test_id("template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    good, bad = plant(901), plant(902, 申报级别="Z级")
    for row in (good, bad):
        sheet.append([row.get(h) for h in HEADERS])
    book.save(template)
    page.set_input_files("input[name=file]", str(template))
    page.get_by_test_id("check").click()
    assert page.locator("[data-testid=bad-rows] tr[data-row='3']").count() == 1
    assert "申报级别" in page.get_by_test_id("bad-rows").inner_text()

    # Fixed, then imported.
    sheet.cell(3, HEADERS.index("申报级别") + 1, "B级")
    book.save(template)
    page.set_input_files("input[name=file]", str(template))
    page.get_by_test_id("import").click()
    assert "已导入 2 行" in page.get_by_test_id("import-summary").inner_text()
    with make_sessionmaker(live_site.engine)() as db:
        imported = db.scalar(select(Filing).join(Filing.site).where(Filing.id > 0).order_by(
            Filing.id.desc()).limit(1))  # fmt: skip
        assert imported is not None
        newest_id = imported.id

    # Search from the header: by name, by credit code, by filing number.
    for query in (good["企业名称"], good["统一社会信用代码"], str(newest_id)):
        page.fill("header form.search input[name=q]", query)
        page.press("header form.search input[name=q]", "Enter")
        page.wait_for_url("**/review/search?q=**")
        assert page.locator("[data-testid=search-results] tr[data-filing]").count() >= 1
    assert page.locator(f"tr[data-filing='{newest_id}']").count() == 1

    # A city reviewer signed in elsewhere is signed out the moment they are deactivated.
    other = browser.new_context(locale="zh-CN")
    reviewer = other.new_page()
    sign_in(reviewer, live_site, "city2")
    page.goto(f"{live_site.base_url}/review/admin/users")
    page.locator("tr[data-user='city2'] [data-testid=deactivate]").click()
    assert page.locator("tr[data-user='city2'] .badge.danger").count() == 1
    reviewer.goto(f"{live_site.base_url}/review/")
    assert "/review/sign-in" in reviewer.url

    # The dashboard: a count's link lists that many filings.
    page.goto(f"{live_site.base_url}/review/dashboard")
    link = page.locator("[data-testid=dash-county] a[data-stage=received]").first
    count = int(link.inner_text())
    link.click()
    page.wait_for_url("**/review/?**")
    assert f"共 {count} 条" in page.get_by_test_id("queue-count").inner_text()
    other.close()
    admin.close()
