"""One row of the application list: its cells read and checked, alone and against the sheet.

Pure: no session. Problems are collected, never raised, so every bad row is reported at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from server.accounts.actor import Actor
from server.catalogue import Industry
from server.imports import cells
from server.imports.cells import COLUMN_BY_KEY, COLUMNS, DEFAULT_SITE, CellProblem
from server.imports.workbook import Table
from server.registry.credit_code import credit_code_problem


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it
    enterprise_name: str
    credit_code: str
    county: str
    site_name: str
    address: str
    guide_version: str
    industry_code: str
    grade: str
    essential_service: bool
    received_on: dt.date
    year: int

    def case(self) -> dict[str, Any]:
        return {
            "guide_version": self.guide_version,
            "industry_code": self.industry_code,
            "claimed_grade": self.grade,
            "claims": [],
        }


class Problems:
    """Every problem found, each with its row and column, in the order a person fixes them."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.items: list[dict[str, Any]] = []

    def add(self, row: int, key: str | None, reason: str) -> None:
        column = COLUMN_BY_KEY[key].header if key else None
        if key in self.table.columns:
            reason = f"{column} (column {self.table.letter(key)}): {reason}"
        elif column:
            reason = f"{column}: {reason}"
        self.items.append({"row": row, "column": column, "reason": reason})

    def sorted(self) -> list[dict[str, Any]]:
        order = {c.header: i for i, c in enumerate(COLUMNS)}
        return sorted(self.items, key=lambda p: (p["row"], order.get(p["column"], -1)))


# What the registry's columns hold (server.registry.models).
_MAX_LENGTH = {"enterprise_name": 200, "county": 50, "site_name": 200, "address": 300}


def parse_row(
    table: Table,
    problems: Problems,
    actor: Actor,
    number: int,
    values: tuple[Any, ...],
    today: dt.date,
) -> Row | None:
    """One row read into values, or None after recording each of its problems."""

    def cell(key: str) -> Any:
        index = table.columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    found = len(problems.items)
    for column in COLUMNS:
        if column.required and not cells.text(cell(column.key)):
            problems.add(number, column.key, "is empty; fill it in")
    parsed: dict[str, Any] = {}

    def read(key: str, parse: Any, *args: Any) -> None:
        if not cells.text(cell(key)) and COLUMN_BY_KEY[key].required:
            return  # already reported as empty
        try:
            parsed[key] = parse(cell(key), *args)
        except CellProblem as exc:
            problems.add(number, key, str(exc))

    for key, limit in _MAX_LENGTH.items():
        if len(cells.text(cell(key))) > limit:
            problems.add(number, key, f"is longer than {limit} characters; shorten it")
    read("credit_code", _credit_code)
    read("county", _county, actor)
    read("guide_version", cells.guide_code)
    if "guide_version" in parsed:
        read("industry", cells.industry_for, parsed["guide_version"])
    if "industry" in parsed:
        read("grade", _grade, parsed["industry"])
    read("essential_service", cells.yes_no)
    read("received_on", cells.date_value, today)
    read("year", cells.year_value)
    received_on, year = parsed.get("received_on"), parsed.get("year")
    if received_on and year and abs(year - received_on.year) > 1:
        problems.add(
            number,
            "year",
            f"{year} does not fit 受理日期 {received_on.isoformat()}; one of them is mistyped",
        )
    if len(problems.items) > found:
        return None
    industry = parsed["industry"]
    return Row(
        number=number,
        enterprise_name=cells.text(cell("enterprise_name")),
        credit_code=parsed["credit_code"],
        county=parsed["county"],
        site_name=cells.text(cell("site_name")) or DEFAULT_SITE,
        address=cells.text(cell("address")),
        guide_version=industry.guide_version,
        industry_code=industry.code,
        grade=parsed["grade"],
        essential_service=parsed["essential_service"],
        received_on=parsed["received_on"],
        year=parsed["year"],
    )


def _credit_code(value: Any) -> str:
    code = cells.credit_code_text(value)
    problem = credit_code_problem(code)
    if problem:
        raise CellProblem(f"{code} {problem}")
    return code


def _county(value: Any, actor: Actor) -> str:
    county = cells.normalise_text(cells.text(value))
    if not actor.sees_county(county):
        raise CellProblem(
            f"{county} is outside your scope ({actor.county}); only the city or {county}'s own "
            "bureau may import this plant"
        )
    return county


def _grade(value: Any, industry: Industry) -> str:
    grade = cells.grade_code(value)
    if grade not in industry.scale:
        raise CellProblem(
            f"{grade} is not on the scale of {industry.name_zh} under {industry.guide_version}: "
            f"{' / '.join(industry.scale)}"
        )
    return grade


def check_across_rows(rows: list[Row], problems: Problems) -> None:
    """One enterprise per credit code, and each of its sites once in the sheet."""
    by_code: dict[str, Row] = {}
    by_site: dict[tuple[str, str], Row] = {}
    for row in rows:
        first = by_code.setdefault(row.credit_code, row)
        if not same_name(first.enterprise_name, row.enterprise_name):
            problems.add(
                row.number,
                "enterprise_name",
                f"row {first.number} gives this credit code to {first.enterprise_name}; "
                "one of the names or codes is wrong",
            )
        if first.county != row.county:
            problems.add(
                row.number,
                "county",
                f"row {first.number} puts this enterprise in {first.county}; an enterprise is "
                "registered in one county",
            )
        twin = by_site.setdefault((row.credit_code, row.site_name), row)
        if twin is not row:
            problems.add(
                row.number,
                "site_name",
                f"{row.site_name} of this enterprise is already in row {twin.number}; a site "
                "files once — delete one row, or name the other site (厂区名称)",
            )


def same_name(a: str, b: str) -> bool:
    """Equal but for spaces and full- or half-width forms: （） and () are the same name."""
    return cells.normalise_text(a) == cells.normalise_text(b)
