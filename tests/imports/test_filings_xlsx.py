"""The bureau's application list: good sheets import, bad rows are all reported, nothing half-done."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.audit.models import AuditEvent
from server.compliance.service import record_integrity
from server.errors import DuplicateFiling, Forbidden, ImportRejected
from server.filings.models import Filing, IndustryCase
from server.imports import filings_xlsx
from server.imports.filings_xlsx import import_filings
from server.registry.models import Enterprise, Site
from tests.factories import COUNTY, OTHER_COUNTY, credit_code

HEADERS = [
    "企业名称", "统一社会信用代码", "县区", "厂区名称", "厂区地址", "行业", "技术指南版本",
    "申报级别", "是否保障类企业", "受理日期", "年度",
]  # fmt: skip


def code(n):
    """The credit code of plant ``n``: far above the factories' serials, so never theirs."""
    return credit_code(800_000 + n)


def plant(n, **kw):
    """One row of the list as a dict keyed by header; valid unless overridden."""
    row = {
        "企业名称": f"驻马店市天中{n}铸造有限公司",
        "统一社会信用代码": code(n),
        "县区": COUNTY,
        "厂区名称": "主厂区",
        "厂区地址": f"驻马店市驿城区工业大道{n}号",
        "行业": "铸造",
        "技术指南版本": "MEE2020",
        "申报级别": "B级",
        "是否保障类企业": "否",
        "受理日期": dt.date(2026, 7, 1),
        "年度": 2026,
    }
    row.update(kw)
    return row


def xlsx(rows, headers=HEADERS, title=None):
    """An .xlsx file with an optional merged title row, the headers, then the rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "申报清单"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts(session):
    return tuple(
        session.scalar(select(func.count(model.id)))
        for model in (Enterprise, Site, Filing, IndustryCase, AuditEvent)
    )


def rejected(session, actor, data, dry_run=False):
    with pytest.raises(ImportRejected) as caught:
        import_filings(session, actor=actor, data=data, dry_run=dry_run)
    return caught.value


def reasons_by_row(error):
    found = {}
    for item in error.errors["rows"]:
        found.setdefault(item["row"], []).append(item["reason"])
    return found


@pytest.fixture
def reviewer(make_user):
    """A county reviewer of 驿城区: registry writer, scope one county."""
    return Actor.of(make_user(Role.county_reviewer, county=COUNTY))


def test_a_good_sheet_imports(session, admin_actor, make_enterprise):
    registered = make_enterprise(county=OTHER_COUNTY)
    rows = [
        plant(1, 申报级别="A"),
        plant(1, 厂区名称="二厂区", 行业="包装印刷", 申报级别="C级", 受理日期="2026/7/2"),
        plant(2, 行业="机械加工", 技术指南版本=None, 申报级别="绩效先进性"),
        plant(3, 行业="brick_tile_kiln", 申报级别="B－", 是否保障类企业="是", 受理日期="2026年8月3日"),
        plant(4, 行业="玻璃钢（纤维增强塑料制品）", 申报级别="引领性", 年度="2026年"),
        plant(
            5, 企业名称=registered.name, 统一社会信用代码=registered.credit_code,
            县区=OTHER_COUNTY, 厂区名称=None, 申报级别="D",
        ),
    ]  # fmt: skip
    before = counts(session)

    report = import_filings(session, actor=admin_actor, data=xlsx(rows), dry_run=False)

    assert (report.rows, report.new_enterprises, report.existing_enterprises) == (6, 4, 1)
    assert (report.new_sites, report.existing_sites, report.filings) == (6, 0, 6)
    assert len(report.filing_ids) == 6
    after = counts(session)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (4, 6, 6)
    filings = session.scalars(select(Filing).where(Filing.id.in_(report.filing_ids))).all()
    got = {
        (f.site.enterprise.credit_code, f.site.name): (
            f.cases[0].guide_version, f.cases[0].industry_code, f.cases[0].claimed_grade,
            f.essential_service, f.received_on,
        )
        for f in filings
    }  # fmt: skip
    july1 = dt.date(2026, 7, 1)
    assert got == {
        (code(1), "主厂区"): ("MEE2020", "foundry", "A", False, july1),
        (code(1), "二厂区"): ("MEE2020", "packaging_printing", "C", False,
                                       dt.date(2026, 7, 2)),
        (code(2), "主厂区"): ("HENAN2020", "machining", "advanced", False, july1),
        (code(3), "主厂区"): ("MEE2020", "brick_tile_kiln", "B-", True,
                                       dt.date(2026, 8, 3)),
        (code(4), "主厂区"): ("MEE2020", "frp", "leading", False, july1),
        (registered.credit_code, "主厂区"): ("MEE2020", "foundry", "D", False, july1),
    }  # fmt: skip
    new = session.scalar(select(Enterprise).where(Enterprise.credit_code == code(1)))
    assert (new.city, new.county, [s.name for s in new.sites]) == (
        "驻马店市",
        COUNTY,
        ["主厂区", "二厂区"],
    )
    assert all(site.boundary is None and site.datum is None for site in new.sites)
    assert report.grades == {"A": 1, "B-": 1, "C": 1, "D": 1, "advanced": 1, "leading": 1}
    assert "imported 6 rows" in report.summary()
    assert report.to_dict()["filing_ids"] == report.filing_ids


def test_dry_run_writes_nothing(session, admin_actor):
    before = counts(session)
    report = import_filings(
        session, actor=admin_actor, data=xlsx([plant(1), plant(2)]), dry_run=True
    )
    assert report.dry_run and report.filing_ids == []
    assert (report.rows, report.new_enterprises, report.filings) == (2, 2, 2)
    assert report.summary().startswith("dry run: all 2 rows")
    assert counts(session) == before


def test_title_row_english_headers_and_blank_rows(session, admin_actor):
    english = ["enterprise_name", "credit_code", "county", "site", "address", "industry",
               "guide_version", "grade", "essential_service", "received_on", "year"]  # fmt: skip
    # The first plant's site is called 厂区, which is also a header: it is still a data row.
    rows = [[*plant(1, 厂区名称="厂区").values()], [None] * 11, [*plant(2, 申报级别="C").values()]]
    data = xlsx(rows, headers=english, title="驻马店市2026年重点行业绩效分级申报企业清单")
    report = import_filings(session, actor=admin_actor, data=data, dry_run=True)
    assert report.rows == 2 and report.grades == {"B": 1, "C": 1}


@pytest.mark.parametrize("dry_run", [True, False])
def test_every_bad_row_is_reported_and_nothing_changes(
    session, reviewer, admin_actor, make_enterprise, make_filing, dry_run
):
    filed = make_filing()
    site, enterprise = filed.site, filed.site.enterprise
    barred = make_enterprise()
    record_integrity(session, actor=admin_actor, enterprise=barred,
                     recorded_on=dt.date(2026, 3, 1), reason="伪造监测报告")  # fmt: skip
    good_code = code(1)
    wrong_check = good_code[:17] + ("0" if good_code[17] != "0" else "1")
    rows = [
        plant(1),  # row 2: good
        plant(2, 统一社会信用代码=wrong_check),  # 3
        plant(3, 行业="炼丹"),  # 4
        plant(4, 申报级别="B-"),  # 5: foundry is A/B/C/D
        plant(5, 厂区地址=None, 年度=None),  # 6
        plant(6, 受理日期="2026-13-01"),  # 7
        plant(7, 统一社会信用代码=code(1)),  # 8: same code, other name
        plant(1),  # 9: same enterprise and site as row 2
        plant(8, 企业名称=enterprise.name, 统一社会信用代码=enterprise.credit_code,
              厂区名称=site.name),  # 10: already filed for 2026
        plant(9, 县区=OTHER_COUNTY),  # 11: outside the reviewer's county
        plant(10, 统一社会信用代码=enterprise.credit_code, 厂区名称="新厂区"),  # 12: other name
        plant(11, 企业名称=barred.name, 统一社会信用代码=barred.credit_code),  # 13: barred
        plant(12, 是否保障类企业="也许", 年度=2062),  # 14
        plant(13, 统一社会信用代码=914117000000000001),  # 15: a number, digits lost
        plant(14, 行业="机械加工", 技术指南版本="MEE2020"),  # 16: a Henan industry
        plant(15, 厂区地址="工业大道" * 80),  # 17: longer than the column
    ]  # fmt: skip
    before = counts(session)

    error = rejected(session, reviewer, xlsx(rows), dry_run=dry_run)

    assert counts(session) == before
    assert error.code == "import.rejected" and error.status == 422
    found = reasons_by_row(error)
    assert sorted(found) == list(range(3, 18))
    expect = {
        3: "check character",
        4: "'炼丹' is not an industry",
        5: "B- is not on the scale of 铸造",
        6: "厂区地址 (column E): is empty",
        7: "is not a real date",
        8: "row 2 gives this credit code to",
        9: "already in row 2",
        10: "already has a filing for 2026",
        11: "outside your scope",
        12: "is registered to",
        13: "may not apply until 2027-03-01",
        14: "是 or 否",
        15: "format the column as text",
        16: "is not an industry of MEE2020; it is in HENAN2020",
        17: "longer than 300 characters",
    }
    for row, text in expect.items():
        assert any(text in reason for reason in found[row]), (row, found[row])
    assert any("年度" in reason and "is empty" in reason for reason in found[6])
    assert any("2062" in reason for reason in found[14])
    assert error.message.startswith("15 of 16 rows have problems")


def test_a_refusal_while_writing_undoes_every_row(session, admin_actor, monkeypatch):
    real = filings_xlsx.receive_filing
    calls = []

    def refuse_the_third(session, **kw):
        calls.append(kw["site"].name)
        if len(calls) == 3:
            raise DuplicateFiling("someone filed it meanwhile")
        return real(session, **kw)

    monkeypatch.setattr(filings_xlsx, "receive_filing", refuse_the_third)
    before = counts(session)
    error = rejected(session, admin_actor, xlsx([plant(1), plant(2), plant(3), plant(4)]))
    assert error.errors["rows"] == [
        {"row": 4, "column": None, "reason": "someone filed it meanwhile"}
    ]
    assert counts(session) == before
    assert session.scalar(select(Enterprise).where(Enterprise.credit_code == code(1))) is None


def test_missing_and_renamed_columns(session, admin_actor):
    headers = [h for h in HEADERS if h != "受理日期"]
    headers[0] = "企业名"  # renamed
    before = counts(session)
    error = rejected(session, admin_actor, xlsx([], headers=headers))
    missing = {item["column"] for item in error.errors["columns"]}
    assert missing == {"企业名称", "受理日期"}
    assert "企业名" in error.errors["headers_found"]
    assert "企业名称" in error.message and "Headers found in row 1: 企业名" in error.message
    assert counts(session) == before


def test_a_column_given_twice(session, admin_actor):
    error = rejected(session, admin_actor, xlsx([plant(1)], headers=[*HEADERS, "申报等级"]))
    assert error.errors["columns"] == [
        {"column": "申报级别", "reason": "appears twice (columns H and L); keep one"}
    ]


def test_two_row_header_with_merged_cells_and_a_formula(session, admin_actor):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["企业名称", "统一社会信用代码", "县区", "厂区地址", "行业", "申报信息"])
    sheet.append([None, None, None, None, None, "申报级别", "受理日期", "年度"])
    for column in "ABCDE":  # vertically merged: the text stays in row 1
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("F1:H1")
    row = plant(1)
    sheet.append([row["企业名称"], row["统一社会信用代码"], COUNTY, row["厂区地址"], "铸造",
                  "A", dt.date(2026, 7, 1), "=2025+1"])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl saves no result for the formula; a value-only reader sees an empty cell.
    error = rejected(session, admin_actor, buffer.getvalue())
    assert error.errors["rows"] == [
        {"row": 3, "column": "年度", "reason": "年度 (column H): is empty; fill it in"}
    ]


def test_an_inspector_may_not_import(session, make_user):
    inspector = Actor.of(make_user(Role.inspector))
    with pytest.raises(Forbidden):
        import_filings(session, actor=inspector, data=xlsx([plant(1)]), dry_run=True)


# -- the API endpoint -------------------------------------------------------------------------


BOUNDARY = "----import-test-boundary"


def upload(client, headers, data, dry_run=None, name="list.xlsx"):
    """POST the file as multipart/form-data, encoded here: the test client's own encoder
    spools a large body to a temporary file it never closes (a ResourceWarning)."""
    url = "/api/imports/filings" + ("" if dry_run is None else f"?dry_run={dry_run}")
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return client.post(url, data=body, headers=headers,
                       content_type=f"multipart/form-data; boundary={BOUNDARY}")  # fmt: skip


def test_api_dry_run_by_default_then_import(client, session, make_user, login):
    headers = login(make_user(Role.county_reviewer, county=COUNTY))
    data = xlsx([plant(1), plant(2, 申报级别="A")])
    before = counts(session)
    checked = upload(client, headers, data)
    assert checked.status_code == 200, checked.json
    assert checked.json["dry_run"] is True and checked.json["filings"] == 2
    assert counts(session) == before
    done = upload(client, headers, data, dry_run="false")
    assert done.status_code == 200, done.json
    assert done.json["dry_run"] is False and len(done.json["filing_ids"]) == 2
    assert done.json["summary"].startswith("imported 2 rows")
    assert counts(session)[2] == before[2] + 2
    again = upload(client, headers, data, dry_run="false")
    assert again.status_code == 422
    assert {item["row"] for item in again.json["errors"]["rows"]} == {2, 3}


def _zip(**members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("企业名称,统一社会信用代码\n天中铸造,914117…\n".encode(), "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "Excel 97-2003 (.xls)"),
        (_zip(**{"word/document.xml": "<w/>"}), "ZIP archive but not an Excel workbook"),
        (_zip(**{"xl/workbook.xml": "<not xml"}), "cannot be read"),
        (b"PK\x03\x04" + bytes(10 * 1024 * 1024), "larger than 10 MB"),
    ],
    ids=["csv", "xls", "docx-like zip", "broken xlsx", "too large"],
)
def test_api_refuses_what_is_not_an_xlsx(client, session, make_user, login, data, says):
    headers = login(make_user(Role.admin))
    before = counts(session)
    response = upload(client, headers, data, dry_run="false")
    assert response.status_code == 422
    assert response.json["code"] == "import.rejected"
    assert says in response.json["message"]
    assert counts(session) == before


def test_api_needs_a_file_and_a_registry_writer(client, make_user, login):
    admin = login(make_user(Role.admin))
    missing = client.post("/api/imports/filings", data={}, headers=admin,
                          content_type="multipart/form-data")  # fmt: skip
    assert missing.status_code == 422
    assert "file" in missing.json["errors"]["files"]
    inspector = login(make_user(Role.inspector))
    assert upload(client, inspector, xlsx([plant(1)])).status_code == 403
