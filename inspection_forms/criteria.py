"""The typed vocabulary of pass criteria, their bilingual labels, and their evaluation.

Each item states, per grade, what its answer must be for the claimed indicator to count as
met. Reconciliation evaluates them with `evaluate()`; reviewers read the `label`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from inspection_forms.vocabulary import Text


class OpSpec(NamedTuple):
    kinds: frozenset[str]  # item kinds the operator applies to
    required: frozenset[str]  # arguments it needs (`value|setting` = exactly one of the two)
    allowed: frozenset[str]  # every argument it accepts


def _spec(kinds: str, required: str = "", allowed: str = "") -> OpSpec:
    req = frozenset(required.split())
    return OpSpec(frozenset(kinds.split()), req, req | frozenset(allowed.split()))


OPS: dict[str, OpSpec] = {
    "equals": _spec("yes_no single_choice number text", "value"),
    "one_of": _spec("single_choice", "values"),
    "none_of": _spec("single_choice multiple_choice", "values"),
    "includes_all": _spec("multiple_choice", "values"),
    "at_least": _spec("number meter", "unit value|setting"),
    "at_most": _spec("number meter", "unit value|setting"),
    "within_months": _spec("date datetime", "months"),
    "all_photos_inside_site": _spec("photo"),
    "attested": _spec("attestation"),
}
ARGUMENTS = ("value", "values", "unit", "setting", "months")


@dataclass(frozen=True, slots=True)
class Criterion:
    """What an answer must be for `grades`; `setting` names a configured threshold (rule 17)."""

    op: str
    grades: tuple[str, ...]
    label: Text
    value: Any = None
    values: tuple[Any, ...] = ()
    unit: str | None = None
    setting: str | None = None
    months: int | None = None
    source: str | None = None
    illustrative: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"grades": list(self.grades), "op": self.op}
        for name in ARGUMENTS:
            arg = getattr(self, name)
            if arg is not None and arg != ():
                out[name] = list(arg) if name == "values" else arg
        out["label"] = self.label.to_dict()
        if self.source is not None:
            out["source"] = self.source
        out["illustrative"] = self.illustrative
        return out


def _join(codes: Any, options: Mapping[str, Text], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(getattr(options[c], lang) if c in options else str(c) for c in codes)


def _scalar(value: Any, options: Mapping[str, Text], lang: str) -> str:
    if value is True:
        return "是" if lang == "zh" else "yes"
    if value is False:
        return "否" if lang == "zh" else "no"
    return _join([value], options, lang)


def default_label(args: Mapping[str, Any], options: Mapping[str, Text]) -> Text:
    """A readable label for a criterion that does not give one, in both languages."""
    op = args["op"]
    unit = f" {args['unit']}" if args.get("unit") else ""
    if op in ("at_least", "at_most"):
        zh_sign, en_sign = ("不低于", ">=") if op == "at_least" else ("不高于", "<=")
        if args.get("setting"):
            setting = args["setting"]
            return Text(f"{zh_sign}设定值 {setting}{unit}", f"{en_sign} setting {setting}{unit}")
        return Text(f"{zh_sign} {args['value']}{unit}", f"{en_sign} {args['value']}{unit}")
    if op == "equals":
        value = args["value"]
        if isinstance(value, bool) or value in options:
            return Text(_scalar(value, options, "zh"), _scalar(value, options, "en"))
        return Text(f"等于 {value}", f"= {value}")
    values = args.get("values", ())
    labels = {
        "one_of": ("为以下之一：{zh}", "one of: {en}"),
        "none_of": ("不得为：{zh}", "none of: {en}"),
        "includes_all": ("须包含：{zh}", "must include: {en}"),
        "within_months": ("{months} 个月以内", "within {months} months"),
        "all_photos_inside_site": ("所有照片均在厂区范围内", "every photo inside the site"),
        "attested": ("核查人员已确认", "attested by the inspector"),
    }
    zh, en = labels[op]
    zh_values, en_values = _join(values, options, "zh"), _join(values, options, "en")
    months = args.get("months")
    return Text(zh.format(zh=zh_values, months=months), en.format(en=en_values, months=months))


def _number(answer: Any) -> float | None:
    if isinstance(answer, Mapping):
        answer = answer.get("value")
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return None
    return float(answer)


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _threshold(criterion: Criterion, settings: Mapping[str, float] | None) -> float | None:
    if criterion.setting is not None:
        return (settings or {}).get(criterion.setting)
    return criterion.value


def _compare(
    criterion: Criterion, answer: Any, settings: Mapping[str, float] | None
) -> bool | None:
    threshold, number = _threshold(criterion, settings), _number(answer)
    if threshold is None or number is None:
        return None
    return number >= threshold if criterion.op == "at_least" else number <= threshold


def _within(criterion: Criterion, answer: Any, visit_date: dt.date | None) -> bool | None:
    if visit_date is None or criterion.months is None:
        return None
    day = dt.date.fromisoformat(str(answer)[:10])
    return day >= _months_before(visit_date, criterion.months)


def _chosen(answer: Any) -> set[Any]:
    return set(answer) if isinstance(answer, list) else {answer}


def evaluate(
    criterion: Criterion,
    answer: Any,
    *,
    visit_date: dt.date | None = None,
    settings: Mapping[str, float] | None = None,
) -> bool | None:
    """Whether a (validated) answer meets the criterion; None when the answer alone cannot
    tell: photo locations (decided by the evidence checks), a missing setting or visit date."""
    op = criterion.op
    if op in ("at_least", "at_most"):
        return _compare(criterion, answer, settings)
    if op == "within_months":
        return _within(criterion, answer, visit_date)
    test = _SIMPLE.get(op)
    return None if test is None else test(criterion, answer)


_SIMPLE: dict[str, Callable[[Criterion, Any], bool]] = {
    "equals": lambda c, answer: bool(answer == c.value),
    "one_of": lambda c, answer: answer in c.values,
    "none_of": lambda c, answer: not _chosen(answer) & set(c.values),
    "includes_all": lambda c, answer: set(c.values) <= _chosen(answer),
    "attested": lambda c, answer: isinstance(answer, Mapping) and answer.get("attested") is True,
}  # all_photos_inside_site is absent: the photo evidence checks decide it
