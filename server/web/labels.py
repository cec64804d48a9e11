"""Names of what the dossier shows, from the shipped forms: indicators, form items, answers.

Forms are immutable once published and loaded once per process, so the indexes are built once.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from inspection_forms import Form
from inspection_forms.claims import choice_label
from server.inspections.forms import form_catalogue


@cache
def _indicator_names() -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    catalogue = form_catalogue()
    for form_id in catalogue.form_ids():
        for version in catalogue.versions(form_id):
            for item in catalogue.get(form_id, version).all_items.values():
                if item.indicator and item.kind != "repeat":
                    names.setdefault(item.indicator, (item.label.zh, item.label.en))
    return names


def indicator_name(code: str) -> tuple[str, str]:
    """(Chinese, English) name of an indicator: the label of the first form item verifying it."""
    return _indicator_names().get(code, (code, code))


@cache
def _form(ref: str) -> Form | None:
    form_id, _, version = ref.partition(" v")
    try:
        return form_catalogue().get(form_id, int(version))
    except (LookupError, ValueError):  # an unknown form version: the raw path is shown
        return None


# Items of the checklists generated from claims (inspection_forms.claims): their definitions
# are stored on the assignment, not in the shipped catalogue, so they are named by their role.
_GENERATED = re.compile(r"^claim_\d+_(observed|photos|note)$")
_GENERATED_NAMES = {
    "observed": ("现场核实的申报指标", "The claimed indicator as found on site"),
    "photos": ("申报指标的现场照片", "Photos of the claimed indicator"),
    "note": ("申报指标核查备注", "Note on the claimed indicator"),
}


def item_name(form_ref: str, path: str) -> tuple[str, str]:
    """(Chinese, English) label of the form item a decided-by path names (``group.key.item``),
    with the repeat key (a line, gate or CEMS point code) kept in front."""
    form = _form(form_ref)
    parts = path.split(".")
    item = form.all_items.get(parts[-1]) if form else None
    generated = _GENERATED.match(parts[-1]) if form_ref.startswith("claims v") else None
    if item is None and generated is not None:
        return _GENERATED_NAMES[generated.group(1)]
    if item is None:
        return path, path
    prefix = f"{parts[1]} · " if len(parts) == 3 else ""
    return prefix + item.label.zh, prefix + item.label.en


def answer_text(form_ref: str, path: str, answer: Any) -> tuple[str, str]:
    """An answer as a reviewer reads it: option labels, yes/no, a reading with its unit."""
    form = _form(form_ref)
    item = form.all_items.get(path.rsplit(".", maxsplit=1)[-1]) if form else None
    if isinstance(answer, bool):
        return ("是", "yes") if answer else ("否", "no")
    if item is not None and item.options:
        labels = {o.code: o.label for o in item.options}
        codes = answer if isinstance(answer, list) else [answer]
        found = [labels.get(str(c)) for c in codes]
        if all(found):
            return "、".join(x.zh for x in found if x), ", ".join(x.en for x in found if x)
    if item is None and form_ref.startswith("claims v") and isinstance(answer, str):
        named = choice_label(answer)  # a generated choice: its definition is on the assignment
        if named is not None:
            return named
    if isinstance(answer, dict) and "value" in answer:
        text = f"{answer['value']} {answer.get('unit', '')}".strip()
        return text, text
    if isinstance(answer, list):
        if answer and all(isinstance(a, str) and a.startswith("photo:") for a in answer):
            return f"{len(answer)} 张照片", f"{len(answer)} photo(s)"
        text = ", ".join(map(str, answer))
        return text, text
    return str(answer), str(answer)
