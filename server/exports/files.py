"""What an export wrote: its file name and media type, and the helpers every list shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO, Any

from server.clock import CHINA
from server.exports.tables import Table, write_csv, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMATS = {"xlsx": XLSX, "csv": CSV}


@dataclass(frozen=True)
class Written:
    """An export written to the caller's stream."""

    filename: str
    media_type: str
    rows: int
    headers: dict[str, str] | None = None  # extra response headers (the manifest's hash)


def write_table(table: Table, fmt: str, out: IO[bytes]) -> None:
    """``table`` as ``fmt`` (xlsx or csv) into ``out``."""
    if fmt == "xlsx":
        write_xlsx(table, out)
    elif fmt == "csv":
        write_csv(table, out)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


def china_time(moment: dt.datetime) -> str:
    """A moment as a Chinese reader writes it: ``2026-09-02 10:00（北京时间）``."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") + "（北京时间）"


def utc_iso(moment: dt.datetime | None) -> str | None:
    """``2026-09-02T02:00:00Z``: RFC 3339 in UTC, as every JSON the exports write."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def filters_text(filters: dict[str, Any]) -> str:
    chosen = [f"{name}={value}" for name, value in filters.items() if value not in (None, "")]
    return "；".join(chosen) if chosen else "无（全部）"
