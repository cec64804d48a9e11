"""The decided grade drives the lists and the emergency measures (rule 14, rule 15), through
the API on real SQL: the results list, the public list and the emergency list entry follow the
latest decided grade — a city grade-down (S4 §三(三)) or a later downgrade (S4 §三(四)) — and a
filing again within the year (S0 §五(一), S4 §三(四)) replaces the grade only once decided.
"""

from __future__ import annotations

import csv
import io

from tests.filings.conftest import bureau  # noqa: F401 (fixture)


def csv_rows(bureau, url):  # noqa: F811
    with bureau.client.get(url, headers=bureau.city[2]) as response:  # a streamed file: closed
        assert response.status_code == 200, response.data[:300]
        text = response.data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def results(bureau):  # noqa: F811
    rows = csv_rows(bureau, "/api/exports/results.csv")
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def public(bureau):  # noqa: F811
    rows = csv_rows(bureau, "/api/exports/disclosure.csv")
    return [(row[2], row[6]) for row in rows[1:]]


def entry(bureau, filing_id):  # noqa: F811
    response = bureau.client.get(f"/api/filings/{filing_id}/grade", headers=bureau.city[2])
    assert response.status_code == 200, response.json
    return response.json


def test_the_emergency_entry_follows_the_city_grade_down(bureau, make_site):  # noqa: F811
    """S4 §三(三), S0 §四(五): after a city grade-down from B to C the plant's emergency list
    entry and alert obligations are those of C, whatever the evidence alone supported."""
    filing = bureau.file(make_site().id, "B").json
    bureau.decide(filing["id"], "grade_down", "C")
    shown = entry(bureau, filing["id"])
    assert shown["decided_grade"]["grade"] == "C"
    assert shown["emergency_list_entry"]["grade"] == "C"
    assert shown["emergency_list_entry"]["grade_basis"] == "decided"
    assert shown["emergency_list_entry"]["measures"] == {
        alert: shown["obligations"][alert]["code"] for alert in ("yellow", "orange", "red")
    }


def test_a_later_downgrade_reaches_every_list_and_the_entry(bureau, make_site):  # noqa: F811
    """S4 §三(四) (rule 14): confirmed B, later downgraded to C by a routine inspection — the
    results list shows C with the check named, the public list (S4 §三(五)) shows C, and the
    emergency list entry is C's."""
    site = make_site()
    filing = bureau.file(site.id, "B").json
    bureau.decide(filing["id"], "confirm", None)
    assert entry(bureau, filing["id"])["emergency_list_entry"]["grade"] == "B"
    assert bureau.downgrade(filing["id"], "C").status_code == 201
    [row] = [r for r in results(bureau) if r["厂区名称"] == site.name]
    assert row["审定级别"] == "C级"
    assert "日常检查后由 B 级降为 C 级" in row["备注"]
    assert (site.enterprise.name, "C级") in public(bureau)
    shown = entry(bureau, filing["id"])
    assert (shown["emergency_list_entry"]["grade"], shown["decided_grade"]["source"]) == (
        "C",
        "downgrade",
    )


def test_the_lists_follow_the_filing_that_stands(bureau, make_site):  # noqa: F811
    """S4 §三(四) "申请更高级别的企业应重新提交申请材料": decided C, the plant files again for
    B. Until that filing is decided the public list keeps C; once B is confirmed it lists B
    once, and the results list keeps both rows, the earlier one marked as superseded."""
    site = make_site()
    first = bureau.file(site.id, "B").json
    bureau.decide(first["id"], "grade_down", "C")
    again = bureau.file(site.id, "B", on="2026-10-01").json
    assert public(bureau).count((site.enterprise.name, "C级")) == 1
    bureau.decide(again["id"], "confirm", None)
    listed = [grade for name, grade in public(bureau) if name == site.enterprise.name]
    assert listed == ["B级"]
    rows = [r for r in results(bureau) if r["厂区名称"] == site.name]
    assert [r["审定级别"] for r in rows] == ["C级", "B级"]
    assert f"已被本年度后续申报（编号{again['id']}）取代" in rows[0]["备注"]
    assert "本年度第2次申报（申请更高级别重新申报）" in rows[1]["备注"]
