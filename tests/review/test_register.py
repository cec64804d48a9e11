"""The register of late and missing filings (S1 §(一)(十七), S2 §六), through the API on real SQL."""

import datetime as dt

from server.accounts.models import Role
from server.reconciliation.service import current_result
from tests.factories import OTHER_COUNTY, foundry_case

JULY_31 = dt.date(2026, 7, 31)


def test_a_b_filed_after_the_deadline_is_flagged_late(
    client, session, make_batch, make_filing, make_user, login
):
    """S1 §(十七): "未按时上报绩效评级申报材料的，按最低等级进行管理" — a B filed on 20 August for
    a batch due 31 July is late: the filing says so, and its emergency-list grade is the lowest
    of its scale whatever it claimed."""
    make_batch(deadline=JULY_31)
    late = make_filing(received_on=dt.date(2026, 8, 20), cases=[foundry_case("B")])
    on_time = make_filing(received_on=JULY_31, cases=[foundry_case("B")])
    city = login(make_user(Role.city_reviewer))
    state = client.get(f"/api/filings/{late.id}/review", headers=city)
    assert state.status_code == 200, state.json
    assert state.json["late_filing"]["days_late"] == 20
    assert state.json["late_filing"]["deadline"] == "2026-07-31"
    assert client.get(f"/api/filings/{on_time.id}/review", headers=city).json["late_filing"] is None
    late_entry = current_result(session, late.id).result["emergency_list_entry"]
    on_time_entry = current_result(session, on_time.id).result["emergency_list_entry"]
    assert late_entry["grade"] == "D"
    assert on_time_entry["grade"] != "D"
    steps = [s["code"] for s in current_result(session, late.id).result["explanation"]]
    assert "obligations.late_filing" in steps


def test_the_register_lists_late_missing_and_not_yet_due(
    client, make_batch, make_filing, make_site, make_enterprise, make_user, login
):
    """S1 §(一): every plant of the jurisdiction's key industries is on the list; one that did not
    file by the deadline is missing (managed at the lowest grade; S2 §六: the industry's strictest
    measures). A batch not yet due has no missing plant, only plants not yet filed."""
    batch = make_batch(deadline=JULY_31)
    late = make_filing(received_on=dt.date(2026, 8, 20), cases=[foundry_case("B")])
    on_time = make_filing(received_on=dt.date(2026, 7, 1), cases=[foundry_case("A")])
    silent = make_site()  # a foundry on the registry that never filed
    printing = make_site(
        lines=[{"code": "L01", "name": "印刷线", "industry_code": "packaging_printing"}]
    )
    elsewhere = make_site(enterprise=make_enterprise(county=OTHER_COUNTY))
    city = login(make_user(Role.city_reviewer))
    response = client.get(f"/api/batches/{batch.id}/register", headers=city)
    assert response.status_code == 200, response.json
    status = {row["site_id"]: row["status"] for row in response.json}
    assert status[late.site_id] == "late"
    assert status[on_time.site_id] == "on_time"
    assert status[silent.id] == "missing"
    assert status[elsewhere.id] == "missing"
    assert printing.id not in status  # not an industry of this batch
    row = next(r for r in response.json if r["site_id"] == late.site_id)
    assert (row["filing_id"], row["days_late"]) == (late.id, 20)
    only_missing = client.get(f"/api/batches/{batch.id}/register?status=missing", headers=city)
    assert {r["site_id"] for r in only_missing.json} == {silent.id, elsewhere.id}
    county = login(make_user(Role.county_reviewer))
    mine = client.get(f"/api/batches/{batch.id}/register", headers=county).json
    assert elsewhere.id not in {r["site_id"] for r in mine}
    later = make_batch(deadline=dt.date(2099, 7, 31), industries=["packaging_printing"])
    upcoming = client.get(f"/api/batches/{later.id}/register", headers=city).json
    assert [(r["site_id"], r["status"]) for r in upcoming] == [(printing.id, "not_due")]
    bad = client.get(f"/api/batches/{batch.id}/register?status=lost", headers=city)
    assert bad.status_code == 422


def test_late_filings_show_in_the_results_list(client, make_batch, make_filing, make_user, login):
    """S1 §(十七): the results list shows who is managed at the lowest grade for filing late, in
    its 按时申报 column."""
    make_batch(deadline=JULY_31)
    make_filing(received_on=dt.date(2026, 8, 20), cases=[foundry_case("B")])
    headers = login(make_user(Role.city_reviewer))
    with client.get("/api/exports/results.csv", headers=headers) as exported:
        assert exported.status_code == 200
        text = exported.get_data().decode("utf-8-sig")
    assert "按时申报" in text
    assert "逾期20天，按最低等级管理" in text


def test_missing_plants_show_in_the_results_list(
    client, make_batch, make_filing, make_site, make_user, login
):
    """S1 §(一)(十七), S2 §六: a plant on the list that did not file by the deadline is managed at
    the lowest grade; the results list of the year (or of the batch) shows it as a row of its own,
    and a list before the deadline or of another year does not."""
    batch = make_batch(deadline=JULY_31)
    make_filing(received_on=dt.date(2026, 7, 1), cases=[foundry_case("A")])
    silent = make_site(name="未申报厂区")
    headers = login(make_user(Role.city_reviewer))

    def exported(query: str) -> str:
        with client.get(f"/api/exports/results.csv?{query}", headers=headers) as response:
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.get_data().decode("utf-8-sig")

    for query in ("year=2026", f"batch_id={batch.id}"):
        rows = [line for line in exported(query).splitlines() if silent.name in line]
        assert len(rows) == 1, query
        assert "未申报" in rows[0] and "按最低等级管理" in rows[0] and batch.name in rows[0]
    assert silent.name not in exported("year=2025")
    later = make_batch(deadline=dt.date(2099, 7, 31), industries=["foundry"], year=2027)
    assert silent.name not in exported(f"batch_id={later.id}")  # not yet due
