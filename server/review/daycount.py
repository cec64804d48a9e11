"""Counting deadline days: calendar days, or working days with a holiday list. Pure.

The day of receipt is not counted: a filing received on 1 July with 7 days is due on 8 July
and overdue from 9 July.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

CALENDAR = "calendar"
WORKING = "working"
DAY_KINDS = (CALENDAR, WORKING)
_DAY = dt.timedelta(days=1)


def is_working_day(
    day: dt.date, holidays: Collection[dt.date] = (), workdays: Collection[dt.date] = ()
) -> bool:
    """Monday to Friday, less listed holidays, plus listed make-up workdays (调休)."""
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_days(
    start: dt.date,
    days: int,
    *,
    kind: str = CALENDAR,
    holidays: Collection[dt.date] = (),
    workdays: Collection[dt.date] = (),
) -> dt.date:
    """The last day of a period of ``days`` starting the day after ``start``."""
    if kind == CALENDAR:
        return start + dt.timedelta(days=days)
    if kind != WORKING:
        raise ValueError(f"unknown day kind {kind!r}; known: {', '.join(DAY_KINDS)}")
    day, counted = start, 0
    while counted < days:
        day += _DAY
        if is_working_day(day, holidays, workdays):
            counted += 1
    return day
