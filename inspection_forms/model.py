"""The loaded, immutable form: sections, items, conditions, and the indexes validation uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from inspection_forms.criteria import Criterion
from inspection_forms.vocabulary import WILDCARD, Text


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: Text


@dataclass(frozen=True, slots=True)
class Condition:
    """`show_if`: the item is shown only when the answer of `item` satisfies `op` `value`.
    op is one of equals, one_of, includes (a multiple-choice answer contains value), answered."""

    item: str
    op: str
    value: Any = None

    def holds(self, answer: Any) -> bool:
        if answer is None:
            return False
        if self.op == "equals":
            if isinstance(answer, bool) or isinstance(self.value, bool):
                return answer is self.value  # 1 == True must not show a yes/no branch
            return bool(answer == self.value)
        if self.op == "one_of":
            return isinstance(answer, str) and answer in self.value
        if self.op == "includes":
            return isinstance(answer, list) and self.value in answer
        return True  # answered

    def describe(self) -> str:
        if self.op == "answered":
            return f"{self.item} answered"
        value = str(self.value).lower() if isinstance(self.value, bool) else self.value
        return f"{self.item} {self.op} {value}"

    def to_dict(self) -> dict[str, Any]:
        if self.op == "answered":
            return {"item": self.item, "answered": True}
        value = list(self.value) if self.op == "one_of" else self.value
        return {"item": self.item, self.op: value}


# Which attributes each kind carries into its dict form, as (attribute, key).
_KIND_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "yes_no": (),
    "single_choice": (("options", "options"),),
    "multiple_choice": (
        ("options", "options"),
        ("min_selected", "min_selected"),
        ("max_selected", "max_selected"),
    ),
    "number": (("unit", "unit"), ("minimum", "min"), ("maximum", "max"), ("integer", "integer")),
    "text": (("max_length", "max_length"),),
    "date": (),
    "datetime": (),
    "photo": (
        ("min_count", "min_count"),
        ("max_count", "max_count"),
        ("geotag_required", "geotag_required"),
        ("inside_site", "inside_site"),
    ),
    "meter": (
        ("unit", "unit"),
        ("minimum", "min"),
        ("maximum", "max"),
        ("photo_required", "photo_required"),
    ),
    "attestation": (("statement", "statement"),),
    "repeat": (("over", "over"), ("items", "items")),
}


@dataclass(frozen=True, slots=True)
class Item:
    """One question. Kind-specific attributes not used by a kind keep their defaults."""

    id: str
    kind: str
    label: Text
    indicator: str | None = None  # None only for repeat groups
    required: bool = True
    help: Text | None = None
    show_if: Condition | None = None
    criteria: tuple[Criterion, ...] = ()
    options: tuple[Option, ...] = ()
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    min_selected: int = 0
    max_selected: int | None = None
    max_length: int = 2000
    min_count: int = 0
    max_count: int = 0
    geotag_required: bool = True
    inside_site: bool = True
    photo_required: bool = False
    statement: Text | None = None
    over: str | None = None
    items: tuple[Item, ...] = ()
    # a generated item's claim: {claim_id, industry, claimed_value, statement[, pollutant,
    # limit, unit]} (inspection_forms.claims)
    claim: Mapping[str, Any] | None = field(default=None, compare=False)
    # the section's condition (if any) then the item's own: all must hold for it to be shown
    conditions: tuple[Condition, ...] = field(default=(), compare=False, repr=False)
    option_codes: frozenset[str] = field(default=frozenset(), compare=False)
    item_index: Mapping[str, Item] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # derived fields, filled here when an Item is built by hand rather than by the loader
        if not self.conditions and self.show_if is not None:
            object.__setattr__(self, "conditions", (self.show_if,))
        if not self.option_codes and self.options:
            object.__setattr__(self, "option_codes", frozenset(o.code for o in self.options))
        if not self.item_index and self.items:
            object.__setattr__(self, "item_index", {item.id: item for item in self.items})

    def criterion_for(self, grade: str) -> Criterion | None:
        """The criterion for a claimed grade (explicit grades win over `*`), or None."""
        fallback = None
        for criterion in self.criteria:
            if grade in criterion.grades:
                return criterion
            if WILDCARD in criterion.grades:
                fallback = criterion
        return fallback

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "label": self.label.to_dict()}
        if self.help is not None:
            out["help"] = self.help.to_dict()
        if self.indicator is not None:
            out["indicator"] = self.indicator
        out["required"] = self.required
        if self.show_if is not None:
            out["show_if"] = self.show_if.to_dict()
        for attr, key in _KIND_FIELDS[self.kind]:
            value = getattr(self, attr)
            if attr == "options":
                value = [{"code": o.code, "label": o.label.to_dict()} for o in value]
            elif attr == "items":
                value = [item.to_dict() for item in value]
            elif isinstance(value, Text):
                value = value.to_dict()
            if value is not None:
                out[key] = value
        if self.kind != "repeat":
            out["criteria"] = [c.to_dict() for c in self.criteria]
        if self.claim is not None:
            out["claim"] = dict(self.claim)
        return out


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: Text
    items: tuple[Item, ...]
    show_if: Condition | None = None  # hides every item of the section

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "title": self.title.to_dict()}
        if self.show_if is not None:
            out["show_if"] = self.show_if.to_dict()
        out["items"] = [item.to_dict() for item in self.items]
        return out


@dataclass(frozen=True, eq=False)
class Form:
    """One version of one form. Built once at load; `items` indexes top-level items in order."""

    id: str
    version: int
    status: str
    title: Text
    guide: str
    industries: tuple[str, ...]
    grades: tuple[str, ...]
    sections: tuple[Section, ...]
    sha256: str
    file: str = ""
    description: Text | None = None
    guides: tuple[str, ...] = ()  # the guide versions it serves; () = `guide`, any case (v1)
    items: Mapping[str, Item] = field(init=False, repr=False)
    all_items: Mapping[str, Item] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        top = {item.id: item for section in self.sections for item in section.items}
        every = dict(top)
        for item in top.values():
            every.update((inner.id, inner) for inner in item.items)
        object.__setattr__(self, "items", top)
        object.__setattr__(self, "all_items", every)

    @property
    def ref(self) -> str:
        return f"{self.id} v{self.version}"

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def served_guides(self) -> tuple[str, ...]:
        return self.guides or (self.guide,)

    def serves(self, guide: str | None) -> bool:
        """A form naming its `guides` serves cases of those guide versions only; a form that
        names none (the first shipped versions) keeps serving every case of its industries."""
        return guide is None or not self.guides or guide in self.guides

    def applies_to(self, industry: str, grade: str, guide: str | None = None) -> bool:
        industry_ok = WILDCARD in self.industries or industry in self.industries
        grade_ok = WILDCARD in self.grades or grade in self.grades
        return industry_ok and grade_ok and self.serves(guide)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form the API serves and tablets receive."""
        out: dict[str, Any] = {
            "id": self.id,
            "version": self.version,
            "status": self.status,
            "sha256": self.sha256,
            "title": self.title.to_dict(),
            "guide": self.guide,
            "guides": list(self.served_guides),
            "industries": list(self.industries),
            "grades": list(self.grades),
        }
        if self.description is not None:
            out["description"] = self.description.to_dict()
        out["sections"] = [section.to_dict() for section in self.sections]
        return out


@dataclass(frozen=True, slots=True)
class PlantContext:
    """What the validator needs from the plant registry: the codes repeat groups are keyed by."""

    lines: Sequence[str] = ()
    gates: Sequence[str] = ()
    cems_points: Sequence[str] = ()
