"""Downgrades after a later check (rule 14) and the grade history, through the API on real SQL.

S4 §三(四): "对在后期抽查、日常检查、监督执法过程中被发现达不到相应绩效评级指标要求的，进行降级
处理"; "隐瞒情况或提供虚假材料的企业，一经发现直接降为最低等级，且一年内不得再次申报".
"""

from __future__ import annotations

import pytest

from server.clock import china_today
from tests.filings.conftest import bureau  # noqa: F401 (fixture)


@pytest.fixture
def decided(bureau, make_site):  # noqa: F811
    filing = bureau.file(make_site().id, "B").json
    bureau.decide(filing["id"], "confirm", None)
    return filing["id"]


def test_a_downgrade_records_grade_reason_and_evidence_and_keeps_history(bureau, decided):  # noqa: F811
    """S4 §三(四): a routine inspection finds B no longer met → C, then a later sampled check
    → D; each downgrade records who, when, why and on what evidence, and the history keeps all."""
    first = bureau.downgrade(decided, "C")
    assert first.status_code == 201, first.json
    assert (first.json["from_grade"], first.json["grade"]) == ("B", "C")
    assert first.json["evidence"].startswith("2026-10-12 日常检查记录")
    second = bureau.downgrade(decided, "D", check_kind="sampled_check", reason="抽查：CEMS 未联网")
    assert second.status_code == 201, second.json
    view = bureau.grades(decided).json
    assert view["grade"] == "D" and view["status"] == "downgraded"
    assert [(e["source"], e["grade"]) for e in view["history"]] == [
        ("decision", "B"),
        ("downgrade", "C"),
        ("downgrade", "D"),
    ]
    assert view["history"][2]["check_kind"] == "sampled_check"
    assert view["history"][2]["by"] and view["history"][2]["effective_on"]


def test_a_downgrade_must_lower_the_grade_and_say_why(bureau, decided):  # noqa: F811
    """Rule 14 lowers a grade: the same or a higher grade, an unknown check, or a downgrade
    without reason or evidence is refused, saying what fits; nothing is recorded."""
    same = bureau.downgrade(decided, "B")
    assert same.status_code == 422 and same.json["errors"]["grade"] == ["one of: C, D"]
    assert "低于现在的审定级别 B" in same.json["message"]
    assert bureau.downgrade(decided, "C", check_kind="rumour").status_code == 422
    assert bureau.downgrade(decided, "C", evidence="  ").json["errors"]["evidence"] == ["required"]
    assert bureau.grades(decided).json["history"][-1]["source"] == "decision"


def test_a_bare_downgrade_step_is_refused(bureau, decided):  # noqa: F811
    """A downgrade without a grade left the filing "downgraded" with no grade; the plain
    workflow step now says to use the downgrade, which records the grade."""
    response = bureau.step(decided, "downgrade", bureau.city[0], reason="抽查不达标")
    assert response.status_code == 422
    assert response.json["code"] == "workflow.downgrade_needs_grade"
    assert f"/api/filings/{decided}/downgrades" in response.json["message"]


def test_falsification_lowers_to_the_lowest_grade_and_bars_filing(bureau, decided, make_site):  # noqa: F811
    """S4 §三(四), S1 §(三)(五): false material → straight to the lowest grade, an integrity
    record, and no new filing for a year."""
    not_lowest = bureau.downgrade(decided, "C", falsification=True)
    assert not_lowest.status_code == 422 and not_lowest.json["errors"]["grade"] == ["one of: D"]
    done = bureau.downgrade(decided, "D", falsification=True, reason="台账与门禁视频不符")
    assert done.status_code == 201 and done.json["integrity_record_id"]
    site_id = bureau.grades(decided).json["site_id"]
    again = bureau.file(site_id, "C", on=china_today().isoformat())
    assert again.status_code == 409 and again.json["code"] == "filing.applicant_barred"


def test_only_a_decided_filing_is_downgraded_and_only_by_the_city(bureau, make_site):  # noqa: F811
    """S4 §三(四): a downgrade lowers a decided grade; a filing in review has none."""
    filing = bureau.file(make_site().id, "B").json
    assert bureau.downgrade(filing["id"], "C").status_code == 409
    bureau.decide(filing["id"], "confirm", None)
    county = bureau.client.post(
        f"/api/filings/{filing['id']}/downgrades",
        json={"grade": "C", "check_kind": "enforcement", "reason": "r", "evidence": "e"},
        headers=bureau.county,
    )
    assert county.status_code == 403
