"""Worked cases of the rules, through the whole computation: each asserts the exact grade the
evidence supports and the explanation that gives it (RULES.md rules 1, 2, 5, 6, 7, 16)."""

from __future__ import annotations

import datetime as dt

import pytest

from server.reconciliation.compute import compute
from server.reconciliation.indicators import PhotoFinding
from server.reconciliation.loading import PhotoEvidence
from tests.reconciliation.worked import case, codes, filing, visit

ELECTRIC = {"melting_energy": "electricity"}  # meets grade A (illustrative foundry table)
COKE = {"melting_energy": "coke"}  # meets B, not A


def test_one_failed_indicator_grades_an_a_claim_down_to_b() -> None:
    result = compute(filing((case(grade="A"),), (visit({11: COKE, 12: COKE}),)))

    assert result["supported_grade"] == "B"
    assert result["confirmed"] is True  # the evidence decides B: the answers meet B's criteria
    [foundry] = result["cases"]
    assert codes(foundry["explanation"]) == [
        "grade.claimed",
        "indicator.contradicted",
        "grade.weakest_link",
    ]
    contradicted = foundry["explanation"][1]["data"]
    assert contradicted["claimed"] == "A"
    assert contradicted["meets"] == "B"
    assert contradicted["failed_items"] == ["melting_energy", "melting_energy"]
    assert foundry["decided_by"] == ["energy_type.melting_energy"]
    [indicator] = foundry["indicators"]
    assert indicator["verdict"] == "contradicted"
    assert indicator["meets"] == "B"
    assert [(d["member"], d["answer"], d["passed"]) for d in indicator["decided_by"]] == [
        ("inspector:11", "coke", False),
        ("inspector:12", "coke", False),
    ]
    assert codes(result["explanation"]) == ["visit.used", "result.supported_grade"]
    assert result["explanation"][-1]["message_en"] == "Grade the evidence supports: B"


def test_every_indicator_verified_confirms_the_claim() -> None:
    result = compute(filing((case(grade="A"),), (visit({11: ELECTRIC, 12: ELECTRIC}),)))

    assert (result["supported_grade"], result["confirmed"]) == ("A", True)
    assert codes(result["cases"][0]["explanation"]) == [
        "grade.claimed",
        "indicator.verified",
        "grade.confirmed",
    ]
    assert result["visits"][0]["production"]["status"] == "normal"


def test_team_members_disagreeing_ask_a_reviewer() -> None:
    result = compute(filing((case(grade="A"),), (visit({11: ELECTRIC, 12: COKE}),)))

    [indicator] = result["cases"][0]["indicators"]
    assert indicator["verdict"] == "unverifiable"
    assert indicator["disagreement"] is True
    assert codes(indicator["reasons"]) == ["indicator.team_disagreement"]
    assert indicator["reasons"][0]["data"]["outcomes"] == {
        "inspector:11": "verified",
        "inspector:12": "contradicted",
    }
    assert result["reviewer_required"] is True
    assert (result["supported_grade"], result["confirmed"]) == ("A", False)


def test_a_photo_outside_the_site_does_not_count_as_evidence() -> None:
    answers = {
        "no_dust_floors": True,
        "no_dust_walls": True,
        "no_dust_equipment": True,
        "fugitive_photos": ["photo:inside", "photo:outside"],
    }
    evidence = PhotoEvidence(
        {"photo:inside": [], "photo:outside": [PhotoFinding("geo.outside_boundary")]}
    )
    result = compute(
        filing(
            (case(grade="A", claims=("fugitive_emissions.no_visible_dust",)),),
            (visit({11: answers}),),
            photo_findings=evidence,
        )
    )
    [indicator] = result["cases"][0]["indicators"]
    assert indicator["photos_used"] == ["photo:inside"]
    assert indicator["photos_discarded"] == [
        {"ref": "photo:outside", "reasons": ["geo.outside_boundary"]}
    ]
    # two photos are required; one is left as evidence, so the photo item cannot decide
    assert indicator["verdict"] == "unverifiable"


def test_a_photo_the_server_never_received_is_no_evidence() -> None:
    answers = {"fugitive_photos": ["photo:never-sent", "photo:never-sent-2"]}
    result = compute(
        filing(
            (case(grade="A", claims=("fugitive_emissions.no_visible_dust",)),),
            (visit({11: answers}),),
            photo_findings=PhotoEvidence(),
        )
    )
    [indicator] = result["cases"][0]["indicators"]
    assert indicator["photos_discarded"] == [
        {"ref": "photo:never-sent", "reasons": ["photo.missing"]},
        {"ref": "photo:never-sent-2", "reasons": ["photo.missing"]},
    ]
    assert codes(indicator["reasons"]) == ["indicator.photos_discarded"]


# --- several industries (rule 2) ---------------------------------------------------------------

# Coating claimed A with activated carbon alone: grade A wants RTO/RCO/adsorption-combustion,
# grade B only some treatment, so the coating case is graded B.
COATING_B = {"voc_treatment": "activated_carbon"}


def _two_industries(policy: str) -> dict:
    cases = (
        case("foundry", "A", main=True, case_id=1),
        case(
            "industrial_coating",
            "A",
            ("treatment_technology.voc_treatment",),
            main=False,
            case_id=2,
        ),
    )
    team = {11: {**ELECTRIC, **COATING_B}, 12: {**ELECTRIC, **COATING_B}}
    forms = ("common", "foundry", "industrial_coating")
    return compute(filing(cases, (visit(team, forms=forms),), policy=policy))


def test_each_industry_alone_gives_the_lowest_grade() -> None:
    result = _two_industries("each_industry")
    assert [(c["industry"], c["grade"]) for c in result["cases"]] == [
        ("foundry", "A"),
        ("industrial_coating", "B"),
    ]
    assert result["supported_grade"] == "B"
    [overall] = [s for s in result["explanation"] if s["code"].startswith("overall.")]
    assert overall["code"] == "overall.lowest"
    assert overall["data"] == {
        "grades": {"foundry": "A", "industrial_coating": "B"},
        "lowest": "industrial_coating",
    }


def test_main_industry_policy_gives_no_grade_when_another_is_below_it() -> None:
    result = _two_industries("main_industry")
    assert result["supported_grade"] is None
    assert result["confirmed"] is False
    assert codes(result["explanation"]) == [
        "visit.used",
        "overall.no_grade",
        "obligations.lowest_grade",
        "result.supported_grade",
    ]
    assert result["explanation"][1]["data"]["below_main"] == ["industrial_coating"]
    # a plant without a grade is managed at the lowest grade (rule 8)
    assert result["emergency_list_entry"]["grade"] == "D"


def test_cross_level_policy_takes_the_level_both_reach() -> None:
    result = _two_industries("cross_level")
    assert result["supported_grade"] == "B"
    [overall] = [s for s in result["explanation"] if s["code"].startswith("overall.")]
    assert overall["code"] == "overall.cross_level"
    assert overall["data"]["main"] == "foundry"


# --- exclusions (rules 6, 7, 16) ---------------------------------------------------------------


def test_a_penalty_within_a_year_excludes_b() -> None:
    result = compute(
        filing(
            (case(grade="B"),),
            (visit({11: COKE, 12: COKE}),),
            penalties=(("exceeded_permit_limits", dt.date(2026, 3, 1)),),
        )
    )
    assert result["cases"][0]["grade"] == "B"  # the indicators hold B
    assert result["supported_grade"] == "C"
    [excluded] = [s for s in result["explanation"] if s["code"].startswith("exclusion.")]
    assert excluded["code"] == "exclusion.penalty_within_year"
    assert excluded["data"] == {
        "penalties": ["exceeded_permit_limits"],
        "from": "B",
        "to": "C",
        "period": "rolling_365",
        "source": "S0 §五(二)",
    }


def test_a_penalty_older_than_a_year_does_not_count() -> None:
    result = compute(
        filing(
            (case(grade="B"),),
            (visit({11: COKE}),),
            penalties=(("exceeded_permit_limits", dt.date(2025, 6, 1)),),
        )
    )
    assert result["supported_grade"] == "B"
    assert not [s for s in result["explanation"] if s["code"].startswith("exclusion.")]


def test_a_downgrade_within_a_year_bars_a_only_where_the_jurisdiction_says_so() -> None:
    args = dict(downgraded_within_year=True)
    henan = compute(
        filing((case(grade="A"),), (visit({11: ELECTRIC}),), bars_downgraded=True, **args)
    )
    elsewhere = compute(filing((case(grade="A"),), (visit({11: ELECTRIC}),), **args))
    assert henan["supported_grade"] == "C"  # A and B are both barred (S2 §二)
    assert "exclusion.downgraded_within_year" in codes(henan["explanation"])
    assert elsewhere["supported_grade"] == "A"


def test_falsification_gives_the_lowest_grade_an_integrity_record_and_a_year_without_filing() -> (
    None
):
    result = compute(
        filing(
            (case(grade="A"),),
            (visit({11: ELECTRIC, 12: ELECTRIC}),),
            integrity_records=((dt.date(2026, 9, 3), "门禁车辆数据被篡改"),),
        )
    )
    assert result["supported_grade"] == "D"
    assert result["consequences"] == ["integrity_record", "no_filing_for_one_year"]
    [falsified] = [s for s in result["explanation"] if s["code"] == "exclusion.falsification"]
    assert falsified["data"] == {
        "from": "A",
        "to": "D",
        "integrity_records": ["门禁车辆数据被篡改"],
    }


def test_an_essential_service_plant_below_b_loses_its_exemption() -> None:
    result = compute(
        filing(
            (case(grade="B", claims=("energy_type.melting_energy",)),),
            (visit({11: {"melting_energy": "other"}}),),
            essential_service=True,
        )
    )
    assert result["supported_grade"] == "C"
    assert result["consequences"] == ["essential_service_exemption_lost"]


# --- normal production (rule 5) ----------------------------------------------------------------


def test_production_not_normal_voids_the_visit_and_asks_for_a_new_one() -> None:
    stopped = visit({11: ELECTRIC, 12: ELECTRIC}, flow=1_200.0)  # 12 % of the typical flow
    result = compute(filing((case(grade="A"),), (stopped,)))

    [shown] = result["visits"]
    assert shown["void"] is True
    assert shown["production"]["status"] == "not_normal"
    assert "production.low_flow" in codes(shown["production"]["reasons"])
    assert result["needs_new_visit"] is True
    assert result["confirmed"] is False
    assert codes(result["explanation"])[0] == "visit.void"
    # the void visit's answers count for nothing: the claim is unverified, not verified
    [indicator] = result["cases"][0]["indicators"]
    assert (indicator["verdict"], codes(indicator["reasons"])) == (
        "unverifiable",
        ["indicator.not_answered"],
    )


def test_the_inspectors_word_that_production_was_not_normal_voids_the_visit() -> None:
    team = {11: {**ELECTRIC, "production_normal": False}, 12: ELECTRIC}
    result = compute(filing((case(grade="A"),), (visit(team),)))
    assert result["visits"][0]["void"] is True
    assert "production.attested_not_normal" in codes(result["visits"][0]["production"]["reasons"])


def test_a_new_visit_after_a_void_one_is_graded() -> None:
    later = dt.datetime(2026, 9, 8, tzinfo=dt.UTC)
    void = visit({11: COKE}, flow=900.0, assignment_id=1)
    again = visit(
        {11: ELECTRIC, 12: ELECTRIC}, assignment_id=2, start=later, end=later + dt.timedelta(days=2)
    )
    result = compute(filing((case(grade="A"),), (void, again)))
    assert result["needs_new_visit"] is False
    assert (result["supported_grade"], result["confirmed"]) == ("A", True)
    assert result["explanation"][0]["data"]["assignment_id"] == 2


def test_a_visit_window_without_data_is_unknown_and_blocks_confirmation() -> None:
    quiet = visit({11: ELECTRIC, 12: ELECTRIC})
    quiet = type(quiet)(**{**quiet.__dict__, "cems": ()})
    result = compute(filing((case(grade="A"),), (quiet,)))
    assert result["visits"][0]["production"]["status"] == "unknown"
    assert result["visits"][0]["void"] is False
    assert "production.no_data" in codes(result["visits"][0]["production"]["reasons"])
    assert (result["supported_grade"], result["confirmed"]) == ("A", False)
    assert "visit.production_unknown" in codes(result["explanation"])


def test_no_visit_leaves_every_claim_unverifiable() -> None:
    result = compute(filing((case(grade="B"),), ()))
    assert codes(result["explanation"])[0] == "visit.none"
    assert (result["supported_grade"], result["confirmed"]) == ("B", False)


# --- emergency obligations ---------------------------------------------------------------------


@pytest.mark.parametrize(("industry", "grade"), [("cement", "B"), ("cement", "D")])
def test_the_grade_gives_the_plants_measures_for_each_alert(industry: str, grade: str) -> None:
    result = compute(filing((case(industry, grade, claims=()),), ()))
    entry = result["emergency_list_entry"]
    assert entry["grade"] == grade and entry["industry"] == industry
    assert set(entry["measures"]) == {"yellow", "orange", "red"}
    assert result["obligations"]["red"]["basis"] == "cited"  # RULES.md's cement table
