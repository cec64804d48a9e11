"""Filing again within the year (rule 13), through the API on real SQL.

Every test cites the notice its rule comes from: S0 驻马店 2020 §四(六), §五(一); S2 河南 2021
§七; S4 绍兴 §三(四); S1 石家庄 2020 §(三)(五) for the integrity bar.
"""

from __future__ import annotations

from server.accounts.models import Role


def test_withdrawn_then_filed_again_in_the_same_year(bureau, make_site):
    """S4 §三(四): a plant files its material anew; a withdrawn application is no decision, so
    the site may file again in the same year, and the withdrawn filing is kept."""
    site = make_site()
    first = bureau.file(site.id, "B").json
    assert bureau.withdraw(first["id"]).status_code == 201
    again = bureau.file(site.id, "B", on="2026-07-20")
    assert again.status_code == 201, again.json
    assert (again.json["sequence"], again.json["kind"], again.json["supersedes_id"]) == (
        2,
        "refiling",
        first["id"],
    )
    shown = bureau.grades(again.json["id"])
    assert shown.status_code == 200, shown.json
    year = shown.json["year_filings"]
    assert [(f["id"], f["status"], f["current"]) for f in year] == [
        (first["id"], "withdrawn", False),
        (again.json["id"], "received", True),
    ]


def test_a_second_filing_while_one_is_in_review_is_refused(bureau, make_site):
    """Rule 13 (S4 §三(四)): one application at a time; the refusal says what to do."""
    site = make_site()
    first = bureau.file(site.id, "B").json
    again = bureau.file(site.id, "A", on="2026-07-02")
    assert again.status_code == 409
    assert again.json["code"] == "filing.duplicate"
    assert f"（编号 {first['id']}）仍在审核中" in again.json["message"]
    assert "withdraw it or wait for its decision" in again.json["message"]


def test_a_higher_grade_may_be_asked_for_anew_after_the_decision(bureau, make_site):
    """S4 §三(四) "申请更高级别的企业应重新提交申请材料": decided C, the plant files again
    for B; the earlier grade stands until the new filing is decided, then the new one does."""
    site = make_site()
    first = bureau.file(site.id, "B").json
    bureau.decide(first["id"], "grade_down", "C")
    again = bureau.file(site.id, "B", on="2026-10-01")
    assert again.status_code == 201, again.json
    assert (again.json["kind"], again.json["sequence"], again.json["supersedes_id"]) == (
        "higher_grade",
        2,
        first["id"],
    )
    pending = bureau.grades(first["id"]).json
    assert (pending["grade"], pending["current"], pending["superseded_by"]) == ("C", True, None)
    bureau.decide(again.json["id"], "confirm", None)
    view = bureau.grades(first["id"]).json
    assert (view["grade"], view["current"], view["superseded_by"]) == (
        "C",
        False,
        again.json["id"],
    )
    assert [(f["sequence"], f["grade"], f["current"]) for f in view["year_filings"]] == [
        (1, "C", False),
        (2, "B", True),
    ]


def test_dynamic_adjustment_until_the_jurisdictions_last_day(bureau, make_site):
    """S0 §五(一): "涉及企业可在12月10日前…再次绩效分级申报，进行绩效分级调整" — in 驻马店
    (2020) a graded plant may file again until 10 December; on 11 December it is refused with
    the day named. S0 §四(六) / S2 §七 "开展一次": one adjustment a year."""
    assert bureau.settings(adjustment_deadline="12-10", adjustments_per_year=1).status_code == 201
    site = make_site()
    first = bureau.file(site.id, "B", on="2025-07-01").json
    bureau.decide(first["id"], "grade_down", "C")
    late = bureau.file(site.id, "C", on="2025-12-11")
    assert late.status_code == 409 and late.json["code"] == "filing.adjustment_closed"
    assert "2025-12-10" in late.json["message"]
    adjustment = bureau.file(site.id, "C", on="2025-12-10")
    assert adjustment.status_code == 201, adjustment.json
    assert adjustment.json["kind"] == "dynamic_adjustment"
    bureau.decide(adjustment.json["id"], "confirm", None)
    once_more = bureau.file(site.id, "B", on="2025-12-10")
    assert once_more.status_code == 409 and once_more.json["code"] == "filing.adjustments_used"


def test_henan_from_2021_adjusts_until_31_december(bureau, make_site):
    """S2 §七: "12月31日前开展一次绩效分级动态调整" — a later version of the settings moves the
    last day to 31 December: a filing on 20 December is an adjustment, not a duplicate."""
    assert bureau.settings(adjustment_deadline="12-31", adjustments_per_year=1).status_code == 201
    site = make_site()
    first = bureau.file(site.id, "B", on="2025-07-01").json
    bureau.decide(first["id"], "grade_down", "C")
    again = bureau.file(site.id, "C", on="2025-12-20")
    assert again.status_code == 201 and again.json["kind"] == "dynamic_adjustment"


def test_a_bad_adjustment_deadline_is_refused_with_the_form_to_use(bureau):
    """The settings say what a valid last day looks like, never a stack trace."""
    for bad in ("12/10", "13-01", "02-30", "1-5"):
        response = bureau.settings(adjustment_deadline=bad)
        assert response.status_code == 422, bad
        assert response.json["errors"]["adjustment_deadline"] == [
            "a day of the year as MM-DD, e.g. 12-10"
        ]


def test_the_integrity_record_still_bars_filing_again(bureau, make_site, client, login, make_user):
    """S1 §(三)(五), S4 §三(四): falsification — "一年内不得申报"; withdrawing and filing again
    does not get round the bar."""
    site = make_site()
    first = bureau.file(site.id, "B").json
    assert bureau.withdraw(first["id"]).status_code == 201
    recorded = client.post(
        "/api/integrity-records",
        json={
            "enterprise_id": site.enterprise_id,
            "recorded_on": "2026-07-05",
            "reason": "申报材料中的监测报告系伪造",
        },
        headers=login(make_user(Role.city_reviewer)),
    )
    assert recorded.status_code == 201, recorded.json
    again = bureau.file(site.id, "B", on="2026-07-20")
    assert again.status_code == 409 and again.json["code"] == "filing.applicant_barred"
