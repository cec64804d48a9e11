"""Turn a checked definition (the schema's output) into the immutable model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inspection_forms.criteria import Criterion, default_label
from inspection_forms.model import Condition, Form, Item, Option, Section
from inspection_forms.vocabulary import Text


def _text(data: Mapping[str, str] | None) -> Text | None:
    return None if data is None else Text(zh=data["zh"], en=data["en"])


def _label(data: Mapping[str, str]) -> Text:
    return Text(zh=data["zh"], en=data["en"])


def _condition(data: Mapping[str, Any] | None) -> Condition | None:
    if data is None:
        return None
    for op in ("equals", "one_of", "includes", "answered"):
        if op in data:
            value = tuple(data[op]) if op == "one_of" else data[op]
            return Condition(item=data["item"], op=op, value=None if op == "answered" else value)
    raise AssertionError("the schema guarantees one test")  # pragma: no cover


def _criterion(data: Mapping[str, Any], options: Mapping[str, Text]) -> Criterion:
    label = data.get("label")
    return Criterion(
        op=data["op"],
        grades=tuple(data["grades"]),
        label=_label(label) if label else default_label(data, options),
        value=data.get("value"),
        values=tuple(data.get("values", ())),
        unit=data.get("unit"),
        setting=data.get("setting"),
        months=data.get("months"),
        source=data.get("source"),
        illustrative=data["illustrative"],
    )


_PASSTHROUGH = (
    "unit",
    "minimum",
    "maximum",
    "integer",
    "min_selected",
    "max_selected",
    "max_length",
    "min_count",
    "max_count",
    "geotag_required",
    "inside_site",
    "photo_required",
    "over",
)


def build_item(data: Mapping[str, Any], section_show_if: Condition | None = None) -> Item:
    options = tuple(Option(o["code"], _label(o["label"])) for o in data.get("options", ()))
    labels = {option.code: option.label for option in options}
    items = tuple(build_item(inner) for inner in data.get("items", ()))
    show_if = _condition(data.get("show_if"))
    conditions = tuple(c for c in (section_show_if, show_if) if c is not None)
    extra = {name: data[name] for name in _PASSTHROUGH if data.get(name) is not None}
    return Item(
        id=data["id"],
        kind=data["kind"],
        label=_label(data["label"]),
        indicator=data.get("indicator"),
        required=data["required"],
        help=_text(data.get("help")),
        show_if=show_if,
        conditions=conditions,
        criteria=tuple(_criterion(c, labels) for c in data.get("criteria", ())),
        options=options,
        statement=_text(data.get("statement")),
        items=items,
        claim=data.get("claim"),
        **extra,
    )


def build_form(data: Mapping[str, Any], *, sha256: str, file: str) -> Form:
    sections = []
    for section in data["sections"]:
        show_if = _condition(section.get("show_if"))
        items = tuple(build_item(item, show_if) for item in section["items"])
        sections.append(Section(section["id"], _label(section["title"]), items, show_if))
    return Form(
        id=data["id"],
        version=data["version"],
        status=data["status"],
        title=_label(data["title"]),
        guide=data["guide"],
        industries=tuple(data["industries"]),
        grades=tuple(data["grades"]),
        sections=tuple(sections),
        sha256=sha256,
        file=file,
        description=_text(data.get("description")),
        guides=tuple(data.get("guides", ())),
    )
