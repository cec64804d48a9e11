"""Emission-limit claims against HJ 212 hourly data: packets written here with valid CRCs
(the project's own writer), parsed back, and checked — exact verdicts and numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest

from server.reconciliation import emission_limits as em
from server.reconciliation.compute import compute, emission_checks
from server.reconciliation.hj212 import build_packet, format_cp, parse_stream, unframe
from server.reconciliation.inputs import ClaimInput
from tests.reconciliation.worked import case, filing, visit

UTC = dt.UTC
MN, MN2 = "MN410000000001", "MN410000000002"
START = dt.datetime(2026, 9, 1, 1, 0, tzinfo=UTC)  # the visit window: 8 hours
END = START + dt.timedelta(hours=8)
ONE_DAY = em.EmissionSettings(lookback_days=1)
SO2_35 = em.LimitClaim("a21026", 35.0)


def packet(mn: str, at: dt.datetime, pollutants: Mapping[str, Mapping[str, float | str]]) -> str:
    return build_packet(
        {"QN": f"{at:%Y%m%d%H%M%S}000", "ST": "31", "CN": "2061", "PW": "123456", "MN": mn}
        | {"Flag": "5", "CP": format_cp(at, pollutants)}
    )


def so2(value: float, flag: str = "N", **extra: float | str) -> dict[str, dict[str, float | str]]:
    return {"a21026": {"Avg": value, "Flag": flag}, **({"a19001": extra} if extra else {})}


def hours(text: str, code: str = "a21026") -> list[em.Hour]:
    parsed = parse_stream(text)
    assert parsed.errors == []  # every packet written here passes the CRC check
    return em.hours_of(parsed.records, code)


# The visit window: below, at, just below, below, stopped (F), maintenance (M), a gap, below.
VISIT = [(0, so2(20)), (1, so2(35)), (2, so2(34.9)), (3, so2(10))]
VISIT += [(4, so2(90, "F")), (5, so2(80, "M")), (7, so2(30))]
# The day before: 22 normal hours at 25, one fault (D) at 500, one calibration (C) at 0.
BEFORE = [(-24 + h, so2(25)) for h in range(22)] + [(-2, so2(500, "D")), (-1, so2(0, "C"))]


def stream(rows: list[tuple[int, dict[str, dict[str, float | str]]]], mn: str = MN) -> str:
    return "".join(packet(mn, START + dt.timedelta(hours=h), p) for h, p in rows)


def test_the_packets_written_for_these_tests_carry_valid_crcs() -> None:
    line = packet(MN, START, so2(20))
    assert unframe(line).startswith("QN=")
    corrupted = line.replace("a21026-Avg=20", "a21026-Avg=21")
    assert parse_stream(corrupted).errors[0].code == "hj212.bad_crc"


def test_hours_at_the_limit_meet_it_flagged_hours_and_gaps_are_counted_not_judged() -> None:
    checked = em.check_limit(SO2_35, hours(stream(BEFORE + VISIT)), START, END, ONE_DAY)

    assert checked.verdict == em.VERIFIED
    assert checked.code == "emission.within_limit"
    assert checked.points == (MN,)
    v, b = checked.visit, checked.before
    assert (v.expected, v.packets, v.gap, v.valid, v.above) == (8, 7, 1, 5, 0)
    assert dict(v.excluded) == {"F": 1, "M": 1}
    assert (v.maximum, v.maximum_at) == (35.0, START + dt.timedelta(hours=1))
    assert v.to_json()["mean"] == round((20 + 35 + 34.9 + 10 + 30) / 5, 2)
    assert (b.expected, b.packets, b.gap, b.valid, b.above) == (24, 24, 0, 22, 0)
    assert dict(b.excluded) == {"C": 1, "D": 1}  # the fault's 500 never counts
    assert b.maximum == 25.0
    assert checked.basis == "measured"
    assert checked.message_en == (
        "SO₂ as measured (no reference oxygen to convert to): valid hours within the claimed "
        "35 mg/m³ over the visit window and the 1 days before it, maximum 35.0 mg/m³; 27 of 32 "
        "hours valid, 4 excluded (flag other than N or no basis), 1 missing"
    )
    assert checked.message_zh.startswith("二氧化硫按实测浓度")


def test_one_valid_hour_above_the_limit_contradicts_the_claim() -> None:
    rows = [*BEFORE, *VISIT]
    rows[5] = (-19, so2(36.2))  # one hour of the day before, just above
    checked = em.check_limit(SO2_35, hours(stream(rows)), START, END, ONE_DAY)

    assert checked.verdict == em.CONTRADICTED
    assert checked.code == "emission.above_limit"
    assert (checked.before.above, checked.before.valid, checked.before.maximum) == (1, 22, 36.2)
    assert checked.visit.above == 0
    assert "1 valid hours above the claimed 35 mg/m³" in checked.message_en
    assert "(3.7%, maximum 36.2 mg/m³)" in checked.message_en


def test_a_share_above_within_the_jurisdictions_tolerance_is_verified_and_said() -> None:
    rows = [*BEFORE, *VISIT]
    rows[5] = (-19, so2(36.2))
    tolerant = em.EmissionSettings(lookback_days=1, max_share_above=0.05)
    checked = em.check_limit(SO2_35, hours(stream(rows)), START, END, tolerant)

    assert checked.verdict == em.VERIFIED
    assert "(3.7% above, within the tolerated 5.0%)" in checked.message_en


def test_too_few_valid_hours_leave_the_claim_unverifiable() -> None:
    checked = em.check_limit(SO2_35, hours(stream(VISIT)), START, END, ONE_DAY)

    assert checked.verdict == em.UNVERIFIABLE
    assert checked.code == "emission.too_few_hours"
    assert (checked.visit.valid + checked.before.valid, checked.before.gap) == (5, 24)


def test_no_valid_hour_in_the_visit_window_is_unverifiable_even_with_a_clean_month() -> None:
    flagged = [(h, so2(20, "F")) for h in range(8)]
    checked = em.check_limit(SO2_35, hours(stream(BEFORE + flagged)), START, END, ONE_DAY)

    assert checked.verdict == em.UNVERIFIABLE
    assert checked.code == "emission.no_visit_hours"
    assert dict(checked.visit.excluded) == {"F": 8}


def test_a_pollutant_the_packets_do_not_carry_is_unverifiable() -> None:
    nox = em.LimitClaim("a21002", 50.0)
    checked = em.check_limit(nox, hours(stream(BEFORE + VISIT), "a21002"), START, END, ONE_DAY)

    assert checked.verdict == em.UNVERIFIABLE
    assert checked.code == "emission.no_data"
    assert checked.points == ()
    assert checked.message_zh == (
        "核查期间及前 1 天，本厂在线监测数据中没有氮氧化物（a21002）小时数据"
    )


def test_each_point_counts_its_own_hours() -> None:
    text = stream(BEFORE + VISIT) + stream([(h, so2(12)) for h in range(-24, 8)], MN2)
    checked = em.check_limit(SO2_35, hours(text), START, END, ONE_DAY)

    assert checked.points == (MN, MN2)
    assert (checked.visit.expected, checked.visit.valid) == (16, 13)
    assert checked.verdict == em.VERIFIED


def test_oxygen_conversion_worked_example() -> None:
    # 50 mg/m³ measured at 15 % O2, brick kiln reference 18 %: 50 × (21 − 18) / (21 − 15) = 25
    assert em.convert(50.0, 15.0, 18.0) == 25.0
    claim = em.parse_claim("emission_limits.so2_mg_m3", "≤30 mg/m³", "brick_tile_kiln")
    assert claim is not None
    assert (claim.oxygen_ref, claim.oxygen_source) == (
        18.0,
        em.STANDARD_OXYGEN["brick_tile_kiln"][1],
    )
    rows = [(h, so2_o2(50, 15)) for h in range(-24, 8)]
    checked = em.check_limit(claim, hours(stream(rows)), START, END, ONE_DAY)
    assert checked.basis == "converted"
    assert (checked.verdict, checked.visit.maximum) == (em.VERIFIED, 25.0)
    assert "converted to 18% reference oxygen (GB 29620-2013" in checked.message_en
    # as measured (no reference oxygen), the same hours exceed 30
    measured = em.check_limit(
        em.LimitClaim("a21026", 30.0), hours(stream(rows)), START, END, ONE_DAY
    )
    assert (measured.verdict, measured.visit.maximum) == (em.CONTRADICTED, 50.0)


def a19001_avg(o2: float, flag: str = "N") -> dict[str, float | str]:
    return {"Avg": o2, "Flag": flag}


def so2_o2(value: float, o2: float, o2_flag: str = "N") -> dict[str, dict[str, float | str]]:
    return {"a21026": {"Avg": value, "Flag": "N"}, "a19001": a19001_avg(o2, o2_flag)}


def test_the_packets_own_reference_values_win_and_hours_without_oxygen_are_left_out() -> None:
    claim = em.LimitClaim("a21026", 30.0, oxygen_ref=18.0, oxygen_source="claim")
    rows = [(h, so2_o2(50, 15)) for h in range(-24, 4)]
    rows += [(4, {"a21026": {"Avg": 50, "ZsAvg": 29.5, "Flag": "N"}})]  # 折算 value carried
    rows += [(5, so2_o2(50, 15, "D")), (6, {"a21026": {"Avg": 50, "Flag": "N"}})]
    rows += [(7, so2_o2(50, 21))]  # 21 % oxygen: no conversion possible
    checked = em.check_limit(claim, hours(stream(rows)), START, END, ONE_DAY)

    assert dict(checked.visit.excluded) == {"no_oxygen": 3}
    assert (checked.visit.valid, checked.visit.maximum) == (5, 29.5)
    assert checked.basis == "mixed"
    assert checked.verdict == em.VERIFIED


def test_legacy_2005_codes_are_read_as_their_2017_pollutant() -> None:
    text = "".join(
        packet(MN, START + dt.timedelta(hours=h), {"02": {"Avg": 20, "Flag": "N"}})
        for h in range(-24, 8)
    )
    checked = em.check_limit(SO2_35, hours(text), START, END, ONE_DAY)
    assert (checked.verdict, checked.visit.valid) == (em.VERIFIED, 8)


@pytest.mark.parametrize(
    ("indicator", "value", "industry", "expected"),
    [
        ("emission_limits.so2_mg_m3", "≤35 mg/m³", None, ("a21026", 35.0, None, None, None)),
        (
            "emission_limits.particulate_matter",
            "颗粒物 ≤ 10 mg/m³",
            None,
            ("a34013", 10.0, None, None, None),
        ),
        (
            "emission_limits.nox_mg_m3",
            "≤50 mg/m³（基准氧含量 18%）",
            "cement",
            ("a21002", 50.0, 18.0, "claim", None),
        ),
        ("emission_limits.limit", "SO₂ ≤ 35 mg/m³", None, ("a21026", 35.0, None, None, None)),
        ("emission_limits.x", "a21002 不高于 100", None, ("a21002", 100.0, None, None, None)),
        ("emission_limits.nmhc_mg_m3", "20", None, ("a24088", 20.0, None, None, None)),
        (
            "emission_limits.particulate_mg_m3",
            "≤0.5 kg/t",
            None,
            ("a34013", 0.5, None, None, "unit"),
        ),
        (
            "emission_limits.so2_mg_m3",
            None,
            "coking",
            ("a21026", None, 8.0, em.STANDARD_OXYGEN["coking"][1], "no_limit"),
        ),
    ],
)
def test_claims_are_read_for_pollutant_limit_and_reference_oxygen(
    indicator: str, value: str | None, industry: str | None, expected: tuple[object, ...]
) -> None:
    claim = em.parse_claim(indicator, value, industry)
    assert claim is not None
    assert (claim.pollutant, claim.limit, claim.oxygen_ref, claim.oxygen_source, claim.problem) == (
        expected
    )


def test_a_claim_naming_no_known_pollutant_is_not_an_emission_check() -> None:
    assert em.parse_claim("emission_limits.vocs_removal", "≥90%") is None
    assert em.parse_claim("emission_limits.coating_rate", "≤ 3 kg") is None


# --- through the whole computation -------------------------------------------------------------

PM = "emission_limits.particulate_matter"
A_PM = {"melting_energy": "electricity", "emission_evidence": "cems_screen"}


def _pm_filing(values: list[float], claimed: str = "颗粒物 ≤ 10 mg/m³") -> dict[str, object]:
    the_visit = visit({11: {**A_PM, "pm_concentration": 8}, 12: {**A_PM, "pm_concentration": 8}})
    start = the_visit.window_start
    text = "".join(
        packet(MN, start - dt.timedelta(days=30) + dt.timedelta(hours=h), {"a34013": {"Avg": v}})
        for h, v in enumerate(values)
    )
    the_case = case(grade="A", claims=(PM,))
    the_case = type(the_case)(
        **{**the_case.__dict__, "claims": (ClaimInput(100, "emission_limits", PM, claimed),)}
    )
    inputs = filing(
        (the_case,), (the_visit,), emission_hours={"a34013": tuple(hours(text, "a34013"))}
    )
    return {"inputs": inputs, "result": compute(inputs)}


HOURS_30_DAYS_AND_VISIT = 30 * 24 + 4 * 24


def test_the_data_contradict_the_inspectors_reading_and_hold_the_case_at_the_grade_they_meet() -> (
    None
):
    values = [8.0] * HOURS_30_DAYS_AND_VISIT
    values[100] = 18.0  # one hour above A's 10 mg/m³, within B's 20 (foundry form, illustrative)
    out = _pm_filing(values)
    [indicator] = out["result"]["cases"][0]["indicators"]  # type: ignore[index]

    assert indicator["verdict"] == "contradicted"
    assert indicator["meets"] == "B"
    assert indicator["reasons"][0]["code"] == "emission.above_limit"
    emission = indicator["emission"]
    assert (emission["pollutant"], emission["limit"], emission["verdict"]) == (
        "a34013",
        10.0,
        "contradicted",
    )
    assert (emission["before"]["hours_above"], emission["before"]["maximum"]) == (1, 18.0)
    assert emission["visit"]["valid_hours"] == 96
    assert out["result"]["cases"][0]["grade"] == "B"  # type: ignore[index]


def test_clean_data_verify_the_claim() -> None:
    out = _pm_filing([8.0] * HOURS_30_DAYS_AND_VISIT)
    [indicator] = out["result"]["cases"][0]["indicators"]  # type: ignore[index]

    assert indicator["verdict"] == "verified"
    assert indicator["emission"]["before"]["valid_hours"] == 720
    [(_, claim, _, checked)] = emission_checks(out["inputs"])  # type: ignore[arg-type]
    assert claim.claim_id == 100
    assert len(checked.series) == HOURS_30_DAYS_AND_VISIT  # the chart's hours, same numbers
    assert checked.verdict == "verified"


def test_no_cems_data_leave_the_inspectors_items_to_decide() -> None:
    out = _pm_filing([])
    [indicator] = out["result"]["cases"][0]["indicators"]  # type: ignore[index]

    assert indicator["emission"]["verdict"] == "unverifiable"
    assert indicator["reasons"][0]["code"] == "emission.no_data"
    assert indicator["verdict"] == "verified"  # the inspectors' reading, photos aside, as before
