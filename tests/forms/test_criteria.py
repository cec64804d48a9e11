"""Criteria are machine-readable: reconciliation evaluates them, reviewers read their labels."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection_forms import DEFINITIONS_DIR, Criterion, Text, evaluate, load_catalogue
from tests.forms.documents import GUIDE_SCALES, SCALES, common_document, plant_context

LABEL = Text("标签", "label")
VISIT = dt.date(2024, 7, 16)


def _c(op: str, **args: object) -> Criterion:
    return Criterion(op=op, grades=("A",), label=LABEL, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("criterion", "answer", "expected"),
    [
        (_c("equals", value=True), True, True),
        (_c("equals", value=True), False, False),
        (_c("one_of", values=("induction", "gas")), "gas", True),
        (_c("one_of", values=("induction", "gas")), "cupola", False),
        (_c("none_of", values=("cupola",)), "induction", True),
        (_c("none_of", values=("solvent_based",)), ["water_based", "solvent_based"], False),
        (_c("includes_all", values=("a", "b")), ["b", "c", "a"], True),
        (_c("includes_all", values=("a", "b")), ["a"], False),
        (_c("at_least", value=80, unit="%"), 82.5, True),
        (_c("at_least", value=80, unit="%"), 79, False),
        (_c("at_most", value=10, unit="mg/m3"), {"value": 8.2, "unit": "mg/m3"}, True),
        (_c("at_most", value=10, unit="mg/m3"), {"value": 12, "unit": "mg/m3"}, False),
        (_c("at_least", setting="gate_video_retention_months", unit="month"), 7, True),
        (_c("at_least", setting="unset_setting", unit="month"), 7, None),
        (_c("within_months", months=12), "2023-07-16", True),
        (_c("within_months", months=12), "2023-07-15", False),
        (_c("within_months", months=3), "2024-04-16T08:00:00+08:00", True),
        (_c("all_photos_inside_site"), ["photo:a"], None),
        (_c("attested"), {"attested": True, "by": "x", "at": "2024-07-16T10:00:00Z"}, True),
        (_c("attested"), {"attested": False}, False),
    ],
)
def test_evaluate(criterion: Criterion, answer: object, expected: bool | None) -> None:
    settings = {"gate_video_retention_months": 6}
    assert evaluate(criterion, answer, visit_date=VISIT, settings=settings) is expected


def test_within_months_needs_the_visit_date() -> None:
    assert evaluate(_c("within_months", months=12), "2024-01-01") is None


def test_labels_are_generated_in_both_languages_when_not_given() -> None:
    catalogue = load_catalogue(DEFINITIONS_DIR, SCALES, GUIDE_SCALES)
    foundry = catalogue.get("foundry", 1)
    energy = foundry.items["melting_energy"]
    grade_a = energy.criterion_for("A")
    assert grade_a is not None
    assert grade_a.label == Text("为以下之一：电、天然气", "one of: electricity, natural gas")
    assert energy.criterion_for("D") is None
    common = catalogue.get("common", 1)
    video = common.items["gate_video_months"].criterion_for("B")
    assert video is not None
    assert video.label == Text(
        "不低于设定值 gate_video_retention_months month",
        ">= setting gate_video_retention_months month",
    )
    calibration = common.all_items["cems_last_calibration"].criterion_for("leading")
    assert calibration is not None and calibration.label.en == "within 12 months"


def test_the_realistic_inspection_meets_every_grade_a_criterion() -> None:
    common = load_catalogue(DEFINITIONS_DIR, SCALES, GUIDE_SCALES).get("common", 1)
    context = plant_context()
    answers = common_document(context)["answers"]
    settings = {"gate_video_retention_months": 6}
    results = {}
    for item_id, value in answers.items():
        item = common.items[item_id]
        entries = value.values() if item.kind == "repeat" else [{item_id: value}]
        index = item.item_index if item.kind == "repeat" else {item_id: item}
        for entry in entries:
            for inner_id, inner_value in entry.items():
                criterion = index[inner_id].criterion_for("A")
                if criterion is not None:
                    results[inner_id] = evaluate(
                        criterion, inner_value, visit_date=VISIT, settings=settings
                    )
    assert results["gate_video_months"] is True
    assert results["share_china_vi_or_new_energy"] is True
    assert results["cems_last_calibration"] is True
    assert results["fugitive_photos"] is None  # the photo evidence checks decide
    assert {value for value in results.values()} == {True, None}
