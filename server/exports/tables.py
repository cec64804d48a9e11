"""Writing a list as XLSX (bold frozen header, column widths, a notes sheet) or as CSV.

The CSV is UTF-8 with a byte-order mark, so Excel and WPS open the Chinese correctly; the XLSX
is written in openpyxl's write-only mode, so a city's 5,000 plants stream to the file row by
row. Text that a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) stays text:
in the XLSX the cell is typed as a string, in the CSV it gets a leading apostrophe. Control
characters an XLSX cannot hold (from a tablet's text, say) are replaced, never a failed export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOLD = Font(bold=True)
_WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese header, as the bureau's list writes it
    english: str  # the same in English, on the notes sheet and in docs/exports.md
    width: float  # Excel column width (a CJK character is about 2)
    text: bool = False  # always text (credit codes: Excel would round 18 digits as a number)


@dataclass(frozen=True)
class Table:
    sheet: str
    columns: tuple[Column, ...]
    rows: Iterable[Sequence[Any]]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (label, value), sheet 说明


def write_csv(table: Table, out: IO[bytes]) -> None:
    """The header row and every row, UTF-8 with BOM, CRLF line ends (what Excel writes)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow([column.header for column in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(value) for value in row])
        text.flush()
    finally:
        text.detach()  # the caller owns ``out``; closing the wrapper would close it


def write_xlsx(table: Table, out: IO[bytes]) -> None:
    """One sheet with the list (header bold and frozen, widths set), one with the notes."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(table.sheet)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, column.header, bold=True) for column in table.columns])
    for row in table.rows:
        sheet.append(
            [
                _cell(sheet, value, text=column.text)
                for column, value in zip(table.columns, row, strict=True)
            ]
        )
    notes = book.create_sheet("说明")
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 90
    notes.append([_cell(notes, "项目 Item", bold=True), _cell(notes, "内容 Content", bold=True)])
    for label, value in table.notes:
        notes.append([_cell(notes, label), _cell(notes, value, wrap=True)])
    book.save(out)


def column_notes(columns: Sequence[Column]) -> list[tuple[str, str]]:
    """One notes line per column: its Chinese header and its English name."""
    return [(f"列 {column.header}", f"Column: {column.english}") for column in columns]


def _csv_value(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def clean_text(value: str) -> str:
    """``value`` without the control characters an XLSX cannot hold (XML 1.0 forbids them;
    openpyxl raises): each becomes U+FFFD, so the reader sees something was there."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _cell(
    sheet: Any, value: Any, *, bold: bool = False, text: bool = False, wrap: bool = False
) -> WriteOnlyCell:
    if isinstance(value, str):
        value = clean_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would otherwise store it as a formula
    if text:
        cell.number_format = "@"
    if bold:
        cell.font = _BOLD
    if wrap:
        cell.alignment = _WRAP
    return cell
