"""Marshmallow schemas for form definition files: the structure and each item's own fields.

Checks that need the whole form (unique ids, conditions, grades of the industry) live in
`checks.py`. Schemas are built once at import; loading never constructs one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from inspection_forms.criteria import ARGUMENTS, OPS
from inspection_forms.vocabulary import (
    CODE_RE,
    ID_RE,
    INDICATOR_RE,
    ITEM_KINDS,
    REGISTRIES,
)


class StrictBool(fields.Boolean):
    """Only true/false: a definition saying `required: "yes"` is a typo, not a boolean."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a boolean (true/false).")
        return value


class StrictNumber(fields.Field):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValidationError("Not a finite number.")
        return value


def _int(**kwargs: Any) -> fields.Integer:
    minimum = kwargs.pop("minimum", None)
    check = validate.Range(min=minimum) if minimum is not None else None
    return fields.Integer(strict=True, validate=check, **kwargs)


def _id() -> fields.String:
    return fields.String(
        required=True, validate=validate.Regexp(ID_RE, error="not a lower_snake_case id")
    )


class TextSchema(Schema):
    zh = fields.String(required=True, validate=validate.Length(min=1))
    en = fields.String(required=True, validate=validate.Length(min=1))


class OptionSchema(Schema):
    code = fields.String(
        required=True, validate=validate.Regexp(CODE_RE, error="not a lower_snake_case code")
    )
    label = fields.Nested(TextSchema, required=True)


class ConditionSchema(Schema):
    item = fields.String(required=True)
    equals = fields.Raw()
    one_of = fields.List(fields.String(), validate=validate.Length(min=1))
    includes = fields.String()
    answered = StrictBool(
        validate=validate.Equal(True, error="only `answered: true` is meaningful")
    )

    @validates_schema(skip_on_field_errors=False)
    def _one_test(self, data: dict[str, Any], **kwargs: Any) -> None:
        tests = [key for key in ("equals", "one_of", "includes", "answered") if key in data]
        if len(tests) != 1:
            raise ValidationError("give exactly one of equals, one_of, includes, answered")


class CriterionSchema(Schema):
    grades = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    op = fields.String(required=True, validate=validate.OneOf(sorted(OPS)))
    value = fields.Raw()
    values = fields.List(fields.Raw(), validate=validate.Length(min=1))
    unit = fields.String(validate=validate.Length(min=1))
    setting = fields.String(validate=validate.Regexp(ID_RE, error="not a lower_snake_case name"))
    months = _int(minimum=1)
    label = fields.Nested(TextSchema)
    source = fields.String(validate=validate.Length(min=1))
    illustrative = StrictBool(load_default=False)

    @validates_schema(skip_on_field_errors=False)
    def _arguments(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        spec = OPS.get(data.get("op", ""))
        if spec is not None:
            for name in ARGUMENTS:
                if name in data and not any(name in arg.split("|") for arg in spec.allowed):
                    errors[name] = [f"not used by op '{data['op']}'"]
            for arg in spec.required:
                given = [name for name in arg.split("|") if name in data]
                if len(given) != 1:
                    names = " or ".join(arg.split("|"))
                    errors.setdefault(arg.split("|")[0], []).append(
                        f"op '{data['op']}' needs {'exactly one of ' if '|' in arg else ''}{names}"
                    )
        if "source" not in data and not data.get("illustrative"):
            errors["source"] = ["cite a source, or mark the criterion `illustrative: true`"]
        if errors:
            raise ValidationError(errors)


class ItemField(fields.Field):
    """An item, loaded with the schema of its `kind`."""

    def __init__(self, *, in_repeat: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.in_repeat = in_repeat

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ValidationError("an item must be a mapping")
        kind = value.get("kind")
        if self.in_repeat and kind == "repeat":
            raise ValidationError({"kind": ["a repeat group cannot contain another repeat group"]})
        schema = ITEM_SCHEMAS.get(kind) if isinstance(kind, str) else None
        if schema is None:
            raise ValidationError(
                {"kind": [f"unknown kind {kind!r}; one of {', '.join(ITEM_KINDS)}"]}
            )
        return schema.load(value)


class _Common(Schema):
    id = _id()
    kind = fields.String(required=True)
    label = fields.Nested(TextSchema, required=True)
    help = fields.Nested(TextSchema)
    required = StrictBool(load_default=True)
    show_if = fields.Nested(ConditionSchema)


class ClaimRefSchema(Schema):
    """What a generated item verifies: the filing's claim (docs/forms.md, generated items).
    `pollutant`, `limit` and `unit` are set for emission-limit claims (HJ 212 codes)."""

    claim_id = _int(minimum=1, required=True)
    industry = fields.String(required=True, validate=validate.Length(min=1))
    claimed_value = fields.String(allow_none=True, load_default=None)
    statement = fields.String(allow_none=True, load_default=None)
    pollutant = fields.String(
        validate=validate.Regexp(r"^[a-z][0-9]{5}$", error="not an HJ 212 pollutant code")
    )
    limit = StrictNumber()
    unit = fields.String(validate=validate.Length(min=1))


class AnswerItemSchema(_Common):
    indicator = fields.String(
        required=True,
        validate=validate.Regexp(INDICATOR_RE, error="not <category>.<name> with a known category"),
    )
    criteria = fields.List(fields.Nested(CriterionSchema), load_default=list)
    claim = fields.Nested(ClaimRefSchema)


def _range_check(
    data: dict[str, Any], low: str, high: str, names: tuple[str, str] = ("", "")
) -> None:
    """`high` below `low` is an error on `high`; `names` are the keys as written, if different."""
    low_name, high_name = names[0] or low, names[1] or high
    if data.get(low) is not None and data.get(high) is not None and data[high] < data[low]:
        message = f"{high_name} ({data[high]}) is less than {low_name} ({data[low]})"
        raise ValidationError(message, high)


class _WithOptions(AnswerItemSchema):
    options = fields.List(
        fields.Nested(OptionSchema), required=True, validate=validate.Length(min=2)
    )

    @validates_schema
    def _unique_codes(self, data: dict[str, Any], **kwargs: Any) -> None:
        seen: set[str] = set()
        for option in data["options"]:
            if option["code"] in seen:
                raise ValidationError(f"duplicate option code '{option['code']}'", "options")
            seen.add(option["code"])


class SingleChoiceSchema(_WithOptions):
    pass


class MultipleChoiceSchema(_WithOptions):
    min_selected = _int(minimum=0, load_default=0)
    max_selected = _int(minimum=1)

    @validates_schema
    def _counts(self, data: dict[str, Any], **kwargs: Any) -> None:
        _range_check(data, "min_selected", "max_selected")
        if data.get("max_selected", 0) > len(data["options"]):
            raise ValidationError("max_selected is more than the number of options", "max_selected")


class _Measured(AnswerItemSchema):
    unit = fields.String(required=True, validate=validate.Length(min=1))
    minimum = StrictNumber(data_key="min")
    maximum = StrictNumber(data_key="max")

    @validates_schema
    def _bounds(self, data: dict[str, Any], **kwargs: Any) -> None:
        _range_check(data, "minimum", "maximum", ("min", "max"))


class NumberSchema(_Measured):
    integer = StrictBool(load_default=False)


class MeterSchema(_Measured):
    photo_required = StrictBool(load_default=True)


class TextItemSchema(AnswerItemSchema):
    max_length = _int(minimum=1, load_default=2000)


class PhotoSchema(AnswerItemSchema):
    min_count = _int(minimum=0, load_default=1)
    max_count = _int(minimum=1, required=True)
    geotag_required = StrictBool(load_default=True)
    inside_site = StrictBool(load_default=True)

    @validates_schema
    def _counts(self, data: dict[str, Any], **kwargs: Any) -> None:
        _range_check(data, "min_count", "max_count")


class AttestationSchema(AnswerItemSchema):
    statement = fields.Nested(TextSchema, required=True)


class RepeatSchema(_Common):
    over = fields.String(required=True, validate=validate.OneOf(REGISTRIES))
    items = fields.List(ItemField(in_repeat=True), required=True, validate=validate.Length(min=1))


ITEM_SCHEMAS: dict[str, Schema] = {
    "yes_no": AnswerItemSchema(),
    "single_choice": SingleChoiceSchema(),
    "multiple_choice": MultipleChoiceSchema(),
    "number": NumberSchema(),
    "text": TextItemSchema(),
    "date": AnswerItemSchema(),
    "datetime": AnswerItemSchema(),
    "photo": PhotoSchema(),
    "meter": MeterSchema(),
    "attestation": AttestationSchema(),
    "repeat": RepeatSchema(),
}


class SectionSchema(Schema):
    id = _id()
    title = fields.Nested(TextSchema, required=True)
    show_if = fields.Nested(ConditionSchema)
    items = fields.List(ItemField(), required=True, validate=validate.Length(min=1))


class FormSchema(Schema):
    id = _id()
    version = _int(minimum=1, required=True)
    status = fields.String(required=True, validate=validate.OneOf(("draft", "published")))
    title = fields.Nested(TextSchema, required=True)
    description = fields.Nested(TextSchema)
    guide = fields.String(required=True, validate=validate.Length(min=1))
    # the guide versions the form serves (checked against each one's scales); default [guide]
    guides = fields.List(
        fields.String(validate=validate.Length(min=1)), validate=validate.Length(min=1)
    )
    industries = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    grades = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    sections = fields.List(
        fields.Nested(SectionSchema), required=True, validate=validate.Length(min=1)
    )


FORM_SCHEMA = FormSchema()


def flatten_errors(messages: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Marshmallow's nested error dict as (path, message) pairs: `sections[0].items[2].kind`."""
    if isinstance(messages, Mapping):
        for key, inner in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            yield from flatten_errors(inner, path)
    elif isinstance(messages, list):
        for message in messages:
            yield from flatten_errors(message, prefix)
    else:
        yield prefix, str(messages)
