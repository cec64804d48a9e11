"""A form declares the guide versions it serves; it is checked, loaded, applied and published
against each one's scales (issue 17 §4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspection_forms import DefinitionError, check_definitions, load_catalogue, publish
from tests.forms.definitions import items, minimal_form, write_form
from tests.forms.documents import GUIDE_SCALES, SCALES


def _with_grade(grade: str, **overrides):
    data = minimal_form(**overrides)
    items(data)[0]["criteria"][0]["grades"] = [grade]
    return data


def _messages(directory: Path) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in check_definitions(directory, SCALES, GUIDE_SCALES)]


def test_a_form_serving_mee26_may_name_a_plus(tmp_path: Path) -> None:
    write_form(tmp_path, _with_grade("A+", guide="MEE26", guides=["MEE26"]))
    assert _messages(tmp_path) == []
    form = load_catalogue(tmp_path, SCALES, GUIDE_SCALES).get("demo", 1)
    assert form.served_guides == ("MEE26",)
    assert form.to_dict()["guides"] == ["MEE26"]


def test_a_plus_is_refused_for_mee2020_and_b_minus_for_mee26(tmp_path: Path) -> None:
    write_form(tmp_path, _with_grade("A+", guide="MEE2020", guides=["MEE2020", "MEE26"]))
    assert _messages(tmp_path) == [
        (
            "sections[0].items[0].criteria[0].grades[0]",
            "grade 'A+' is not in the grade scale of industry 'foundry' (A, B, C, D) "
            "[guide MEE2020]",
        )
    ]
    write_form(
        tmp_path,
        _with_grade("B-", guide="MEE2020", guides=["MEE2020", "MEE26"], industries=["ceramics"]),
    )
    assert _messages(tmp_path) == [
        (
            "sections[0].items[0].criteria[0].grades[0]",
            "grade 'B-' is not in the grade scale of industry 'ceramics' (A+, A, B, C, D) "
            "[guide MEE26]",
        )
    ]


def test_an_unknown_guide_and_a_guide_it_does_not_serve_are_errors(tmp_path: Path) -> None:
    write_form(tmp_path, minimal_form(guide="MEE2020", guides=["MEE2099"]))
    assert _messages(tmp_path) == [
        ("guide", "guide 'MEE2020' is not among the guides it serves"),
        ("guides[0]", "unknown guide version 'MEE2099' (known: HENAN2020, MEE2020, MEE26)"),
    ]


def test_a_henan_industry_is_checked_against_the_henan_scale(tmp_path: Path) -> None:
    write_form(tmp_path, _with_grade("A", guide="HENAN2020", industries=["machining"]))
    assert (
        "sections[0].items[0].criteria[0].grades[0]",
        "grade 'A' is not in the grade scale of industry 'machining' (advanced, non_advanced)",
    ) in _messages(tmp_path)
    write_form(tmp_path, _with_grade("advanced", guide="HENAN2020", industries=["machining"]))
    # only another item's A and B remain
    assert [path for path, _ in _messages(tmp_path)] == [
        "sections[0].items[3].criteria[0].grades[0]",
        "sections[0].items[3].criteria[0].grades[1]",
    ]
    write_form(tmp_path, _with_grade("A", guide="MEE26", industries=["machining"]))
    assert ("industries[0]", "industry 'machining' is not in the industry catalogue") in (
        _messages(tmp_path)
    )


def test_publishing_checks_the_form_against_the_guides_it_serves(tmp_path: Path) -> None:
    write_form(tmp_path, _with_grade("A+", guide="MEE2020"))
    with pytest.raises(DefinitionError, match="grade 'A\\+' is not in the grade scale"):
        publish(tmp_path, "demo", 1, SCALES, GUIDE_SCALES)
    write_form(tmp_path, _with_grade("A+", guide="MEE26"))
    assert publish(tmp_path, "demo", 1, SCALES, GUIDE_SCALES).version == 1


def test_the_latest_version_serving_the_case_guide_applies(tmp_path: Path) -> None:
    write_form(tmp_path, minimal_form(guides=["MEE2020"]), version=1)
    publish(tmp_path, "demo", 1, SCALES, GUIDE_SCALES)
    write_form(tmp_path, _with_grade("A+", guide="MEE26", guides=["MEE26"], version=2), version=2)
    publish(tmp_path, "demo", 2, SCALES, GUIDE_SCALES)
    catalogue = load_catalogue(tmp_path, SCALES, GUIDE_SCALES)
    assert [f.ref for f in catalogue.applicable("foundry", "A", "MEE2020")] == ["demo v1"]
    assert [f.ref for f in catalogue.applicable("foundry", "A+", "MEE26")] == ["demo v2"]
    guides = {"foundry": "MEE26"}
    assert [f.ref for f in catalogue.applicable_to_filing({"foundry": "A"}, guides)] == ["demo v2"]
