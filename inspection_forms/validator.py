"""Validate a filled inspection against its pinned form version: every problem, with its path.

Used alike by the sync worker (ingest) and the API (dry run). Pure: no I/O, no schema built per
call; the form's item index is built once at load and each kind has one check function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from inspection_forms.answers import CHECKS, wrong_type
from inspection_forms.model import Form, Item, PlantContext
from inspection_forms.problems import REGISTRY_NAMES, Problem, problem


def validate(form: Form, document: Any, context: PlantContext) -> list[Problem]:
    """Every problem of `document` against `form`; an empty list means it is valid.

    The document is `{"form_id", "form_version", "answers": {...}}`; other top-level keys (the
    sync envelope: `_id`, `type`, `schema_version`, …) are not looked at here.
    """
    if not isinstance(document, Mapping):
        return [problem("", "document.wrong_type")]
    got_id, got_version = document.get("form_id"), document.get("form_version")
    if got_id != form.id or type(got_version) is not int or got_version != form.version:
        path = "form_id" if got_id != form.id else "form_version"
        return [problem(path, "form.mismatch", got=f"{got_id} v{got_version}", expected=form.ref)]
    answers = document.get("answers")
    if not isinstance(answers, Mapping):
        return [wrong_type("answers", "以题目编号为键的对象", "an object keyed by item id")]
    run = _Run(form, context)
    run.level(form.items, answers, "answers", {})
    return run.out


class _Run:
    """One validation: the form, the plant's registry lists, and the problems found so far."""

    def __init__(self, form: Form, context: PlantContext) -> None:
        self.form = form
        self.out: list[Problem] = []
        self.registries: dict[str, Sequence[str]] = {
            "lines": context.lines,
            "gates": context.gates,
            "cems_points": context.cems_points,
        }

    def level(
        self,
        items: Mapping[str, Item],
        answers: Mapping[str, Any],
        path: str,
        outer: Mapping[str, Any],
    ) -> None:
        """Check one level: the top-level answers, or one entry of a repeat group."""
        out = self.out
        shown: dict[str, Any] = {}  # answers of shown items, for the conditions of later items
        for item_id, item in items.items():
            value = answers.get(item_id)
            if item.conditions and not self.shown(item, value, path, shown, outer):
                continue
            if value is None:
                if item.required and (item.over is None or self.registries[item.over]):
                    out.append(problem(f"{path}.{item_id}", "answer.required"))
                continue
            shown[item_id] = value
            if item.over is not None:
                self.repeat(item, value, f"{path}.{item_id}", shown)
            else:
                CHECKS[item.kind](item, value, f"{path}.{item_id}", out)
        if len(answers) > len(shown):
            for key in answers:
                if key not in items:
                    out.append(
                        problem(
                            f"{path}.{key}", "answer.unknown_item", form=self.form.ref, item=key
                        )
                    )

    def shown(
        self, item: Item, value: Any, path: str, shown: Mapping[str, Any], outer: Mapping[str, Any]
    ) -> bool:
        """Whether every condition on the item holds; an answer to a hidden item is a problem."""
        for condition in item.conditions:
            ref = condition.item
            if not condition.holds(shown[ref] if ref in shown else outer.get(ref)):
                if value is not None:
                    where = f"{path}.{item.id}"
                    self.out.append(problem(where, "answer.hidden", condition=condition.describe()))
                return False
        return True

    def repeat(self, group: Item, value: Any, path: str, outer: Mapping[str, Any]) -> None:
        """A repeat group's answer is keyed by the registry codes it repeats over."""
        if not isinstance(value, Mapping):
            self.out.append(
                wrong_type(path, "以登记编号为键的对象", "an object keyed by registry code")
            )
            return
        assert group.over is not None
        keys = self.registries[group.over]
        zh, en = REGISTRY_NAMES[group.over]
        for key, entry in value.items():
            entry_path = f"{path}.{key}"
            if key not in keys:
                self.out.append(
                    problem(
                        entry_path, "repeat.unknown_key", key=key, registry_zh=zh, registry_en=en
                    )
                )
            elif not isinstance(entry, Mapping):
                self.out.append(
                    wrong_type(entry_path, "以题目编号为键的对象", "an object keyed by item id")
                )
            else:
                self.level(group.item_index, entry, entry_path, outer)
        if group.required:
            for key in keys:
                if key not in value:
                    self.out.append(
                        problem(
                            f"{path}.{key}",
                            "repeat.missing_key",
                            key=key,
                            registry_zh=zh,
                            registry_en=en,
                        )
                    )
