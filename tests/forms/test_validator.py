"""A filled inspection is checked against its pinned form: every problem at once, with its path."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from inspection_forms import Form, PlantContext, load_catalogue, validate
from tests.forms.definitions import T, minimal_form, write_form
from tests.forms.documents import SCALES


def _item(item_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": item_id, "kind": kind, "label": dict(T), "indicator": "visit.test", **fields}


OPTIONS = [{"code": code, "label": dict(T)} for code in ("a", "b", "c")]

EVERY_KIND = [
    _item("ok", "yes_no"),
    _item("reason", "text", max_length=20, show_if={"item": "ok", "equals": False}),
    _item("choice", "single_choice", options=OPTIONS),
    _item("multi", "multiple_choice", options=OPTIONS, min_selected=1, max_selected=2),
    _item("load", "number", unit="%", min=0, max=100),
    _item("records", "number", unit="record", integer=True, min=5, max=10),
    _item("day", "date"),
    _item("at", "datetime"),
    _item("photos", "photo", min_count=2, max_count=3),
    _item("reading", "meter", unit="kWh", min=0),
    _item("attest", "attestation", statement=dict(T)),
    _item("notes", "text", required=False),
    {
        "id": "lines",
        "kind": "repeat",
        "over": "lines",
        "label": dict(T),
        "items": [
            _item("running", "yes_no"),
            _item(
                "line_load",
                "number",
                unit="%",
                min=0,
                max=150,
                show_if={"item": "running", "equals": True},
            ),
            _item("line_photo", "photo", min_count=1, max_count=2),
        ],
    },
    {
        "id": "gates",
        "kind": "repeat",
        "over": "gates",
        "label": dict(T),
        "required": False,
        "items": [_item("barrier", "yes_no")],
    },
]

CONTEXT = PlantContext(lines=["L01", "L02"], gates=["G01"], cems_points=[])


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Form:
    directory = tmp_path_factory.mktemp("definitions")
    data = minimal_form(sections=[{"id": "main", "title": dict(T), "items": EVERY_KIND}])
    write_form(directory, data)
    return load_catalogue(directory, SCALES).get("demo", 1)


def _valid_answers() -> dict[str, Any]:
    return {
        "ok": True,
        "choice": "a",
        "multi": ["a", "c"],
        "load": 80.5,
        "records": 8,
        "day": "2024-03-28",
        "at": "2024-07-16T09:05:00+08:00",
        "photos": ["photo:p1", "photo:p2"],
        "reading": {"value": 1234.5, "unit": "kWh", "meter_id": "EM-1", "photo": "photo:p3"},
        "attest": {"attested": True, "by": "inspector:42", "at": "2024-07-16T11:00:00Z"},
        "lines": {
            "L01": {"running": True, "line_load": 90, "line_photo": ["photo:p4"]},
            "L02": {"running": False, "line_photo": ["photo:p5"]},
        },
    }


def _document(answers: dict[str, Any]) -> dict[str, Any]:
    return {"form_id": "demo", "form_version": 1, "answers": answers}


def _problems(
    form: Form, answers: dict[str, Any], context: PlantContext = CONTEXT
) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in validate(form, _document(answers), context)]


def test_a_complete_document_has_no_problems(form: Form) -> None:
    assert validate(form, _document(_valid_answers()), CONTEXT) == []


WRONG_TYPES: list[tuple[str, Any, list[tuple[str, str]]]] = [
    ("ok", "yes", [("answers.ok", "answer.wrong_type")]),
    ("ok", 1, [("answers.ok", "answer.wrong_type")]),
    ("choice", 1, [("answers.choice", "answer.wrong_type")]),
    ("choice", "z", [("answers.choice", "answer.unknown_option")]),
    ("multi", "a", [("answers.multi", "answer.wrong_type")]),
    ("multi", ["a", 2], [("answers.multi[1]", "answer.wrong_type")]),
    ("multi", ["a", "a"], [("answers.multi[1]", "answer.duplicate")]),
    ("multi", ["a", "b", "c"], [("answers.multi", "answer.out_of_range")]),
    ("multi", [], [("answers.multi", "answer.out_of_range")]),
    ("load", "80", [("answers.load", "answer.wrong_type")]),
    ("load", True, [("answers.load", "answer.wrong_type")]),
    ("load", float("nan"), [("answers.load", "answer.wrong_type")]),
    ("load", 120, [("answers.load", "answer.out_of_range")]),
    ("load", -1, [("answers.load", "answer.out_of_range")]),
    ("records", 7.5, [("answers.records", "answer.wrong_type")]),
    ("records", 4, [("answers.records", "answer.out_of_range")]),
    ("day", "28/03/2024", [("answers.day", "answer.bad_format")]),
    ("day", "2024-02-30", [("answers.day", "answer.bad_format")]),
    ("day", 20240328, [("answers.day", "answer.bad_format")]),
    ("at", "2024-07-16T09:05:00", [("answers.at", "answer.bad_format")]),
    ("at", "yesterday", [("answers.at", "answer.bad_format")]),
    ("photos", "photo:p1", [("answers.photos", "answer.wrong_type")]),
    ("photos", ["photo:p1"], [("answers.photos", "photo.too_few")]),
    (
        "photos",
        ["photo:p1", "photo:p2", "photo:p3", "photo:p4"],
        [("answers.photos", "photo.too_many")],
    ),
    ("photos", ["photo:p1", "p2.jpg"], [("answers.photos[1]", "photo.bad_reference")]),
    ("photos", ["photo:p1", "photo:p1"], [("answers.photos[1]", "photo.duplicate")]),
    ("reading", 1234.5, [("answers.reading", "answer.wrong_type")]),
    (
        "reading",
        {"value": 1, "unit": "MWh", "photo": "photo:p3"},
        [("answers.reading.unit", "answer.unit")],
    ),
    (
        "reading",
        {"unit": "kWh", "photo": "photo:p3"},
        [("answers.reading.value", "answer.missing_field")],
    ),
    (
        "reading",
        {"value": "1", "unit": "kWh", "photo": "photo:p3"},
        [("answers.reading.value", "answer.wrong_type")],
    ),
    (
        "reading",
        {"value": -5, "unit": "kWh", "photo": "photo:p3"},
        [("answers.reading.value", "answer.out_of_range")],
    ),
    ("reading", {"value": 1, "unit": "kWh"}, [("answers.reading.photo", "answer.missing_field")]),
    (
        "reading",
        {"value": 1, "unit": "kWh", "photo": "photo:p3", "kwh": 1},
        [("answers.reading.kwh", "answer.unknown_field")],
    ),
    ("attest", True, [("answers.attest", "answer.wrong_type")]),
    (
        "attest",
        {"attested": False, "by": "inspector:42", "at": "2024-07-16T11:00:00Z"},
        [("answers.attest.attested", "answer.not_attested")],
    ),
    (
        "attest",
        {"attested": "yes", "at": "2024-07-16"},
        [
            ("answers.attest.attested", "answer.wrong_type"),
            ("answers.attest.by", "answer.missing_field"),
            ("answers.attest.at", "answer.bad_format"),
        ],
    ),
    ("notes", 42, [("answers.notes", "answer.wrong_type")]),
    ("notes", "x" * 2001, [("answers.notes", "answer.too_long")]),
    ("lines", ["L01", "L02"], [("answers.lines", "answer.wrong_type")]),
]


@pytest.mark.parametrize(("item_id", "value", "expected"), WRONG_TYPES)
def test_malformed_answers_are_reported_at_their_path(
    form: Form, item_id: str, value: Any, expected: list[tuple[str, str]]
) -> None:
    answers = _valid_answers()
    answers[item_id] = value
    assert _problems(form, answers) == expected


def test_unknown_item_ids_are_reported_at_top_level_and_in_repeat_groups(form: Form) -> None:
    answers = _valid_answers()
    answers["odour"] = True
    answers["lines"]["L01"]["ok"] = True  # a top-level item, not one of the group's

    assert _problems(form, answers) == [
        ("answers.lines.L01.ok", "answer.unknown_item"),
        ("answers.odour", "answer.unknown_item"),
    ]
    (problem,) = [
        p for p in validate(form, _document(answers), CONTEXT) if p.path == "answers.odour"
    ]
    assert problem.message_en == "form demo v1 has no item 'odour' here"
    assert problem.message_zh == "核查表 demo v1 中没有此项：odour"


def test_missing_required_items_are_reported(form: Form) -> None:
    answers = _valid_answers()
    del answers["ok"], answers["attest"]
    del answers["lines"]["L02"]["line_photo"]
    answers["choice"] = None  # null is not an answer

    assert _problems(form, answers) == [
        ("answers.ok", "answer.required"),
        ("answers.choice", "answer.required"),
        ("answers.attest", "answer.required"),
        ("answers.lines.L02.line_photo", "answer.required"),
    ]


def test_empty_required_text_is_missing(form: Form) -> None:
    answers = _valid_answers()
    answers["ok"] = False
    answers["reason"] = "   "
    assert _problems(form, answers) == [("answers.reason", "answer.required")]


def test_conditions_hide_and_require(form: Form) -> None:
    answers = _valid_answers()
    answers["reason"] = "stopped for maintenance"  # ok is true: reason is hidden
    answers["lines"]["L02"]["line_load"] = 0  # running is false: load is hidden
    del answers["lines"]["L01"]["line_load"]  # running is true: load is required

    assert _problems(form, answers) == [
        ("answers.reason", "answer.hidden"),
        ("answers.lines.L01.line_load", "answer.required"),
        ("answers.lines.L02.line_load", "answer.hidden"),
    ]
    hidden = validate(form, _document(answers), CONTEXT)[0]
    assert hidden.message_en == "answered although its condition (ok equals false) is not met"

    answers = _valid_answers()
    answers["ok"] = False
    assert _problems(form, answers) == [("answers.reason", "answer.required")]


def test_repeat_groups_are_matched_to_the_plant_registry(form: Form) -> None:
    answers = _valid_answers()
    answers["lines"]["L07"] = {"running": True, "line_load": 50, "line_photo": ["photo:p9"]}
    del answers["lines"]["L02"]
    answers["gates"] = {"G01": {"barrier": True}, "G02": {"barrier": False}}

    assert _problems(form, answers) == [
        ("answers.lines.L07", "repeat.unknown_key"),
        ("answers.lines.L02", "repeat.missing_key"),
        ("answers.gates.G02", "repeat.unknown_key"),
    ]
    problems = validate(form, _document(answers), CONTEXT)
    assert problems[0].message_en == "the plant has no production line 'L07'"
    assert problems[0].message_zh == "企业登记信息中没有生产线 L07"
    assert problems[2].message_en == "the plant has no vehicle gate 'G02'"


def test_repeat_group_entries_must_be_objects(form: Form) -> None:
    answers = _valid_answers()
    answers["lines"]["L02"] = True
    assert _problems(form, answers) == [("answers.lines.L02", "answer.wrong_type")]


def test_a_group_over_an_empty_registry_needs_no_answer(form: Form) -> None:
    answers = _valid_answers()
    del answers["lines"]
    assert _problems(form, answers, PlantContext(lines=[], gates=["G01"])) == []
    assert _problems(form, answers) == [("answers.lines", "answer.required")]


def test_every_problem_is_reported_at_once(form: Form) -> None:
    answers = _valid_answers()
    answers["ok"] = "yes"
    answers["photos"] = ["photo:p1"]
    answers["reading"]["unit"] = "MWh"
    answers["lines"]["L09"] = {}
    answers["lines"]["L01"]["line_photo"] = []
    answers["extra"] = 1
    del answers["day"]

    assert _problems(form, answers) == [
        ("answers.ok", "answer.wrong_type"),
        ("answers.day", "answer.required"),
        ("answers.photos", "photo.too_few"),
        ("answers.reading.unit", "answer.unit"),
        ("answers.lines.L01.line_photo", "photo.too_few"),
        ("answers.lines.L09", "repeat.unknown_key"),
        ("answers.extra", "answer.unknown_item"),
    ]


def test_every_problem_has_both_languages(form: Form) -> None:
    answers = copy.deepcopy(_valid_answers())
    answers.update(ok=1, choice="z", load=500, photos=["x"], reading={"value": 1, "unit": "MWh"})
    problems = validate(form, _document(answers), CONTEXT)
    assert len(problems) == 7
    for problem in problems:
        assert problem.message_zh and problem.message_en
        assert problem.to_dict()["code"] == problem.code
    assert problems[2].message_en == "500 is outside the allowed range (0–100 %)"
    assert problems[3].message_zh == "照片引用格式不正确：'x'（应为 photo:<编号>）"


def test_document_shape_and_form_pin(form: Form) -> None:
    assert _shape(form, ["not", "an", "object"]) == [("", "document.wrong_type")]
    assert _shape(form, {"form_id": "demo", "form_version": 1, "answers": []}) == [
        ("answers", "answer.wrong_type")
    ]
    assert _shape(form, {"form_id": "demo", "form_version": 2, "answers": {}}) == [
        ("form_version", "form.mismatch")
    ]
    assert _shape(form, {"form_id": "common", "form_version": 1, "answers": {}}) == [
        ("form_id", "form.mismatch")
    ]


def _shape(form: Form, document: Any) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in validate(form, document, CONTEXT)]


def test_validation_does_not_touch_the_document(form: Form) -> None:
    answers = _valid_answers()
    answers["ok"] = "yes"
    document = _document(answers)
    before = copy.deepcopy(document)
    validate(form, document, CONTEXT)
    assert document == before
