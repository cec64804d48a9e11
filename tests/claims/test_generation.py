"""Items generated from claims, per category: pure (issue 17)."""

from __future__ import annotations

import pytest

from inspection_forms import PlantContext, evaluate, validate
from inspection_forms.claims import (
    CATEGORIES,
    ClaimSpec,
    NoGenerator,
    build_checklist,
    checklist_definition,
    parse_claimed,
    pollutant_of,
)
from inspection_forms.vocabulary import INDICATOR_CATEGORIES
from tests.claims.filler import filled

CONTEXT = PlantContext(lines=("L01",), gates=("G01",), cems_points=("MN01",))


def spec(category: str, name: str, value: str | None, n: int = 1, **kw) -> ClaimSpec:
    return ClaimSpec(
        claim_id=n,
        industry=kw.pop("industry", "cement"),
        guide_version=kw.pop("guide_version", "MEE2020"),
        grade=kw.pop("grade", "A"),
        category=category,
        indicator=f"{category}.{name}",
        claimed_value=value,
        **kw,
    )


def test_every_category_has_a_generator():
    assert set(CATEGORIES) == set(INDICATOR_CATEGORIES)


@pytest.mark.parametrize(
    ("category", "value", "kind", "op", "expected"),
    [
        ("energy_type", "天然气或电", "single_choice", "one_of", ("natural_gas", "electricity")),
        ("equipment_level", "是", "yes_no", "equals", True),
        ("treatment_technology", None, "yes_no", "equals", True),
        ("emission_limits", "≤35 mg/m³", "meter", "at_most", 35),
        ("emission_limits", "10", "meter", "at_most", 10),
        ("fugitive_emissions", "否", "yes_no", "equals", False),
        ("monitoring_level", "≥12 个月", "number", "at_least", 12),
        (
            "environmental_management",
            "台账保存完整规范",
            "single_choice",
            "one_of",
            ("as_claimed",),
        ),
        ("transport_mode", "≥80%", "number", "at_least", 80),
        ("transport_mode", "铁路运输", "single_choice", "one_of", ("rail",)),
        ("transport_control", "yes", "yes_no", "equals", True),
    ],
)
def test_the_observed_item_is_typed_to_the_claim(category, value, kind, op, expected):
    form = build_checklist(checklist_definition([spec(category, "x", value, 7)], version=3))
    observed = form.items["claim_7_observed"]
    assert observed.kind == kind and observed.indicator == f"{category}.x"
    criterion = observed.criterion_for("A")
    assert criterion.op == op and criterion.source and not criterion.illustrative
    if op == "one_of":
        assert set(criterion.values) == set(expected)
    else:
        assert criterion.value == expected
    photos = form.items["claim_7_photos"]
    assert photos.kind == "photo" and photos.min_count == CATEGORIES[category].photo_min
    assert photos.criterion_for("A").op == "all_photos_inside_site"
    note = form.items["claim_7_note"]
    assert note.kind == "text" and not note.required and note.criterion_for("A") is None
    # the claim is shown in both languages, never as a code
    assert value is None or value in observed.label.zh


def test_a_number_answer_is_judged_against_the_claimed_value():
    form = build_checklist(
        checklist_definition([spec("transport_mode", "clean", "≥80%")], version=1)
    )
    criterion = form.items["claim_1_observed"].criterion_for("A")
    assert evaluate(criterion, 85) is True
    assert evaluate(criterion, 79.5) is False
    assert form.items["claim_1_observed"].unit == "%"


def test_an_emission_limit_item_carries_pollutant_limit_and_unit():
    cases = {
        "so2_mg_m3": "a21026",
        "nitrogen_oxides": "a21002",
        "particulate_matter": "a34013",
        "nmhc": "a24088",
    }
    specs = [spec("emission_limits", name, "≤20 mg/m3", n) for n, name in enumerate(cases, 1)]
    form = build_checklist(checklist_definition(specs, version=1))
    for n, code in enumerate(cases.values(), 1):
        item = form.items[f"claim_{n}_observed"]
        assert item.claim["pollutant"] == code
        assert (item.claim["limit"], item.claim["unit"]) == (20, "mg/m3")
        assert item.to_dict()["claim"]["pollutant"] == code
        reading = {"value": 25, "unit": "mg/m3", "photo": "photo:a"}
        assert evaluate(item.criterion_for("A"), reading) is False


def test_a_pollutant_named_in_words_or_by_code():
    assert pollutant_of(spec("emission_limits", "kiln", "≤35", statement="二氧化硫")) == "a21026"
    assert pollutant_of(spec("emission_limits", "kiln", "a21002 ≤ 50")) == "a21002"
    assert pollutant_of(spec("emission_limits", "kiln", "≤35")) is None


def test_parse_claimed_units():
    assert parse_claimed("emission_limits", "≤ 10 mg/Nm³").unit == "mg/m3"
    assert parse_claimed("transport_mode", "100%") == parse_claimed("transport_mode", "≥100 %")
    assert parse_claimed("monitoring_level", "6个月").op == "at_least"


def test_generated_items_validate_like_any_item():
    specs = [
        spec(c, "x", v, n)
        for n, (c, v) in enumerate(
            [("energy_type", "电"), ("emission_limits", "≤35 mg/m³"), ("transport_mode", "≥80%")], 1
        )
    ]
    form = build_checklist(checklist_definition(specs, version=9))
    document = filled(form, "A", CONTEXT)
    assert validate(form, document, CONTEXT) == []
    document["answers"]["claim_2_observed"] = {"value": 12, "unit": "mg/m3"}  # no photo
    document["answers"]["claim_1_observed"] = "wood"
    codes = {p.code for p in validate(form, document, CONTEXT)}
    assert {"answer.missing_field", "answer.unknown_option"} <= codes


def test_the_definition_is_deterministic_and_hashed():
    specs = [spec("equipment_level", "x", "是", 1), spec("transport_control", "y", "是", 2)]
    one = build_checklist(checklist_definition(specs, version=4))
    two = build_checklist(checklist_definition(specs, version=4))
    assert one.sha256 == two.sha256 and len(one.sha256) == 64
    changed = [spec("equipment_level", "x", "否", 1), specs[1]]
    assert build_checklist(checklist_definition(changed, version=4)).sha256 != one.sha256


def test_a_category_with_no_generator_is_an_error_naming_the_claim():
    with pytest.raises(NoGenerator, match=r"noise\.boundary \(claim 5\)"):
        checklist_definition(
            [spec("equipment_level", "x", "是", 1), spec("noise", "boundary", "55", 5)], version=1
        )


def test_grades_of_every_scale_are_accepted():
    for grade in ("A+", "B-", "leading", "advanced"):
        form = build_checklist(
            checklist_definition([spec("equipment_level", "x", "是", grade=grade)], version=1)
        )
        assert form.items["claim_1_observed"].criterion_for(grade) is not None


def test_reviewer_pages_name_generated_items_in_words():
    from server.web.labels import item_name

    assert item_name("claims v12", "claim_34_observed") == (
        "现场核实的申报指标",
        "The claimed indicator as found on site",
    )
    assert item_name("claims v12", "claim_34_photos")[0] == "申报指标的现场照片"
    assert item_name("claims v12", "claim_x_photos") == ("claim_x_photos", "claim_x_photos")


def test_reviewer_pages_name_generated_answers_in_words():
    from server.web.labels import answer_text

    assert answer_text("claims v12", "claim_3_observed", "natural_gas") == ("天然气", "natural gas")
    assert answer_text("claims v12", "claim_3_observed", "as_claimed") == (
        "与申报一致",
        "as claimed",
    )
    assert answer_text("claims v12", "claim_3_observed", True) == ("是", "yes")
