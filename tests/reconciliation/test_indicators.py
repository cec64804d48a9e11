"""Reconciling one claimed indicator against the shipped foundry checklist and the team's answers."""

from __future__ import annotations

from typing import Any

import pytest

from inspection_forms import Form
from server.inspections.forms import form_catalogue
from server.reconciliation.indicators import (
    DiscardedPhoto,
    IndicatorClaim,
    PhotoFinding,
    best_grade_met,
    reconcile_indicator,
)

OUTSIDE = [PhotoFinding("geo.outside_boundary")]


@pytest.fixture(scope="module")
def foundry() -> Form:
    # every guide's scales, as the server loads them (the shipped forms serve MEE26 too)
    return form_catalogue().get("foundry", 1)


def make_claim(code: str, grade: str) -> IndicatorClaim:
    category, indicator = code.split(".")
    return IndicatorClaim(category=category, indicator_code=indicator, claimed_grade=grade)


def lines(**entries: dict[str, Any]) -> dict[str, Any]:
    return {"foundry_lines": entries}


def test_an_answer_meeting_the_grade_a_criterion_verifies(foundry: Form) -> None:
    verdict = reconcile_indicator(
        make_claim("energy_type.melting_energy", "A"),
        [foundry],
        {"inspector:1": {"melting_energy": "electricity"}},
        {},
    )
    assert verdict.verdict == "verified"
    assert verdict.indicator_code == "energy_type.melting_energy"
    assert [(d.path, d.answer, d.criterion.op, d.passed) for d in verdict.decided_by] == [
        ("melting_energy", "electricity", "one_of", True)
    ]
    assert [r.code for r in verdict.reasons] == ["indicator.verified"]


def test_an_answer_failing_the_criterion_contradicts(foundry: Form) -> None:
    verdict = reconcile_indicator(
        make_claim("energy_type.melting_energy", "A"),
        [foundry],
        {"inspector:1": {"melting_energy": "coke"}},
        {},
    )
    assert verdict.verdict == "contradicted"
    assert verdict.decided_by[0].passed is False
    assert [r.code for r in verdict.reasons] == ["indicator.contradicted"]


def test_every_line_of_a_repeat_group_must_pass(foundry: Form) -> None:
    answers = lines(L01={"furnace_type": "induction"}, L02={"furnace_type": "cupola"})
    verdict = reconcile_indicator(
        make_claim("equipment_level.melting_furnace", "A"), [foundry], {"i1": answers}, {}
    )
    assert verdict.verdict == "contradicted"
    assert [(d.path, d.passed) for d in verdict.decided_by] == [
        ("foundry_lines.L01.furnace_type", True),
        ("foundry_lines.L02.furnace_type", False),
    ]


def test_a_photo_outside_the_site_is_not_evidence(foundry: Form) -> None:
    answers = lines(L01={"line_equipment_photo": ["photo:far"]})
    verdict = reconcile_indicator(
        make_claim("equipment_level.melting_furnace", "D"),
        [foundry],
        {"i1": answers},
        {"photo:far": OUTSIDE},
    )
    assert verdict.verdict == "unverifiable"
    assert verdict.photos_used == ()
    assert verdict.photos_discarded == (DiscardedPhoto("photo:far", ("geo.outside_boundary",)),)
    assert [r.code for r in verdict.reasons] == ["indicator.photos_discarded"]


def test_only_the_valid_photos_count(foundry: Form) -> None:
    answers = lines(L01={"line_equipment_photo": ["photo:far", "photo:ok"]})
    findings = {"photo:far": OUTSIDE, "photo:ok": [PhotoFinding("exif.no_make", "info")]}
    verdict = reconcile_indicator(
        make_claim("equipment_level.melting_furnace", "D"), [foundry], {"i1": answers}, findings
    )
    assert verdict.verdict == "verified"
    assert verdict.photos_used == ("photo:ok",)
    assert [p.ref for p in verdict.photos_discarded] == ["photo:far"]


def test_team_disagreement_is_unverifiable_and_asks_a_reviewer(foundry: Form) -> None:
    verdict = reconcile_indicator(
        make_claim("energy_type.melting_energy", "A"),
        [foundry],
        {"i1": {"melting_energy": "electricity"}, "i2": {"melting_energy": "coke"}},
        {},
    )
    assert verdict.verdict == "unverifiable"
    assert verdict.disagreement is True
    (reason,) = verdict.reasons
    assert reason.code == "indicator.team_disagreement"
    assert reason.data["reviewer_required"] is True
    assert reason.data["outcomes"] == {"i1": "verified", "i2": "contradicted"}
    assert "reviewer" in reason.message_en and "复核" in reason.message_zh


def test_no_answer_is_unverifiable(foundry: Form) -> None:
    verdict = reconcile_indicator(
        make_claim("energy_type.melting_energy", "A"), [foundry], {"i1": {}}, {}
    )
    assert verdict.verdict == "unverifiable"
    assert verdict.disagreement is False
    assert [r.code for r in verdict.reasons] == ["indicator.not_answered"]


def test_best_grade_met_walks_down_from_the_claim(foundry: Form) -> None:
    team = {"i1": {"melting_energy": "coke"}}
    scale = ("A", "B", "C", "D")
    claim = make_claim("energy_type.melting_energy", "A")
    assert best_grade_met(scale, claim, [foundry], team, {}) == "B"
    worse = {"i1": {"melting_energy": "other"}}
    # no item sets a requirement at C: the indicator meets C
    assert best_grade_met(scale, claim, [foundry], worse, {}) == "C"


def test_from_the_visit_to_the_grade(foundry: Form) -> None:
    from server.reconciliation.grading import grade_case

    team = {"i1": {"melting_energy": "coke", "heat_treatment_energy": "electricity"}}
    scale = ("A", "B", "C", "D")
    claims = [
        make_claim("energy_type.melting_energy", "A"),
        make_claim("energy_type.heat_treatment_energy", "A"),
    ]
    verdicts = [reconcile_indicator(c, [foundry], team, {}) for c in claims]
    met = {
        v.indicator_code: best_grade_met(scale, c, [foundry], team, {})
        for c, v in zip(claims, verdicts, strict=True)
        if v.verdict == "contradicted"
    }
    case = grade_case(scale, "A", verdicts, {k: g for k, g in met.items() if g is not None})
    assert case.grade == "B"
    assert case.decided_by == ("energy_type.melting_energy",)
    assert [s.code for s in case.explanation][-1] == "grade.weakest_link"
