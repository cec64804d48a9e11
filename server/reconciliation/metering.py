"""Separate electricity metering (分表计电) CSV: readings of production and treatment meters.

Header ``meter,role,timestamp,kw``; role is ``production`` or ``treatment``; timestamp is ISO 8601
with an offset (naive means China time); kW is a number ≥ 0. Pure: no I/O (RULES.md rule 21).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from server.reconciliation.hj212 import CHINA_TZ

HEADER = ("meter", "role", "timestamp", "kw")
ROLES = frozenset({"production", "treatment"})


@dataclass(frozen=True)
class Reading:
    """One meter reading: active power in kW at an aware UTC time."""

    meter: str
    role: str
    timestamp: datetime
    kw: float
    row: int = 0


@dataclass(frozen=True)
class RowError:
    """A CSV row that was not kept; ``row`` counts the header as row 1."""

    row: int
    code: str
    message: str


@dataclass(frozen=True)
class MeteringResult:
    readings: list[Reading]
    errors: list[RowError]


@dataclass(frozen=True)
class Gap:
    """Two consecutive readings of one meter further apart than expected."""

    meter: str
    after: datetime
    before: datetime

    @property
    def duration(self) -> timedelta:
        return self.before - self.after


def parse_timestamp(text: str) -> datetime:
    """ISO 8601 → aware UTC; a naive time is China Standard Time. Raises ValueError."""
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CHINA_TZ)
    return parsed.astimezone(UTC)


def parse_kw(text: str) -> float:
    """A finite number ≥ 0. Raises ValueError."""
    value = float(text.strip())
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{text!r} is not a finite number ≥ 0")
    return value


def _check_row(
    cells: list[str], row: int, known_meters: Mapping[str, str] | None
) -> Reading | RowError:
    if len(cells) != len(HEADER):
        return RowError(row, "metering.malformed", f"expected 4 columns, found {len(cells)}")
    meter, role, stamp, kw_text = (cell.strip() for cell in cells)
    if role not in ROLES:
        return RowError(row, "metering.bad_role", f"role {role!r} is not production or treatment")
    if known_meters is not None:
        if meter not in known_meters:
            return RowError(row, "metering.unknown_meter", f"meter {meter!r} is not registered")
        if known_meters[meter] != role:
            return RowError(
                row,
                "metering.role_mismatch",
                f"meter {meter} is registered as {known_meters[meter]}, not {role}",
            )
    elif not meter:
        return RowError(row, "metering.unknown_meter", "meter is empty")
    try:
        kw = parse_kw(kw_text)
    except ValueError:
        return RowError(row, "metering.bad_number", f"kW {kw_text!r} is not a number ≥ 0")
    try:
        timestamp = parse_timestamp(stamp)
    except ValueError:
        return RowError(row, "metering.bad_time", f"timestamp {stamp!r} is not ISO 8601")
    return Reading(meter, role, timestamp, kw, row)


def parse_metering(text: str, known_meters: Mapping[str, str] | None = None) -> MeteringResult:
    """Parse the CSV; report each bad row by number and keep the good ones.

    ``known_meters`` maps meter id → registered role; None accepts any meter.
    """
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(cell.strip().lower() for cell in header) != HEADER:
        return MeteringResult(
            [], [RowError(1, "metering.bad_header", "header must be meter,role,timestamp,kw")]
        )
    readings: list[Reading] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, datetime], int] = {}
    for cells in reader:
        row = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        result = _check_row(cells, row, known_meters)
        if isinstance(result, RowError):
            errors.append(result)
            continue
        key = (result.meter, result.timestamp)
        if key in seen:
            errors.append(
                RowError(
                    row,
                    "metering.duplicate",
                    f"meter {result.meter} already read at this time in row {seen[key]}",
                )
            )
            continue
        seen[key] = row
        readings.append(result)
    return MeteringResult(readings, errors)


def gaps(
    readings: Iterable[Reading], expected_interval: timedelta, tolerance: float = 0.5
) -> list[Gap]:
    """Per meter, consecutive readings more than ``expected_interval × (1 + tolerance)`` apart."""
    limit = expected_interval * (1 + tolerance)
    by_meter: dict[str, list[datetime]] = {}
    for reading in readings:
        by_meter.setdefault(reading.meter, []).append(reading.timestamp)
    found: list[Gap] = []
    for meter, times in sorted(by_meter.items()):
        ordered = sorted(times)
        found.extend(
            Gap(meter, earlier, later)
            for earlier, later in pairwise(ordered)
            if later - earlier > limit
        )
    return found
