"""Integers the databases can hold and text a spreadsheet can, checked once for the whole API.

A number too large for its column (ids are 32-bit INTEGER on PostgreSQL, SQLite stops at 64
bits) in a path, a query or a body used to reach the driver and fail (OverflowError or
NumericValueOutOfRange, 500). The URL converter ``int`` stops at 2^31 - 1
(a larger id is 404, as any id that does not exist), and every marshmallow ``Integer`` the
API parses gets a range check (a larger number is 422, naming the field). ``page`` is bounded
lower so that page × page size stays in range too.

Control characters (U+0000–U+001F but tab and line breaks, U+007F–U+009F) make no sense in any
text a person types and break the XLSX exports: every ``String`` field refuses them (422). A
name, an address or a code is one line: those refuse tabs and line breaks too; free text
(notes, descriptions) keeps its line breaks.
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask import Flask
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter, Map

# Ids are INTEGER columns: 32 bits on PostgreSQL (SQLite stores up to 64).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
MAX_PAGE = 10**9
_BOUND = "_int64_bound"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\t\n\r\u2028\u2029]")
# Fields that hold one line: names, addresses, codes and numbers of documents.
_ONE_LINE = re.compile(r"(^|_)(name|address|code|username|document_no|mn|title)$")


def _no_control(text: str) -> str:
    if isinstance(text, str) and _CONTROL.search(text):
        raise ma.ValidationError(
            "含有不可见的控制字符，请删除后重新提交。 "
            "Contains an invisible control character: remove it and send again."
        )
    return text


def _one_line(text: str) -> str:
    if isinstance(text, str) and _LINE_BREAK.search(text):
        raise ma.ValidationError(
            "只能写一行，请去掉换行符和制表符。 "
            "Write it on one line: remove the line breaks and tabs."
        )
    return text


class Int64Converter(IntegerConverter):
    """Flask's ``int`` URL converter, refusing (404) what no id can be."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def _range(low: int, high: int) -> ma.validate.Range:
    return ma.validate.Range(
        min=low,
        max=high,
        error="数字超出范围 Out of range: give a whole number from {min} to {max}.",
    )


def bound_integers(schema: ma.Schema) -> ma.Schema:
    """Add the 64-bit range to every Integer field of ``schema`` and its nested schemas (once)."""
    if getattr(schema, _BOUND, False):
        return schema
    setattr(schema, _BOUND, True)
    paging = type(schema).__name__ == "PaginationParametersSchema"
    for name, field in schema.fields.items():
        _bound_field(field, MAX_PAGE if paging and name == "page" else INT_MAX, name)
    return schema


def _bound_field(field: ma.fields.Field, high: int, name: str) -> None:
    if isinstance(field, ma.fields.Integer):
        field.validators = [*field.validators, _range(INT_MIN if high == INT_MAX else 1, high)]
    elif isinstance(field, ma.fields.String):
        one_line = [_one_line] if _ONE_LINE.search(name) else []
        field.validators = [_no_control, *one_line, *field.validators]
    elif isinstance(field, ma.fields.Nested) and isinstance(field.schema, ma.Schema):
        bound_integers(field.schema)
    elif isinstance(field, ma.fields.List):
        _bound_field(field.inner, high, name)
    elif isinstance(field, ma.fields.Dict) and field.value_field is not None:
        _bound_field(field.value_field, high, name)


class BoundedParser(FlaskParser):
    """webargs' Flask parser, bounding every Integer of the schema it is about to load."""

    def pre_load(self, location_data: Any, *, schema: ma.Schema, req: Any, location: str) -> Any:
        bound_integers(schema)
        return location_data


def init_app(app: Flask) -> None:
    """Install the converter; call before any route is added."""
    app.url_map.converters["int"] = Int64Converter
