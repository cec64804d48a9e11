"""A filled inspection for any form: every shown item answered so that its criterion for a
grade is met (a tablet whose inspector found the plant as it claims). Plain functions."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from inspection_forms import Criterion, Form, Item, PlantContext

_photos = itertools.count(1)
VISIT_AT = dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _photo() -> str:
    return f"photo:fill-{next(_photos):06d}"


def _number(item: Item, criterion: Criterion | None) -> float:
    low = item.minimum if item.minimum is not None else 0
    value: float = low
    if criterion is not None and criterion.op == "at_least":
        value = max(criterion.value if criterion.value is not None else 12, low)
    elif criterion is not None and criterion.op == "at_most":
        value = min(criterion.value, item.maximum) if item.maximum is not None else criterion.value
        value = max(low, value)
    if item.maximum is not None:
        value = min(value, item.maximum)
    return int(value) if item.integer else value


def _single(item: Item, criterion: Criterion | None) -> Any:
    codes = [o.code for o in item.options]
    op = criterion.op if criterion else None
    if criterion is not None and op == "equals":
        return criterion.value
    if criterion is not None and op == "one_of":
        return criterion.values[0]
    if criterion is not None and op == "none_of":
        return next(c for c in codes if c not in criterion.values)
    return codes[0]


def _multiple(item: Item, criterion: Criterion | None) -> list[str]:
    codes = [o.code for o in item.options]
    if criterion is not None and criterion.op == "includes_all":
        chosen = list(criterion.values)
    elif criterion is not None and criterion.op == "none_of":
        chosen = [c for c in codes if c not in criterion.values][:1]
    else:
        chosen = codes[: max(item.min_selected, 1)]
    return chosen[: item.max_selected] if item.max_selected else chosen


def _answer(item: Item, grade: str) -> Any:
    criterion = item.criterion_for(grade)
    kind = item.kind
    if kind == "yes_no":
        return criterion.value if criterion is not None and criterion.op == "equals" else True
    if kind == "single_choice":
        return _single(item, criterion)
    if kind == "multiple_choice":
        return _multiple(item, criterion)
    if kind in ("number", "meter"):
        value = _number(item, criterion)
        if kind == "number":
            return value
        return {"value": value, "unit": item.unit, "meter_id": "M-1", "photo": _photo()}
    if kind == "photo":
        return [_photo() for _ in range(max(item.min_count, 1))]
    return {
        "text": "现场核实 / checked on site",
        "date": VISIT_AT.date().isoformat(),
        "datetime": VISIT_AT.isoformat(),
        "attestation": {"attested": True, "by": "inspector:1", "at": VISIT_AT.isoformat()},
    }[kind]


def _fill(items: tuple[Item, ...], grade: str, context: PlantContext) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in items:
        if not all(c.holds(answers.get(c.item)) for c in item.conditions):
            continue
        if item.kind == "repeat":
            keys = getattr(context, item.over or "lines")
            answers[item.id] = {key: _fill(item.items, grade, context) for key in keys}
        else:
            answers[item.id] = _answer(item, grade)
    return answers


def filled(form: Form, grade: str, context: PlantContext) -> dict[str, Any]:
    """A complete document for `form`, every criterion at `grade` met."""
    return {
        "form_id": form.id,
        "form_version": form.version,
        "answers": _fill(tuple(form.items.values()), grade, context),
    }
