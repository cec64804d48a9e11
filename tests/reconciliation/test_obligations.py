"""Alert obligations per guide version, industry and grade, read from the versioned data."""

from __future__ import annotations

import pytest

from server.reconciliation.obligations import UnknownObligation, jurisdiction_note, obligations


def alert_codes(guide: str, industry: str, grade: str) -> dict[str, str]:
    return {alert: m.code for alert, m in obligations(guide, industry, grade).items()}


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        ("A", ("self_determined", "self_determined", "self_determined")),
        (
            "B",
            ("no_china_iv_or_older_heavy_trucks", "cut_production_20_truck_ban", "stop_truck_ban"),
        ),
        ("C", ("stop_half_lines_truck_ban", "stop_truck_ban", "stop_truck_ban")),
        ("D", ("stop_no_road_transport", "stop_no_road_transport", "stop_no_road_transport")),
    ],
)
def test_the_cement_clinker_table_of_mee2020(grade: str, expected: tuple[str, str, str]) -> None:
    assert alert_codes("MEE2020", "cement", grade) == dict(
        zip(("yellow", "orange", "red"), expected, strict=True)
    )


def test_cement_measures_are_cited_and_bilingual() -> None:
    orange = obligations("MEE2020", "cement", "B")["orange"]
    assert orange.en == "cut production 20% + truck ban"
    assert "20%" in orange.zh
    assert orange.basis == "cited"
    assert "RULES.md" in orange.source and "MEE2020" in orange.source


def test_other_industries_get_the_illustrative_default() -> None:
    red = obligations("MEE2020", "foundry", "C")["red"]
    assert red.basis == "illustrative"
    assert alert_codes("MEE2020", "frp", "leading")["red"] == "self_determined"


@pytest.mark.parametrize(
    ("guide", "industry", "grade", "message"),
    [
        ("MEE2020", "cement", "B-", "grade 'B-' is not in the scale of industry 'cement'"),
        ("MEE2020", "cement", "leading", "not in the scale"),
        ("MEE2020", "moon_mining", "A", "unknown industry 'moon_mining'"),
        ("MEE1999", "cement", "A", "unknown industry 'cement' in guide 'MEE1999'"),
    ],
)
def test_unknown_grade_or_industry_is_a_clear_error(
    guide: str, industry: str, grade: str, message: str
) -> None:
    with pytest.raises(UnknownObligation, match=message):
        obligations(guide, industry, grade)


def test_a_guide_without_obligations_data_is_a_clear_error() -> None:
    with pytest.raises(UnknownObligation, match="no obligations data for guide version 'MEE26'"):
        obligations("MEE26", "cement", "A")


def test_shaoxing_variant_is_a_jurisdiction_note() -> None:
    note = jurisdiction_note("MEE2020", "shaoxing")
    assert note.source == "S4 §四(三)"
    assert note.exempt == {"heavy": ("A", "leading"), "light_moderate": ("A", "B", "leading")}
    with pytest.raises(UnknownObligation):
        jurisdiction_note("MEE2020", "atlantis")
