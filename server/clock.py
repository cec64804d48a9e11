"""Dates as the bureaus see them: the calendar day in China Standard Time.

Timestamps are stored in UTC; a date a user gives (received, decided, recorded) is a day in
China, so "not in the future" is judged against today's date in Asia/Shanghai, not in UTC.
"""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")  # no daylight saving since 1991


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def now() -> dt.datetime:
    """The current time in UTC. Rules that count time (sign-in lock-outs) read it here, so tests
    move it instead of sleeping."""
    return dt.datetime.now(dt.UTC)
