"""One check per item kind: is this answer well-formed for this item? Each appends its problems."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

from inspection_forms.model import Item
from inspection_forms.problems import Problem, problem
from inspection_forms.vocabulary import PHOTO_REF_RE

Check = Callable[[Item, Any, str, list[Problem]], None]


def wrong_type(path: str, expected_zh: str, expected_en: str) -> Problem:
    return problem(path, "answer.wrong_type", expected_zh=expected_zh, expected_en=expected_en)


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _in_range(item: Item, number: float, path: str, out: list[Problem]) -> None:
    low, high = item.minimum, item.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        span = f"{_fmt(low)}–{_fmt(high)} {item.unit or ''}".strip()
        out.append(problem(path, "answer.out_of_range", got=_fmt(number), range=span))


def _yes_no(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(value, bool):
        out.append(wrong_type(path, "是/否（true 或 false）", "true or false"))


def _single(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(value, str):
        out.append(wrong_type(path, "选项代码（文字）", "an option code (string)"))
    elif value not in item.option_codes:
        out.append(problem(path, "answer.unknown_option", got=value))


def _multiple(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(value, list):
        out.append(wrong_type(path, "选项代码列表", "a list of option codes"))
        return
    seen: set[str] = set()
    for n, code in enumerate(value):
        if not isinstance(code, str):
            out.append(wrong_type(f"{path}[{n}]", "选项代码（文字）", "an option code (string)"))
        elif code not in item.option_codes:
            out.append(problem(f"{path}[{n}]", "answer.unknown_option", got=code))
        elif code in seen:
            out.append(problem(f"{path}[{n}]", "answer.duplicate", got=code))
        else:
            seen.add(code)
    high = item.max_selected
    if len(value) < item.min_selected or (high is not None and len(value) > high):
        span = f"{item.min_selected}–{_fmt(high)}"
        out.append(problem(path, "answer.out_of_range", got=len(value), range=span))


def _number(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    if not _is_number(value):
        out.append(wrong_type(path, f"数值（单位 {item.unit}）", f"a number (in {item.unit})"))
    elif item.integer and not float(value).is_integer():
        out.append(wrong_type(path, "整数", "a whole number"))
    else:
        _in_range(item, value, path, out)


def _text(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(value, str):
        out.append(wrong_type(path, "文字", "text"))
    elif item.required and not value.strip():
        out.append(problem(path, "answer.required"))
    elif len(value) > item.max_length:
        out.append(problem(path, "answer.too_long", max=item.max_length))


def _date(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        dt.date.fromisoformat(value)
    except ValueError:
        out.append(
            problem(
                path,
                "answer.bad_format",
                expected_zh="日期 YYYY-MM-DD",
                expected_en="a date YYYY-MM-DD",
            )
        )


def _is_datetime(value: Any) -> bool:
    """ISO 8601 date and time with a UTC offset: tablets' clocks are checked against it."""
    if not isinstance(value, str) or len(value) < 16:
        return False
    try:
        return dt.datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _bad_datetime(path: str) -> Problem:
    return problem(
        path,
        "answer.bad_format",
        expected_zh="带时区的日期时间（ISO 8601）",
        expected_en="an ISO 8601 date-time with UTC offset",
    )


def _datetime(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    if not _is_datetime(value):
        out.append(_bad_datetime(path))


def _photo(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(value, list):
        out.append(wrong_type(path, "照片引用列表", "a list of photo references"))
        return
    seen: set[str] = set()
    for n, ref in enumerate(value):
        if not isinstance(ref, str) or not PHOTO_REF_RE.match(ref):
            out.append(problem(f"{path}[{n}]", "photo.bad_reference", got=repr(ref)))
        elif ref in seen:
            out.append(problem(f"{path}[{n}]", "photo.duplicate", got=ref))
        else:
            seen.add(ref)
    if len(value) < item.min_count:
        out.append(problem(path, "photo.too_few", min=item.min_count, got=len(value)))
    elif len(value) > item.max_count:
        out.append(problem(path, "photo.too_many", max=item.max_count, got=len(value)))


def _fields(
    value: Mapping[str, Any], allowed: frozenset[str], path: str, out: list[Problem]
) -> None:
    for key in value:
        if key not in allowed:
            out.append(problem(f"{path}.{key}", "answer.unknown_field", field=key))


_METER_FIELDS = frozenset(("value", "unit", "meter_id", "photo"))


def _meter(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(value, Mapping):
        out.append(wrong_type(path, "读数对象 {value, unit}", "a reading object {value, unit}"))
        return
    _fields(value, _METER_FIELDS, path, out)
    number, unit = value.get("value"), value.get("unit")
    if number is None:
        out.append(problem(f"{path}.value", "answer.missing_field", field="value"))
    elif not _is_number(number):
        out.append(wrong_type(f"{path}.value", "数值", "a number"))
    else:
        _in_range(item, number, f"{path}.value", out)
    if unit is None:
        out.append(problem(f"{path}.unit", "answer.missing_field", field="unit"))
    elif unit != item.unit:
        out.append(problem(f"{path}.unit", "answer.unit", expected=item.unit, got=unit))
    meter_id = value.get("meter_id")
    if meter_id is not None and not isinstance(meter_id, str):
        out.append(wrong_type(f"{path}.meter_id", "文字", "text"))
    photo = value.get("photo")
    if photo is None:
        if item.photo_required:
            out.append(problem(f"{path}.photo", "answer.missing_field", field="photo"))
    elif not isinstance(photo, str) or not PHOTO_REF_RE.match(photo):
        out.append(problem(f"{path}.photo", "photo.bad_reference", got=repr(photo)))


_ATTESTATION_FIELDS = frozenset(("attested", "by", "at"))


def _attestation(item: Item, value: Any, path: str, out: list[Problem]) -> None:
    if not isinstance(value, Mapping):
        out.append(
            wrong_type(path, "确认对象 {attested, by, at}", "an attestation {attested, by, at}")
        )
        return
    _fields(value, _ATTESTATION_FIELDS, path, out)
    attested = value.get("attested")
    if attested is None:
        out.append(problem(f"{path}.attested", "answer.missing_field", field="attested"))
    elif not isinstance(attested, bool):
        out.append(wrong_type(f"{path}.attested", "true", "true"))
    elif not attested:
        out.append(problem(f"{path}.attested", "answer.not_attested"))
    by = value.get("by")
    if by is None:
        out.append(problem(f"{path}.by", "answer.missing_field", field="by"))
    elif not isinstance(by, str) or not by.strip():
        out.append(wrong_type(f"{path}.by", "核查人员编号（文字）", "the inspector's id (text)"))
    at = value.get("at")
    if at is None:
        out.append(problem(f"{path}.at", "answer.missing_field", field="at"))
    elif not _is_datetime(at):
        out.append(_bad_datetime(f"{path}.at"))


CHECKS: dict[str, Check] = {
    "yes_no": _yes_no,
    "single_choice": _single,
    "multiple_choice": _multiple,
    "number": _number,
    "text": _text,
    "date": _date,
    "datetime": _datetime,
    "photo": _photo,
    "meter": _meter,
    "attestation": _attestation,
}
