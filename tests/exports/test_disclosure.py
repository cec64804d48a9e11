"""The public disclosure list (rule 15): decided grades only, no classified plant, no person."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from server.accounts.models import Role, User
from tests.factories import COUNTY, OTHER_COUNTY

HEADER = [
    "序号",
    "县（市、区）",
    "企业名称",
    "统一社会信用代码",
    "厂区名称",
    "行业",
    "绩效级别",
    "年度",
]
PHONE = re.compile(r"(?<![0-9A-Z])1[3-9]\d{9}(?![0-9A-Z])")  # a mobile number, not in a code


@pytest.fixture
def published(
    session,
    make_city_filing,
    make_filing,
    make_site,
    make_enterprise,
    at_city,
    decide,
    move,
    visit_at,
):
    confirmed = make_city_filing("A")
    visit_at(confirmed)  # rule 12: an A is confirmed on a visit in normal production
    decide(confirmed, "confirm", comment="企业联系人张三 13812345678 现场配合")
    graded_down = make_city_filing("B")
    decide(graded_down, "grade_down", "C", confirm_comment="同意降级，李四")
    secret = at_city(
        make_filing(
            site=make_site(enterprise=make_enterprise(name="某军工配套厂", classified=True))
        )
    )
    visit_at(secret)
    decide(secret, "confirm")
    revisit = make_city_filing("A")
    decide(revisit, "new_visit")  # confirmed, but it decides no grade
    later = make_city_filing("A")
    visit_at(later)
    decide(later, "confirm")
    # rule 14: the A no longer stands; the plant is listed at its new grade, B
    move(later, "downgrade", grade="B", reason="抽查发现无组织排放不达标")
    undecided = make_city_filing("B")
    elsewhere = make_city_filing("B", county=OTHER_COUNTY)
    decide(elsewhere, "confirm")
    session.flush()
    return {
        "confirmed": confirmed,
        "graded_down": graded_down,
        "secret": secret,
        "revisit": revisit,
        "later": later,
        "undecided": undecided,
        "elsewhere": elsewhere,
    }


def public_row(number, filing, grade):
    enterprise = filing.site.enterprise
    return [
        number,
        enterprise.county,
        enterprise.name,
        enterprise.credit_code,
        filing.site.name,
        "铸造",
        grade,
        2026,
    ]


def test_only_decided_grades_of_plants_that_may_be_named(fetch, make_user, published):
    response = fetch("/api/exports/disclosure.xlsx", make_user(Role.city_reviewer))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["绩效分级名录"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert all(cell.font.b for cell in sheet[1]) and sheet.freeze_panes == "A2"
    assert rows[1:] == [
        public_row(1, published["elsewhere"], "B级"),  # 确山县 sorts before 驿城区
        public_row(2, published["confirmed"], "A级"),
        public_row(3, published["graded_down"], "C级"),
        public_row(4, published["later"], "B级"),  # downgraded after a later check (S4 §三(四))
    ]


def test_a_county_reviewer_publishes_their_county_as_csv_with_bom(fetch, make_user, published):
    response = fetch("/api/exports/disclosure.csv", make_user(Role.county_reviewer, county=COUNTY))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows == [
        HEADER,
        [str(v) for v in public_row(1, published["confirmed"], "A级")],
        [str(v) for v in public_row(2, published["graded_down"], "C级")],
        [str(v) for v in public_row(3, published["later"], "B级")],
    ]


def every_text(response) -> str:
    """Every string a reader could find in the file: each cell of each sheet, or the CSV."""
    if response.mimetype == "text/csv":
        return response.data.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        )


@pytest.mark.parametrize("path", ["disclosure.xlsx", "disclosure.csv"])
def test_no_personal_data_and_no_classified_plant(fetch, make_user, session, published, path):
    text = every_text(fetch(f"/api/exports/{path}", make_user(Role.city_reviewer)))
    assert "某军工配套厂" not in text
    assert published["secret"].site.enterprise.credit_code not in text
    for user in session.scalars(select(User)):
        assert user.username not in text and user.display_name not in text
    for words in ("张三", "李四", "现场配合", "同意降级", "无组织排放不达标"):
        assert words not in text
    assert not PHONE.search(text)


@pytest.mark.parametrize("path", ["disclosure.xlsx", "disclosure.csv"])
def test_inspectors_may_not_export_the_public_list(fetch, make_inspector, path):
    assert fetch(f"/api/exports/{path}", make_inspector()).status_code == 403
