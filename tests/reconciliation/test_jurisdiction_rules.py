"""Worked cases of the jurisdictions' own rules, through the pure core (``compute``): which
penalties bar which grades over which period (rule 6), the gate video retention (rule 17) and
Shaoxing's exemptions by pollution level. Each case cites the notice it is written from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from server.compliance.emergency import SHAOXING_EXEMPTIONS
from server.compliance.kinds import DEFAULT_BAR, HENAN_2021_BAR, SHAOXING_BAR
from server.reconciliation.compute import compute
from tests.reconciliation.worked import case, codes, filing, visit

COKE = {"melting_energy": "coke"}  # meets B, not A (illustrative foundry table)
JUDGED_ON = dt.date(2026, 9, 10)  # worked.filing's day judged on; filing year 2026


def b_plant(**kw: Any) -> dict[str, Any]:
    """A foundry B claim the visit holds at B, judged on 2026-09-10 under the given settings."""
    return compute(filing((case(grade="B"),), (visit({11: COKE, 12: COKE}),), **kw))


def exclusion(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in result["explanation"] if s["code"].startswith("exclusion.penalty")]


# -- rule 6: penalty kinds and bars ---------------------------------------------------------------


def test_henan_bars_any_administrative_penalty_within_a_year() -> None:
    """S2 §二: 一年内受到行政处罚……不得评为 A级企业、B（含 B-）级企业和引领性企业 — any
    administrative penalty, not only the three kinds of S0; under the default (S0) bar the same
    penalty of another kind bars nothing."""
    other = (("other", dt.date(2026, 3, 1)),)
    henan = b_plant(penalties=other, penalty_bar=HENAN_2021_BAR)
    assert henan["supported_grade"] == "C"
    [step] = exclusion(henan)
    assert step["code"] == "exclusion.penalty_within_year"
    assert step["data"]["source"] == "S2 §二"
    assert "其他行政处罚" in step["message_zh"] and "任何行政处罚" in step["message_zh"]
    assert "any administrative penalty" in step["message_en"]

    default = b_plant(penalties=other, penalty_bar=DEFAULT_BAR)
    assert default["supported_grade"] == "B"
    assert codes(exclusion(default)) == ["exclusion.penalty_not_barring"]


def test_henan_counts_365_days_back_across_the_new_year() -> None:
    """S2 §二 一年内: a penalty of 2025-12-20 still bars on 2026-09-10; one of 2025-09-10
    (365 days before) no longer does."""
    within = b_plant(penalties=(("other", dt.date(2025, 12, 20)),), penalty_bar=HENAN_2021_BAR)
    assert within["supported_grade"] == "C"
    old = b_plant(penalties=(("other", dt.date(2025, 9, 10)),), penalty_bar=HENAN_2021_BAR)
    assert old["supported_grade"] == "B"


def test_shaoxing_bars_each_kind_it_names_in_the_same_year() -> None:
    """S4 §四(二): 未依法进行环境影响评价、未取得排污许可证、超过许可排放浓度或者排放量、以逃避
    监管方式违法排放大气污染物或者未按照规定安装使用大气污染物自动监测设备……当年不得申报B级
    （含引领性）及以上企业."""
    for kind in (
        "no_eia",
        "built_before_approval",
        "no_discharge_permit",
        "exceeded_permit_limits",
        "evading_supervision",
        "monitoring_not_running",
    ):
        result = b_plant(penalties=((kind, dt.date(2026, 2, 1)),), penalty_bar=SHAOXING_BAR)
        assert result["supported_grade"] == "C", kind
        [step] = exclusion(result)
        assert step["data"]["period"] == "calendar_year"
        assert "当年" in step["message_zh"] and "S4 §四(二)" in step["message_zh"]


def test_shaoxing_counts_the_calendar_year_not_365_days() -> None:
    """S4 §四(二) 当年: a no-permit penalty of 2025-12-20 does not bar a 2026 B filing judged
    on 2026-09-10, though it is within 365 days (Henan's period would bar it)."""
    last_year = (("no_discharge_permit", dt.date(2025, 12, 20)),)
    assert b_plant(penalties=last_year, penalty_bar=SHAOXING_BAR)["supported_grade"] == "B"
    assert b_plant(penalties=last_year, penalty_bar=HENAN_2021_BAR)["supported_grade"] == "C"


def test_shaoxing_does_not_bar_penalties_it_does_not_name() -> None:
    """S4 §四(二) names five violations; another administrative penalty bars nothing there."""
    result = b_plant(penalties=(("other", dt.date(2026, 2, 1)),), penalty_bar=SHAOXING_BAR)
    assert result["supported_grade"] == "B"
    [step] = exclusion(result)
    assert step["code"] == "exclusion.penalty_not_barring"
    assert "其他行政处罚" in step["message_zh"]


def test_a_penalty_after_the_day_judged_does_not_count() -> None:
    """S0 §五(二) 一年内: the year runs up to the day judged on, never after it."""
    later = (("exceeded_permit_limits", dt.date(2026, 9, 11)),)
    assert b_plant(penalties=later)["supported_grade"] == "B"


# -- rule 17: gate video retention -----------------------------------------------------------------


def video_plant(months: int, **kw: Any) -> dict[str, Any]:
    claim = case(grade="B", claims=("transport_control.video_retention",))
    return compute(filing((claim,), (visit({11: {"gate_video_months": months}}),), **kw))


def test_one_month_of_gate_video_grades_a_b_claim_down() -> None:
    """S1 §(五): 装卸物料的场所……均应安装视频监控设施……可随时调阅并保持 6 个月. A B claim
    with 1 month of video does not meet B: the weakest link grades it down, in words."""
    result = video_plant(1)
    [found] = result["cases"][0]["indicators"]
    assert found["verdict"] == "contradicted"
    assert result["supported_grade"] == "C"
    [said] = [r for r in found["reasons"] if r["code"] == "indicator.setting_not_met"]
    assert said["data"]["required"] == 6 and said["data"]["found"] == 1
    assert "1 个月" in said["message_zh"] and "6 个月" in said["message_zh"]
    assert "S1 §(五)" in said["message_zh"]
    assert "Only 1 month(s) found on site" in said["message_en"]


def test_six_months_of_gate_video_verify_the_claim() -> None:
    """S1 §(五) 保持 6 个月: six months meet it."""
    result = video_plant(6)
    [found] = result["cases"][0]["indicators"]
    assert found["verdict"] == "verified"
    assert result["supported_grade"] == "B"
    assert "indicator.setting_met" in codes(found["reasons"])


def test_the_retention_is_the_jurisdictions_setting() -> None:
    """Rule 17: retention periods differ between places and years, so they are settings — a
    jurisdiction asking 12 months refuses 6, one asking 3 accepts 4."""
    assert video_plant(6, gate_video_retention_months=12)["supported_grade"] == "C"
    assert video_plant(4, gate_video_retention_months=3)["supported_grade"] == "B"


# -- S4 §四(三): exemptions by pollution level -----------------------------------------------------


def measures(grade: str, exemptions: dict[str, tuple[str, ...]]) -> dict[str, str]:
    claim = case(industry="cement", grade=grade, claims=())
    result = compute(filing((claim,), (), pollution_exemptions=exemptions))
    entry = result["emergency_list_entry"]
    assert entry["grade"] == grade
    return dict(entry["measures"])


def test_shaoxing_exempts_b_and_above_in_light_or_moderate_pollution() -> None:
    """S4 §四(三): 中、轻度污染天气期间，绩效B级及以上企业可豁免采取应急减排措施，绩效C级、D级
    ……应纳入污染天气应急减排清单. A B cement plant keeps its alert measures (heavy pollution)
    and is exempt in light or moderate pollution; a C plant is on the reduction list."""
    b = measures("B", SHAOXING_EXEMPTIONS)
    assert b["light_moderate"] == "exempt"
    assert b["red"] == "stop_truck_ban"  # heavy pollution: B is not exempt
    assert measures("C", SHAOXING_EXEMPTIONS)["light_moderate"] == "on_reduction_list"
    assert measures("D", SHAOXING_EXEMPTIONS)["light_moderate"] == "on_reduction_list"


def test_shaoxing_exempts_a_in_heavy_pollution() -> None:
    """S4 §四(三): 重污染天气期间，绩效A级和引领性的企业可豁免采取应急减排措施."""
    a = measures("A", SHAOXING_EXEMPTIONS)
    assert {a[alert] for alert in ("yellow", "orange", "red")} == {"exempt"}
    assert a["light_moderate"] == "exempt"


def test_without_the_setting_the_national_table_alone_applies() -> None:
    """RULES.md, cement clinker MEE2020: no pollution-level exemption unless the jurisdiction
    sets one (the Shaoxing variant is its setting, not every city's)."""
    b = measures("B", {})
    assert "light_moderate" not in b
    assert b["yellow"] == "no_china_iv_or_older_heavy_trucks"


def test_the_exemption_is_explained_in_words() -> None:
    """S4 §四(三): the reviewer reads which pollution levels exempt the plant."""
    claim = case(industry="cement", grade="B", claims=())
    result = compute(filing((claim,), (), pollution_exemptions=SHAOXING_EXEMPTIONS))
    [step] = [
        s for s in result["explanation"] if s["code"] == "obligations.pollution_level_exemption"
    ]
    assert "中、轻度污染天气可豁免" in step["message_zh"]
    assert "重污染天气须采取减排措施" in step["message_zh"]
    assert result["obligations"]["light_moderate"]["source"] == "S4 §四(三)"
