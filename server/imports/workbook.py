"""Opening an uploaded workbook safely and finding its header row and data rows.

Only values are read (``data_only=True``: a formula gives its cached result, or nothing), in
read-only mode so a large sheet streams. A title row above the headers, a two-row header and
vertically merged header cells are all understood; anything else about the file that is wrong
is refused with ``ImportRejected`` saying what to do.
"""

from __future__ import annotations

import io
import itertools
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from server.errors import ImportRejected
from server.imports.cells import COLUMNS, column_for_header, text

MAX_BYTES = 10 * 1024 * 1024  # Shijiazhuang's 5,522 plants fit in well under 1 MB
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a zip bomb stops here, before any XML is parsed
MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 10
_MIN_HEADER_MATCHES = 3


@dataclass
class Table:
    sheet: str
    header_rows: tuple[int, int]  # first and last header row, as Excel numbers them
    columns: dict[str, int]  # column key -> 0-based index
    rows: list[tuple[int, tuple[Any, ...]]]  # (Excel row number, cell values)

    def letter(self, key: str) -> str:
        return get_column_letter(self.columns[key] + 1)


def _file_rejected(reason: str) -> ImportRejected:
    return ImportRejected(reason, errors={"file": [reason], "columns": [], "rows": []})


def sniff(data: bytes) -> None:
    """Refuse what is not an XLSX workbook before a parser sees it."""
    if len(data) > MAX_BYTES:
        raise _file_rejected(
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; split the list into "
            "several files"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_rejected(
            "this is an old Excel 97-2003 (.xls) file; open it in Excel or WPS and save it as "
            ".xlsx (Excel workbook), then upload that"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise _file_rejected(
            "this is not an Excel workbook (.xlsx); a CSV, PDF or picture cannot be imported. "
            "Save the list as .xlsx and upload that"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise _file_rejected("the .xlsx file is damaged (not a readable ZIP archive)") from exc
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise _file_rejected(
            "this is a ZIP archive but not an Excel workbook; upload the .xlsx file itself"
        )
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED:
        raise _file_rejected("the workbook unpacks to more than 200 MB; split the list")


def read_table(data: bytes) -> Table:
    """The first sheet that carries the application list's headers, with its non-empty rows."""
    sniff(data)
    try:
        # openpyxl warns about features it skips (data validation, styles); values are unaffected.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return _table(workbook)
            finally:
                workbook.close()
    except ImportRejected:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; all mean the same
        raise _file_rejected(
            f"the workbook cannot be read ({type(exc).__name__}); open it in Excel or WPS, "
            "save it again as .xlsx and upload that"
        ) from exc


def _table(workbook: Any) -> Table:
    first: tuple[Any, list[tuple[int, tuple[Any, ...]]]] | None = None
    for sheet in workbook.worksheets:
        sheet.reset_dimensions()  # some writers record a wrong sheet size; read what is there
        rows = _numbered(sheet.iter_rows(values_only=True))
        head = [next(rows, None) for _ in range(HEADER_SCAN_ROWS)]
        scanned = [row for row in head if row is not None]
        first = first or (sheet, scanned)
        block = _header_block(scanned)
        if block is not None:
            columns, problems = _columns(scanned, block)
            if problems:
                raise _columns_rejected(sheet.title, scanned, block, problems)
            below = (row for row in scanned if row[0] > block[1])
            return Table(sheet.title, block, columns, _non_empty(itertools.chain(below, rows)))
    sheet, scanned = first if first else (None, [])
    title = sheet.title if sheet is not None else "(none)"
    problems = [
        {"column": c.header, "reason": f"missing; accepted headers: {_accepted(c)}"}
        for c in COLUMNS
        if c.required
    ]
    raise _columns_rejected(title, scanned, None, problems)


def _numbered(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for number, values in enumerate(rows, start=1):
        yield number, tuple(values)


def _header_block(scanned: list[tuple[int, tuple[Any, ...]]]) -> tuple[int, int] | None:
    """The header rows: the first row naming three known columns, with the row above and the
    rows below it that are mostly headers too (a two-row header). A data row never is, even if
    one of its cells happens to read like a header."""

    def mostly_headers(values: tuple[Any, ...]) -> bool:
        named = sum(1 for v in values if column_for_header(v))
        filled = sum(1 for v in values if text(v))
        return named > 0 and 2 * named >= filled

    counts = [sum(1 for v in values if column_for_header(v)) for _, values in scanned]
    start = next((i for i, m in enumerate(counts) if m >= _MIN_HEADER_MATCHES), None)
    if start is None:
        return None
    end = start
    if start > 0 and mostly_headers(scanned[start - 1][1]):
        start -= 1
    while end + 1 < len(scanned) and mostly_headers(scanned[end + 1][1]):
        end += 1
    return scanned[start][0], scanned[end][0]


def _columns(
    scanned: list[tuple[int, tuple[Any, ...]]], block: tuple[int, int]
) -> tuple[dict[str, int], list[dict[str, str]]]:
    """Which column holds which field; a lower header row wins over the one above it (a
    vertically merged cell keeps its text in the top row only)."""
    header_rows = [values for n, values in scanned if block[0] <= n <= block[1]]
    found: dict[str, set[int]] = {}
    width = max((len(values) for values in header_rows), default=0)
    for index in range(width):
        for values in reversed(header_rows):
            key = column_for_header(values[index]) if index < len(values) else None
            if key:
                found.setdefault(key, set()).add(index)
                break
    problems = []
    for column in COLUMNS:
        indexes = sorted(found.get(column.key, ()))
        if len(indexes) > 1:
            letters = " and ".join(get_column_letter(i + 1) for i in indexes)
            problems.append(
                {"column": column.header, "reason": f"appears twice (columns {letters}); keep one"}
            )
        elif not indexes and column.required:
            problems.append(
                {
                    "column": column.header,
                    "reason": f"missing; accepted headers: {_accepted(column)}",
                }
            )
    return {key: min(indexes) for key, indexes in found.items()}, problems


def _accepted(column: Any) -> str:
    return ", ".join((column.header, *column.aliases))


def _columns_rejected(
    sheet: str,
    scanned: list[tuple[int, tuple[Any, ...]]],
    block: tuple[int, int] | None,
    problems: list[dict[str, str]],
) -> ImportRejected:
    if block is not None:
        rows = [values for n, values in scanned if block[0] <= n <= block[1]]
        where = f"rows {block[0]}-{block[1]}" if block[0] != block[1] else f"row {block[0]}"
    else:  # no header row recognised: show the first row with anything in it
        rows = [next((values for _, values in scanned if any(text(v) for v in values)), ())]
        where = "its first row"
    headers = [text(v) for values in rows for v in values if text(v)]
    names = ", ".join(f"{p['column']} ({p['reason'].split(';')[0]})" for p in problems)
    message = (
        f"sheet {sheet!r}: the columns do not match the template: {names}. "
        f"Headers found in {where}: {', '.join(headers) or '(none)'}"
    )
    return ImportRejected(
        message, errors={"columns": problems, "headers_found": headers, "rows": []}
    )


def _non_empty(rows: Iterable[tuple[int, tuple[Any, ...]]]) -> list[tuple[int, tuple[Any, ...]]]:
    kept = []
    for number, values in rows:
        if any(text(v) for v in values):
            kept.append((number, values))
            if len(kept) > MAX_ROWS:
                raise _file_rejected(
                    f"the sheet has more than {MAX_ROWS} rows, the most one import takes; "
                    "split the list"
                )
    if not kept:
        raise _file_rejected("the sheet has the headers but no rows below them")
    return kept
