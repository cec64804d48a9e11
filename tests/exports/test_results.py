"""The results list: XLSX read back cell by cell, CSV with its BOM, filters, scope, access."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from server.accounts.models import Role
from server.exports.results import remarks, supported_text
from server.filings.models import Filing, FilingStatus, IndustryCase
from server.reconciliation.models import ReconciliationResult
from server.review.models import DecisionOutcome, ReviewDecision
from tests.factories import COUNTY, OTHER_COUNTY, foundry_case

HEADER = [
    "序号",
    "县（市、区）",
    "企业名称",
    "统一社会信用代码",
    "厂区名称",
    "行业",
    "申报级别",
    "核查支持级别",
    "审定级别",
    "是否现场核查",
    "是否保障类",
    "审核状态",
    "年度",
    "批次",
    "按时申报",
    "备注",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def city(
    session,
    photographed,
    make_city_filing,
    make_filing,
    make_site,
    make_enterprise,
    at_city,
    decide,
    stored_result,
    make_batch,
):
    """Four filings of 2026 in 驿城区 and one in 确山县, at different stages of review."""
    batch = make_batch(name="第一批（铸造）", industries=["foundry"])
    visited = photographed()  # foundry A, inspected, then graded down to B by the city
    visited.visit.site.enterprise.name = "北方铸造有限公司"
    decide(visited.visit.site.filings[0], "grade_down", "B")
    waiting = make_city_filing("B", essential_service=True)  # forwarded, never visited
    waiting.site.enterprise.name = "安平铸造有限公司"
    stored_result(waiting, "C")
    both = at_city(
        make_filing(
            site=make_site(enterprise=make_enterprise(name="长城机械制造有限公司")),
            cases=[
                foundry_case("A", is_main=True),
                foundry_case("B", industry_code="industrial_coating", is_main=False),
            ],
        )
    )
    printing = make_city_filing("B", industry="packaging_printing")
    printing.site.enterprise.name = "长江包装印刷有限公司"
    elsewhere = make_city_filing("A", county=OTHER_COUNTY)
    elsewhere.site.enterprise.name = "确山铸造有限公司"
    session.flush()
    return {
        "batch": batch,
        "visited": visited.visit.site.filings[0],
        "waiting": waiting,
        "both": both,
        "printing": printing,
        "elsewhere": elsewhere,
    }


UNVERIFIED = "有指标无法核实，核查支持级别待确认"
NOT_VISITED = "尚未现场核查，核查支持级别待确认"


def county_rows(city):
    """The county reviewer's list as it must read: in the order the filings were received."""
    batch = city["batch"].name
    # fmt: off
    table = [
        ("visited", "铸造", "A级", "A级", "B级", "是", "否", "已审定", batch, f"{UNVERIFIED}；审定降级评定"),
        ("waiting", "铸造", "B级", "C级", "—", "否", "是", "已报市局", batch, "核查支持级别与申报级别不一致"),
        ("both", "铸造（主行业）；工业涂装", "铸造 A级；工业涂装 B级", "不予评级", "—", "否", "否", "已报市局",
         batch, NOT_VISITED),
        ("printing", "包装印刷", "B级", "B级", "—", "否", "否", "已报市局", "—", NOT_VISITED),
    ]
    # fmt: on
    rows = []
    for number, (key, *columns) in enumerate(table, start=1):
        filing = city[key]
        enterprise = filing.site.enterprise
        identity = [enterprise.county, enterprise.name, enterprise.credit_code, filing.site.name]
        rows.append([number, *identity, *columns[:7], 2026, columns[7], "是", *columns[8:]])
    return rows


def sheet_rows(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["绩效分级结果清单"]
    return book, sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_xlsx_reads_back_cell_by_cell(fetch, make_user, city):
    reviewer = make_user(Role.county_reviewer, county=COUNTY)
    response = fetch("/api/exports/results.xlsx", reviewer)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    book, sheet, rows = sheet_rows(response.data)
    assert rows[0] == HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ACDP"}
    assert widths == {"A": 6, "C": 32, "D": 22, "P": 48}
    assert sheet["D2"].number_format == "@"  # a credit code is text, never a rounded number
    assert rows[1:] == county_rows(city)
    notes = {row[0].value: row[1].value for row in book["说明"].iter_rows(min_row=2)}
    assert notes["范围 Scope"] == COUNTY
    assert notes["行数 Rows"] == "4"
    assert "石家庄" in notes["依据 Layout"]


def test_the_csv_has_a_bom_and_the_same_rows(fetch, make_user, city):
    reviewer = make_user(Role.county_reviewer, county=COUNTY)
    response = fetch("/api/exports/results.csv", reviewer)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == HEADER
    assert rows[1:] == [[str(value) for value in row] for row in county_rows(city)]


def test_a_city_reviewer_sees_every_county_and_filters(fetch, make_user, city):
    reviewer = make_user(Role.city_reviewer)
    _book, _sheet, rows = sheet_rows(fetch("/api/exports/results.xlsx", reviewer).data)
    assert [row[1] for row in rows[1:]] == [OTHER_COUNTY] + [COUNTY] * 4
    assert rows[1][2] == "确山铸造有限公司" and rows[1][0] == 1

    def names(**query):
        response = fetch("/api/exports/results.xlsx", reviewer, **query)
        assert response.status_code == 200, response.json
        return [row[2] for row in sheet_rows(response.data)[2][1:]]

    assert names(county=OTHER_COUNTY) == ["确山铸造有限公司"]
    assert names(industry="packaging_printing") == ["长江包装印刷有限公司"]
    assert names(industry="industrial_coating") == ["长城机械制造有限公司"]  # any case counts
    assert names(batch_id=city["batch"].id, county=COUNTY) == [
        "北方铸造有限公司",
        "安平铸造有限公司",
        "长城机械制造有限公司",
    ]
    assert names(year=2025) == []
    assert fetch("/api/exports/results.xlsx", reviewer, batch_id=999999).status_code == 404


def test_a_county_reviewer_asking_for_another_county_gets_an_empty_list(fetch, make_user, city):
    reviewer = make_user(Role.county_reviewer, county=COUNTY)
    response = fetch("/api/exports/results.csv", reviewer, county=OTHER_COUNTY)
    assert response.status_code == 200
    assert response.data.decode("utf-8-sig").splitlines() == [",".join(HEADER)]


@pytest.mark.parametrize("path", ["results.xlsx", "results.csv"])
def test_inspectors_may_not_export(fetch, make_inspector, path):
    response = fetch(f"/api/exports/{path}", make_inspector())
    assert response.status_code == 403
    assert response.json["code"] == "forbidden"
    assert fetch(f"/api/exports/{path}", None).status_code == 401


def test_remarks_say_what_the_grades_do_not():
    case = IndustryCase(id=1, guide_version="MEE2020", industry_code="foundry", claimed_grade="A")
    filing = Filing(id=1, year=2026, status=FilingStatus.downgraded, cases=[case])
    void = ReconciliationResult(
        supported_grade=None,
        confirmed=False,
        needs_new_visit=True,
        result={"visits": [{"assignment_id": 5, "void": True}]},
    )
    again = ReviewDecision(outcome=DecisionOutcome.new_visit, grade=None)
    assert supported_text(void) == "不予评级" and supported_text(None) == "—"
    assert remarks(filing, void, again) == [
        "现场核查时非正常生产，核查无效，须重新核查",
        "有指标无法核实，核查支持级别待确认",
        "审定退回重新现场核查",
        "后续检查发现指标不再满足，已降级",
    ]
