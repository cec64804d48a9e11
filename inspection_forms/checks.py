"""Checks that need a whole definition: unique ids, conditions, criteria against kinds and grades.

Input is the schema's output (a dict); output is (path, message) pairs, every one found.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from inspection_forms.criteria import OPS
from inspection_forms.vocabulary import GRADE_CODES, WILDCARD

Errors = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class _Place:
    path: str
    group: str | None  # id of the enclosing repeat group, None at top level
    data: dict[str, Any]


def _walk_section(s: int, section: dict[str, Any]) -> Iterator[_Place]:
    """Every item of a section in declaration order, a repeat group before its own items."""
    for i, item in enumerate(section["items"]):
        path = f"sections[{s}].items[{i}]"
        yield _Place(path, None, item)
        for k, inner in enumerate(item.get("items", ())):
            yield _Place(f"{path}.items[{k}]", item["id"], inner)


def _walk(sections: Sequence[dict[str, Any]]) -> Iterator[_Place]:
    for s, section in enumerate(sections):
        yield from _walk_section(s, section)


class _Grades:
    """Which grade codes a form may name, from the industries it applies to."""

    def __init__(self, industries: Sequence[str], scales: Mapping[str, Sequence[str]]) -> None:
        self.wildcard = WILDCARD in industries
        self.scales = {name: scales[name] for name in industries if name in scales}

    def error(self, grade: str) -> str | None:
        if grade == WILDCARD:
            return None
        if self.wildcard:
            if grade not in GRADE_CODES:
                return f"unknown grade '{grade}' (grade codes: {', '.join(GRADE_CODES)})"
            return None
        for industry, scale in self.scales.items():
            if grade not in scale:
                return (
                    f"grade '{grade}' is not in the grade scale of industry '{industry}' "
                    f"({', '.join(scale)})"
                )
        return None

    def check_list(self, grades: Sequence[str], path: str, errors: Errors) -> None:
        if WILDCARD in grades and len(grades) > 1:
            errors.append((path, "'*' stands for every grade and cannot be combined with others"))
        for n, grade in enumerate(grades):
            message = self.error(grade)
            if message:
                errors.append((f"{path}[{n}]", message))


GuideScales = Mapping[str, Mapping[str, Sequence[str]]]


def check_definition(
    data: dict[str, Any],
    *,
    form_id: str,
    version: str,
    scales: Mapping[str, Sequence[str]],
    guide_scales: GuideScales | None = None,
) -> Errors:
    """Every cross-field problem of one loaded definition (file at `<form_id>/<version>.yaml`).

    With `guide_scales` ({guide version: {industry: scale}}) the industries and grades are
    checked against the scales of each guide version the form serves (`guides`, else `guide`);
    without, against `scales` alone."""
    if guide_scales is None:
        return _check_against(data, form_id, version, scales)
    served = data.get("guides") or [data["guide"]]
    errors: Errors = []
    if data.get("guides") and data["guide"] not in served:
        errors.append(("guide", f"guide '{data['guide']}' is not among the guides it serves"))
    for n, guide in enumerate(served):
        known = guide_scales.get(guide)
        if known is None:
            where = f"guides[{n}]" if data.get("guides") else "guide"
            names = ", ".join(sorted(guide_scales))
            errors.append((where, f"unknown guide version '{guide}' (known: {names})"))
            continue
        for where, message in _check_against(data, form_id, version, known):
            tagged = (where, message if len(served) == 1 else f"{message} [guide {guide}]")
            if tagged not in errors:
                errors.append(tagged)
    return errors


def _check_against(
    data: dict[str, Any], form_id: str, version: str, scales: Mapping[str, Sequence[str]]
) -> Errors:
    errors: Errors = []
    grades = _check_header(data, form_id, version, scales, errors)
    places = _index(data["sections"], errors)
    declared: set[str] = set()
    for s, section in enumerate(data["sections"]):
        if "show_if" in section:
            section_place = _Place(f"sections[{s}]", None, section)
            _check_condition(section_place, places, declared, errors)
        for place in _walk_section(s, section):
            if "show_if" in place.data:
                _check_condition(place, places, declared, errors)
            declared.add(place.data["id"])
            _check_criteria(place, grades, errors)
    return errors


def _check_header(
    data: dict[str, Any],
    form_id: str,
    version: str,
    scales: Mapping[str, Sequence[str]],
    errors: Errors,
) -> _Grades:
    """Id and version against the file's place; industries and grades against the catalogue."""
    if data["id"] != form_id:
        errors.append(("id", f"id '{data['id']}' differs from its directory '{form_id}'"))
    if str(data["version"]) != version:
        message = f"version {data['version']} differs from its file name '{version}.yaml'"
        errors.append(("version", message))
    industries = data["industries"]
    if WILDCARD in industries and len(industries) > 1:
        message = "'*' stands for every industry and cannot be combined with others"
        errors.append(("industries", message))
    for n, industry in enumerate(industries):
        if industry != WILDCARD and industry not in scales:
            message = f"industry '{industry}' is not in the industry catalogue"
            errors.append((f"industries[{n}]", message))
    grades = _Grades(industries, scales)
    grades.check_list(data["grades"], "grades", errors)
    return grades


def _index(sections: Sequence[dict[str, Any]], errors: Errors) -> dict[str, _Place]:
    """Where each item id is first declared; a second section or item with an id is an error."""
    first_section: dict[str, int] = {}
    for s, section in enumerate(sections):
        section_id = section["id"]
        if section_id in first_section:
            first = first_section[section_id]
            message = f"duplicate section id '{section_id}' (first at sections[{first}])"
            errors.append((f"sections[{s}].id", message))
        first_section.setdefault(section_id, s)
    places: dict[str, _Place] = {}
    for place in _walk(sections):
        item_id = place.data["id"]
        if item_id in places:
            message = f"duplicate item id '{item_id}' (first at {places[item_id].path})"
            errors.append((f"{place.path}.id", message))
        else:
            places[item_id] = place
    return places


def _check_condition(
    place: _Place, places: dict[str, _Place], declared: set[str], errors: Errors
) -> None:
    condition = place.data["show_if"]
    path = f"{place.path}.show_if.item"
    ref = condition["item"]
    target = places.get(ref)
    if target is None:
        errors.append((path, f"condition refers to unknown item '{ref}'"))
        return
    if target.group is not None and target.group != place.group:
        errors.append(
            (path, f"condition refers to item '{ref}' inside repeat group '{target.group}'")
        )
        return
    if ref not in declared or target is place:
        errors.append((path, f"condition refers to item '{ref}', which is not declared before it"))
        return
    kind = target.data["kind"]
    test = next(key for key in ("equals", "one_of", "includes", "answered") if key in condition)
    codes = {option["code"] for option in target.data.get("options", ())}
    where = f"{place.path}.show_if.{test}"
    if kind == "repeat":
        errors.append((path, f"condition cannot refer to repeat group '{ref}'"))
    elif test == "equals":
        problem = _value_problem(kind, condition["equals"], codes)
        if problem:
            errors.append((where, f"cannot compare item '{ref}' ({kind}): {problem}"))
    elif (test == "one_of" and kind != "single_choice") or (
        test == "includes" and kind != "multiple_choice"
    ):
        errors.append((where, f"'{test}' cannot test item '{ref}' ({kind})"))
    elif test in ("one_of", "includes"):
        values = condition[test] if test == "one_of" else [condition[test]]
        for value in values:
            if value not in codes:
                errors.append((where, f"'{value}' is not an option of item '{ref}'"))


def _value_problem(kind: str, value: Any, codes: set[str]) -> str | None:
    """Why `value` cannot be an answer of a `kind` item, or None."""
    if kind == "yes_no":
        return None if isinstance(value, bool) else f"{value!r} is not true/false"
    if kind == "single_choice":
        return None if value in codes else f"'{value}' is not an option"
    if kind == "number":
        return (
            None
            if isinstance(value, int | float) and not isinstance(value, bool)
            else f"{value!r} is not a number"
        )
    if kind == "text":
        return None if isinstance(value, str) else f"{value!r} is not text"
    return f"a {kind} answer cannot be compared with a value"


def _check_criteria(place: _Place, grades: _Grades, errors: Errors) -> None:
    item = place.data
    kind = item["kind"]
    codes = {option["code"] for option in item.get("options", ())}
    first_for: dict[str, int] = {}
    for n, criterion in enumerate(item.get("criteria", ())):
        path = f"{place.path}.criteria[{n}]"
        grades.check_list(criterion["grades"], f"{path}.grades", errors)
        for g, grade in enumerate(criterion["grades"]):
            if grade in first_for:
                errors.append(
                    (
                        f"{path}.grades[{g}]",
                        f"grade '{grade}' already has a criterion (criteria[{first_for[grade]}])",
                    )
                )
            first_for.setdefault(grade, n)
        op = criterion["op"]
        if kind not in OPS[op].kinds:
            errors.append((f"{path}.op", f"op '{op}' does not apply to a {kind} item"))
            continue
        if "unit" in criterion and criterion["unit"] != item.get("unit"):
            errors.append(
                (
                    f"{path}.unit",
                    f"unit '{criterion['unit']}' differs from the item's unit '{item.get('unit')}'",
                )
            )
        if op == "equals":
            problem = _value_problem(kind, criterion["value"], codes)
            if problem:
                errors.append((f"{path}.value", problem))
        for v, value in enumerate(criterion.get("values", ())):
            if value not in codes:
                errors.append((f"{path}.values[{v}]", f"'{value}' is not an option of this item"))
