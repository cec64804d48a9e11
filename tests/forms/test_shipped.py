"""The definitions shipped in the package load, are bilingual, and accept a realistic inspection."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inspection_forms import (
    DEFINITIONS_DIR,
    INDICATOR_CATEGORIES,
    FormCatalogue,
    check_definitions,
    load_catalogue,
    validate,
)
from server.inspections.forms import guide_scales, industry_scales
from tests.forms.documents import common_document, count_answers, plant_context

DOCS = Path(__file__).resolve().parents[2] / "docs" / "forms.md"
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


NEW_FORMS = (
    "cement",
    "brick_tile_kiln",
    "lime_kiln",
    "coking",
    "ceramics",
    "wood_panels",
    "furniture",
    "plastic_products",
    "machining",
)


@pytest.fixture(scope="module")
def catalogue() -> FormCatalogue:
    return load_catalogue(DEFINITIONS_DIR, industry_scales(), guide_scales())


def test_every_shipped_definition_passes_the_check() -> None:
    assert check_definitions(DEFINITIONS_DIR, industry_scales(), guide_scales()) == []


def test_the_published_forms(catalogue: FormCatalogue) -> None:
    assert sorted((f.id, f.version, f.status) for f in catalogue) == sorted(
        [
            ("common", 1, "published"),
            ("foundry", 1, "published"),
            ("industrial_coating", 1, "published"),
            ("packaging_printing", 1, "published"),
            ("cement", 2, "published"),
            *((form_id, 1, "published") for form_id in NEW_FORMS),
        ]
    )
    lock = json.loads((DEFINITIONS_DIR / "published.json").read_text(encoding="utf-8"))
    recorded: dict[str, dict[str, str]] = {}
    for form in catalogue:
        recorded.setdefault(form.id, {})[str(form.version)] = form.sha256
    assert recorded == lock


def _texts(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    if isinstance(node, dict):
        if set(node) == {"zh", "en"}:
            yield path, node
            return
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _texts(value, f"{path}[{n}]")


def test_every_label_has_both_languages(catalogue: FormCatalogue) -> None:
    for form in catalogue:
        texts = list(_texts(form.to_dict()))
        assert len(texts) > 30  # the smallest industry form (machining) has 45
        for path, text in texts:
            assert CJK.search(text["zh"]), f"{form.ref}{path}: no Chinese"
            # English may quote the Chinese term, as in "equipment label (明示牌)"
            english = text["en"].strip()
            assert english and (LATIN_WORD.search(english) or not CJK.search(english)), (
                f"{form.ref}{path}: no English"
            )


def test_every_item_names_an_indicator_and_the_docs_list_it(catalogue: FormCatalogue) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for form in catalogue:
        for item in form.all_items.values():
            if item.kind == "repeat":
                continue
            assert item.indicator is not None
            assert item.indicator.split(".")[0] in (*INDICATOR_CATEGORIES, "visit")
            assert f"`{item.indicator}`" in docs, f"{item.indicator} is not listed in docs/forms.md"


def test_industry_forms_cover_their_grades_and_cite_or_flag_every_value(
    catalogue: FormCatalogue,
) -> None:
    scales = guide_scales()
    for form in catalogue:
        for item in form.all_items.values():
            for criterion in item.criteria:
                assert criterion.source or criterion.illustrative
                if form.id == "common":
                    continue
                for guide in form.served_guides:  # each served guide's scale (issue 17)
                    for industry in form.industries:
                        assert set(criterion.grades) <= set(scales[guide][industry]), form.ref


def test_each_new_industry_form_sets_grade_specific_criteria_with_readings(
    catalogue: FormCatalogue,
) -> None:
    for form_id in NEW_FORMS:
        form = catalogue.latest(form_id)
        best = catalogue.latest(form_id).industries[0]
        scale = guide_scales()[form.served_guides[0]][best]
        items = list(form.all_items.values())
        graded = {g for item in items for c in item.criteria for g in c.grades}
        assert scale[0] in graded, form.ref  # the best grade has its own criteria
        if len(scale) > 2:
            assert scale[1] in graded, form.ref
        assert any(i.kind == "meter" and i.photo_required for i in items), form.ref
        assert all(c.illustrative for i in items for c in i.criteria), form.ref


def test_mee26_has_its_own_scale_and_criteria(catalogue: FormCatalogue) -> None:
    v2 = catalogue.get("cement", 2)
    assert v2.served_guides == ("MEE26",)
    assert v2.items["cem_pm"].criterion_for("A+").value == 5
    assert catalogue.get("cement", 1).items["cem_pm"].criterion_for("A+") is None
    assert [f.ref for f in catalogue.applicable("cement", "A+", "MEE26")] == [
        "common v1",
        "cement v2",
    ]
    assert [f.ref for f in catalogue.applicable("cement", "A", "MEE2020")] == [
        "common v1",
        "cement v1",
    ]


def test_forms_that_apply(catalogue: FormCatalogue) -> None:
    assert [f.ref for f in catalogue.applicable("foundry", "A")] == ["common v1", "foundry v1"]
    assert [f.ref for f in catalogue.applicable("glass", "B")] == ["common v1"]
    claims = {"industrial_coating": "B", "foundry": "A"}
    assert [f.ref for f in catalogue.applicable_to_filing(claims)] == [
        "common v1",
        "industrial_coating v1",
        "foundry v1",
    ]
    assert [f.id for f in catalogue.forms(industry="packaging_printing")] == [
        "common",
        "packaging_printing",
    ]


def test_a_realistic_inspection_has_no_problems(catalogue: FormCatalogue) -> None:
    context = plant_context(lines=6, gates=4, cems_points=3)
    document = json.loads(json.dumps(common_document(context)))
    assert count_answers(document["answers"]) == (145, 40)
    assert validate(catalogue.get("common", 1), document, context) == []
    assert catalogue.validate(document, context) == []


def test_a_visit_without_normal_production_is_closed_without_the_rest(
    catalogue: FormCatalogue,
) -> None:
    context = plant_context()
    answers = {
        "visit_started_at": "2024-07-16T09:05:00+08:00",
        "production_normal": False,
        "production_abnormal_reason": "2 号线检修，1 号线停产待料",
        "plant_representative": "王伟",
        "visit_ended_at": "2024-07-16T09:40:00+08:00",
        "inspector_attestation": {
            "attested": True,
            "by": "inspector:0042",
            "at": "2024-07-16T09:39:00+08:00",
        },
    }
    document = {"form_id": "common", "form_version": 1, "answers": answers}
    assert validate(catalogue.get("common", 1), document, context) == []

    answers["no_odour_yard"] = True
    assert [(p.path, p.code) for p in validate(catalogue.get("common", 1), document, context)] == [
        ("answers.no_odour_yard", "answer.hidden")
    ]


def test_the_json_form_is_what_tablets_receive(catalogue: FormCatalogue) -> None:
    form = catalogue.get("foundry", 1)
    data = json.loads(json.dumps(form.to_dict(), ensure_ascii=False))
    assert data["id"] == "foundry" and data["version"] == 1 and data["sha256"] == form.sha256
    so2 = data["sections"][3]["items"][3]
    assert so2["id"] == "so2_concentration"
    assert so2["show_if"] == {"item": "melting_energy", "equals": "coke"}
    assert so2["criteria"][0] == {
        "grades": ["A"],
        "op": "at_most",
        "value": 35,
        "unit": "mg/m3",
        "label": {"zh": "不高于 35 mg/m3", "en": "<= 35 mg/m3"},
        "illustrative": True,
    }


def test_each_new_form_accepts_a_full_inspection_and_a_high_reading_contradicts(
    catalogue: FormCatalogue,
) -> None:
    from inspection_forms import PlantContext, evaluate
    from tests.claims.filler import filled

    context = PlantContext(lines=("L01", "L02"), gates=("G01",), cems_points=("MN01",))
    scales = guide_scales()
    for form_id in NEW_FORMS:
        for form in (catalogue.get(form_id, v) for v in catalogue.versions(form_id)):
            best = scales[form.served_guides[0]][form.industries[0]][0]
            document = filled(form, best, context)
            assert validate(form, document, context) == [], form.ref
            for item in form.all_items.values():
                criterion = item.criterion_for(best)
                if item.kind != "meter" or criterion is None:
                    continue
                high = {"value": criterion.value + 1, "unit": item.unit, "photo": "photo:x"}
                assert evaluate(criterion, high) is False, (form.ref, item.id)
