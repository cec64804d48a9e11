"""A broken definition fails loading with the file, the path inside it, and what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inspection_forms import DefinitionError, DefinitionProblem, check_definitions, load_catalogue
from tests.forms.definitions import T, items, minimal_form, write_form
from tests.forms.documents import SCALES

FILE = "demo/1.yaml"


def _check(tmp_path: Path, data: dict[str, Any] | str) -> list[DefinitionProblem]:
    write_form(tmp_path, data)
    return check_definitions(tmp_path, SCALES)


def test_minimal_form_is_valid(tmp_path: Path) -> None:
    assert _check(tmp_path, minimal_form()) == []


def _duplicate_item_id(data: dict[str, Any]) -> None:
    items(data)[1]["id"] = "cems_present"


def _duplicate_id_inside_repeat(data: dict[str, Any]) -> None:
    items(data)[2]["items"][1]["id"] = "site_photos"


def _condition_on_missing_item(data: dict[str, Any]) -> None:
    items(data)[3]["show_if"]["item"] = "cems_installed"


def _criterion_for_missing_grade(data: dict[str, Any]) -> None:
    items(data)[0]["criteria"][0]["grades"] = ["leading"]


def _photo_max_below_min(data: dict[str, Any]) -> None:
    items(data)[1].update(min_count=4, max_count=3)


def _unknown_kind(data: dict[str, Any]) -> None:
    items(data)[0]["kind"] = "checkbox"


def _condition_on_later_item(data: dict[str, Any]) -> None:
    items(data)[0]["show_if"] = {"item": "cems_calibrated_on", "answered": True}


def _condition_into_repeat_group(data: dict[str, Any]) -> None:
    items(data)[3]["show_if"] = {"item": "line_running", "equals": True}


def _condition_value_of_wrong_type(data: dict[str, Any]) -> None:
    items(data)[3]["show_if"] = {"item": "cems_present", "equals": "yes"}


def _op_for_wrong_kind(data: dict[str, Any]) -> None:
    items(data)[0]["criteria"][0] = {
        "grades": ["A"],
        "op": "at_least",
        "value": 1,
        "unit": "%",
        "illustrative": True,
    }


def _criterion_unit_differs(data: dict[str, Any]) -> None:
    items(data)[2]["items"][1]["criteria"] = [
        {"grades": ["A"], "op": "at_least", "value": 80, "unit": "percent", "illustrative": True}
    ]


def _criterion_without_source(data: dict[str, Any]) -> None:
    del items(data)[0]["criteria"][0]["illustrative"]


def _criterion_missing_argument(data: dict[str, Any]) -> None:
    items(data)[3]["criteria"][0] = {"grades": ["A"], "op": "within_months", "source": "S2"}


def _grade_given_twice(data: dict[str, Any]) -> None:
    items(data)[3]["criteria"].append(
        {"grades": ["B"], "op": "within_months", "months": 6, "source": "S2"}
    )


def _unknown_industry(data: dict[str, Any]) -> None:
    data["industries"] = ["foundry", "steel"]


def _repeat_inside_repeat(data: dict[str, Any]) -> None:
    items(data)[2]["items"].append(
        {"id": "gates", "kind": "repeat", "over": "gates", "label": T, "items": []}
    )


def _unknown_indicator_category(data: dict[str, Any]) -> None:
    items(data)[0]["indicator"] = "noise.level"


def _missing_english_label(data: dict[str, Any]) -> None:
    del items(data)[1]["label"]["en"]


def _id_differs_from_directory(data: dict[str, Any]) -> None:
    data["id"] = "other"


BAD_DEFINITIONS: dict[str, tuple[Callable[[dict[str, Any]], None], list[tuple[str, str]]]] = {
    "duplicate item id": (
        _duplicate_item_id,
        [
            (
                "sections[0].items[1].id",
                "duplicate item id 'cems_present' (first at sections[0].items[0])",
            )
        ],
    ),
    "duplicate item id inside a repeat group": (
        _duplicate_id_inside_repeat,
        [
            (
                "sections[0].items[2].items[1].id",
                "duplicate item id 'site_photos' (first at sections[0].items[1])",
            )
        ],
    ),
    "condition on a missing item": (
        _condition_on_missing_item,
        [
            (
                "sections[0].items[3].show_if.item",
                "condition refers to unknown item 'cems_installed'",
            )
        ],
    ),
    "criterion for a grade the industry does not have": (
        _criterion_for_missing_grade,
        [
            (
                "sections[0].items[0].criteria[0].grades[0]",
                "grade 'leading' is not in the grade scale of industry 'foundry' (A, B, C, D)",
            )
        ],
    ),
    "photo item with max below min": (
        _photo_max_below_min,
        [("sections[0].items[1].max_count", "max_count (3) is less than min_count (4)")],
    ),
    "unknown item kind": (
        _unknown_kind,
        [
            (
                "sections[0].items[0].kind",
                "unknown kind 'checkbox'; one of yes_no, single_choice, multiple_choice, number, "
                "text, date, datetime, photo, meter, attestation, repeat",
            )
        ],
    ),
    "condition on a later item": (
        _condition_on_later_item,
        [
            (
                "sections[0].items[0].show_if.item",
                "condition refers to item 'cems_calibrated_on', which is not declared before it",
            )
        ],
    ),
    "condition into a repeat group": (
        _condition_into_repeat_group,
        [
            (
                "sections[0].items[3].show_if.item",
                "condition refers to item 'line_running' inside repeat group 'lines'",
            )
        ],
    ),
    "condition value of the wrong type": (
        _condition_value_of_wrong_type,
        [
            (
                "sections[0].items[3].show_if.equals",
                "cannot compare item 'cems_present' (yes_no): 'yes' is not true/false",
            )
        ],
    ),
    "criterion op for another kind": (
        _op_for_wrong_kind,
        [("sections[0].items[0].criteria[0].op", "op 'at_least' does not apply to a yes_no item")],
    ),
    "criterion unit differs from the item's": (
        _criterion_unit_differs,
        [
            (
                "sections[0].items[2].items[1].criteria[0].unit",
                "unit 'percent' differs from the item's unit '%'",
            )
        ],
    ),
    "criterion neither cited nor illustrative": (
        _criterion_without_source,
        [
            (
                "sections[0].items[0].criteria[0].source",
                "cite a source, or mark the criterion `illustrative: true`",
            )
        ],
    ),
    "criterion missing its argument": (
        _criterion_missing_argument,
        [("sections[0].items[3].criteria[0].months", "op 'within_months' needs months")],
    ),
    "two criteria for one grade": (
        _grade_given_twice,
        [
            (
                "sections[0].items[3].criteria[1].grades[0]",
                "grade 'B' already has a criterion (criteria[0])",
            )
        ],
    ),
    "unknown industry": (
        _unknown_industry,
        [("industries[1]", "industry 'steel' is not in the industry catalogue")],
    ),
    "repeat group inside a repeat group": (
        _repeat_inside_repeat,
        [
            (
                "sections[0].items[2].items[2].kind",
                "a repeat group cannot contain another repeat group",
            )
        ],
    ),
    "unknown indicator category": (
        _unknown_indicator_category,
        [("sections[0].items[0].indicator", "not <category>.<name> with a known category")],
    ),
    "label without English": (
        _missing_english_label,
        [("sections[0].items[1].label.en", "Missing data for required field.")],
    ),
    "id differs from its directory": (
        _id_differs_from_directory,
        [("id", "id 'other' differs from its directory 'demo'")],
    ),
}


@pytest.mark.parametrize("case", list(BAD_DEFINITIONS))
def test_bad_definition_is_reported_with_file_and_path(tmp_path: Path, case: str) -> None:
    mutate, expected = BAD_DEFINITIONS[case]
    data = minimal_form()
    mutate(data)
    assert _check(tmp_path, data) == [
        DefinitionProblem(FILE, path, message) for path, message in expected
    ]


def test_loading_raises_with_every_problem_of_every_file(tmp_path: Path) -> None:
    first = minimal_form()
    _duplicate_item_id(first)
    _photo_max_below_min(first)
    write_form(tmp_path, first)
    second = minimal_form(id="other")
    _condition_on_missing_item(second)
    write_form(tmp_path, second, form_id="other")

    with pytest.raises(DefinitionError) as raised:
        load_catalogue(tmp_path, SCALES)

    assert raised.value.errors == [
        DefinitionProblem(
            FILE, "sections[0].items[1].max_count", "max_count (3) is less than min_count (4)"
        ),
        DefinitionProblem(
            "other/1.yaml",
            "sections[0].items[3].show_if.item",
            "condition refers to unknown item 'cems_installed'",
        ),
    ]
    assert "demo/1.yaml: sections[0].items[1].max_count: max_count (3)" in str(raised.value)


def test_semantic_problems_are_all_reported_together(tmp_path: Path) -> None:
    data = minimal_form()
    _duplicate_item_id(data)
    _condition_on_missing_item(data)
    _criterion_for_missing_grade(data)

    assert [(p.path, p.message) for p in _check(tmp_path, data)] == [
        (
            "sections[0].items[1].id",
            "duplicate item id 'cems_present' (first at sections[0].items[0])",
        ),
        (
            "sections[0].items[0].criteria[0].grades[0]",
            "grade 'leading' is not in the grade scale of industry 'foundry' (A, B, C, D)",
        ),
        ("sections[0].items[3].show_if.item", "condition refers to unknown item 'cems_installed'"),
    ]


def test_duplicate_yaml_key_is_not_silently_dropped(tmp_path: Path) -> None:
    text = "id: demo\nversion: 1\nid: demo\n"
    (problem,) = _check(tmp_path, text)
    assert (problem.file, problem.path) == (FILE, "")
    assert problem.message.startswith("not readable YAML: duplicate key 'id'")
    assert "line 3" in problem.message


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    (problem,) = _check(tmp_path, "id: [demo\n")
    assert (problem.file, problem.path) == (FILE, "")
    assert problem.message.startswith("not readable YAML:")


def test_misplaced_files_are_reported(tmp_path: Path) -> None:
    write_form(tmp_path, minimal_form())
    (tmp_path / "stray.yaml").write_text("id: x\n", encoding="utf-8")
    (tmp_path / "demo" / "v2.yaml").write_text("id: x\n", encoding="utf-8")

    assert check_definitions(tmp_path, SCALES) == [
        DefinitionProblem(
            "demo/v2.yaml", "", "unexpected file; expected <version>.yaml, e.g. 1.yaml"
        ),
        DefinitionProblem(
            "stray.yaml", "", "unexpected file; definitions live in <form_id>/<version>.yaml"
        ),
    ]


def test_common_form_may_name_any_system_grade_but_no_other(tmp_path: Path) -> None:
    data = minimal_form(industries=["*"])
    items(data)[0]["criteria"] = [
        {
            "grades": ["A+", "leading", "advanced"],
            "op": "equals",
            "value": True,
            "illustrative": True,
        },
        {"grades": ["E"], "op": "equals", "value": False, "illustrative": True},
    ]
    assert _check(tmp_path, data) == [
        DefinitionProblem(
            FILE,
            "sections[0].items[0].criteria[1].grades[0]",
            "unknown grade 'E' (grade codes: A+, A, B, B-, C, D, leading, non_leading, advanced, non_advanced)",
        )
    ]
