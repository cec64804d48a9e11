"""Worked cases of the grading rules (RULES.md 1, 2, 6, 7, 16): the grade and its explanation."""

from __future__ import annotations

import pytest

from server.reconciliation.grading import (
    IndustryGrade,
    apply_exclusions,
    grade_case,
    overall_grade,
)
from server.reconciliation.indicators import IndicatorVerdict

ABCD = ("A", "B", "C", "D")
ABBCD = ("A", "B", "B-", "C", "D")
LEADING = ("leading", "non_leading")


def make_verdict(code: str, verdict: str, *, disagreement: bool = False) -> IndicatorVerdict:
    return IndicatorVerdict(indicator_code=code, verdict=verdict, disagreement=disagreement)


def codes(steps: tuple) -> list[str]:
    return [step.code for step in steps]


# -- weakest link (rule 1) -------------------------------------------------------------------


def test_one_failed_indicator_grades_an_a_claim_down() -> None:
    verdicts = [
        make_verdict("energy_type.melting_energy", "verified"),
        make_verdict("emission_limits.particulate_matter", "contradicted"),
        make_verdict("fugitive_emissions.no_visible_dust", "verified"),
    ]
    case = grade_case(ABCD, "A", verdicts, {"emission_limits.particulate_matter": "B"})
    assert case.grade == "B"
    assert case.confirmed is True
    assert case.decided_by == ("emission_limits.particulate_matter",)
    assert codes(case.explanation) == [
        "grade.claimed",
        "indicator.verified",
        "indicator.contradicted",
        "indicator.verified",
        "grade.weakest_link",
    ]
    last = case.explanation[-1]
    assert last.data == {
        "grade": "B",
        "claimed": "A",
        "decided_by": ["emission_limits.particulate_matter"],
    }
    assert "emission_limits.particulate_matter" in last.message_en


def test_the_weakest_indicator_decides_among_several_failures() -> None:
    verdicts = [make_verdict("x.one", "contradicted"), make_verdict("x.two", "contradicted")]
    case = grade_case(ABCD, "A", verdicts, {"x.one": "B", "x.two": "C"})
    assert case.grade == "C"
    assert case.decided_by == ("x.two",)


def test_a_failure_without_a_known_grade_falls_to_the_lowest() -> None:
    case = grade_case(ABCD, "A", [make_verdict("x.one", "contradicted")])
    assert case.grade == "D"
    assert case.explanation[1].data["meets_given"] is False


def test_unverifiable_indicators_do_not_grade_down_but_block_confirmation() -> None:
    verdicts = [
        make_verdict("x.one", "verified"),
        make_verdict("x.two", "unverifiable", disagreement=True),
    ]
    case = grade_case(ABCD, "A", verdicts)
    assert case.grade == "A"
    assert case.confirmed is False
    assert codes(case.explanation) == [
        "grade.claimed",
        "indicator.verified",
        "indicator.unverifiable",
        "grade.confirmation_blocked",
    ]
    assert case.explanation[-1].data["unverifiable"] == ["x.two"]


def test_every_indicator_verified_confirms_the_claim() -> None:
    case = grade_case(LEADING, "leading", [make_verdict("x.one", "verified")])
    assert (case.grade, case.confirmed) == ("leading", True)
    assert codes(case.explanation)[-1] == "grade.confirmed"


def test_a_grade_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="not in the scale"):
        grade_case(ABCD, "B-", [])


# -- several industries (rule 2) ---------------------------------------------------------------

FOUNDRY_A = IndustryGrade("foundry", ABCD, "A", main=True)
COATING_B = IndustryGrade("industrial_coating", ABCD, "B")
CERAMICS_BMINUS = IndustryGrade("ceramics", ABBCD, "B-")


@pytest.mark.parametrize(
    ("policy", "grade", "code"),
    [
        ("lowest", "B", "overall.lowest"),
        ("main_industry", None, "overall.no_grade"),
        ("cross_level", "B", "overall.cross_level"),
    ],
)
def test_a_multi_industry_plant_under_each_policy(
    policy: str, grade: str | None, code: str
) -> None:
    result = overall_grade([FOUNDRY_A, COATING_B], policy)
    assert result.grade == grade
    assert codes(result.explanation) == [code]


def test_henan_main_industry_grade_when_the_others_reach_it() -> None:
    result = overall_grade(
        [IndustryGrade("foundry", ABCD, "B", main=True), COATING_B], "main_industry"
    )
    assert result.grade == "B"
    assert codes(result.explanation) == ["overall.main_industry"]


def test_henan_no_grade_names_the_industry_below_the_main_one() -> None:
    result = overall_grade([FOUNDRY_A, COATING_B], "main_industry")
    assert result.explanation[0].data["below_main"] == ["industrial_coating"]


def test_cross_level_is_expressed_on_the_main_industrys_scale() -> None:
    cases = [FOUNDRY_A, CERAMICS_BMINUS]
    assert overall_grade(cases, "lowest").grade == "B-"
    # foundry has no B-: the cross level is the best foundry grade not better than B-
    assert overall_grade(cases, "cross_level").grade == "C"


def test_policies_needing_a_main_industry_refuse_without_one() -> None:
    with pytest.raises(ValueError, match="exactly one main industry"):
        overall_grade([COATING_B], "cross_level")
    with pytest.raises(ValueError, match="unknown policy"):
        overall_grade([COATING_B], "average")


# -- exclusions (rules 6, 7, 16) --------------------------------------------------------------


def test_a_penalty_within_a_year_excludes_b() -> None:
    result = apply_exclusions("B", ABBCD, penalties_within_year=["exceeded_permit_limits"])
    assert result.grade == "C"
    assert codes(result.steps) == ["exclusion.penalty_within_year"]
    assert result.steps[0].data == {
        "penalties": ["exceeded_permit_limits"],
        "from": "B",
        "to": "C",
        "period": "rolling_365",
        "source": "S0 §五(二)",
    }
    assert result.consequences == ()


def test_a_penalty_bars_leading() -> None:
    result = apply_exclusions("leading", LEADING, penalties_within_year=["monitoring_not_running"])
    assert result.grade == "non_leading"


def test_a_penalty_of_another_kind_bars_nothing() -> None:
    result = apply_exclusions("A", ABCD, penalties_within_year=["noise"])
    assert result.grade == "A"
    assert codes(result.steps) == ["exclusion.penalty_not_barring"]


def test_downgrade_within_a_year_bars_only_where_the_jurisdiction_says_so() -> None:
    assert apply_exclusions("A", ABCD, downgraded_within_year=True).grade == "A"
    henan = apply_exclusions(
        "A", ABCD, downgraded_within_year=True, jurisdiction_bars_downgraded=True
    )
    assert henan.grade == "C"
    assert codes(henan.steps) == ["exclusion.downgraded_within_year"]


def test_falsification_gives_the_lowest_grade_and_its_consequences() -> None:
    result = apply_exclusions("A", ABCD, falsification=True)
    assert result.grade == "D"
    assert codes(result.steps) == ["exclusion.falsification"]
    assert result.consequences == ("integrity_record", "no_filing_for_one_year")


def test_an_essential_service_plant_at_c_loses_the_exemption() -> None:
    result = apply_exclusions("C", ABCD, essential_service=True)
    assert result.grade == "C"
    assert codes(result.steps) == ["exclusion.essential_service_exemption_lost"]
    assert result.consequences == ("essential_service_exemption_lost",)
    assert apply_exclusions("B", ABCD, essential_service=True).consequences == ()


def test_a_penalty_pushes_an_essential_service_plant_out_of_the_exemption() -> None:
    result = apply_exclusions(
        "B", ABCD, penalties_within_year=["built_before_approval"], essential_service=True
    )
    assert result.grade == "C"
    assert codes(result.steps) == [
        "exclusion.penalty_within_year",
        "exclusion.essential_service_exemption_lost",
    ]
    assert result.consequences == ("essential_service_exemption_lost",)


def test_barring_penalties_are_penalty_kinds_the_registry_records():
    from server.compliance.models import PenaltyKind
    from server.reconciliation.grading import BARRING_PENALTIES

    assert {
        PenaltyKind.built_before_approval.value,
        PenaltyKind.exceeded_permit_limits.value,
        PenaltyKind.monitoring_not_running.value,
    } == BARRING_PENALTIES
