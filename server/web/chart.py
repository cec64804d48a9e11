"""The production chart of a visit as SVG geometry: flue-gas flow per CEMS point and power per
meter over the visit window, two panels on one time axis. Pure: the series in, numbers out.

The series come from ``server.reconciliation.service.production_series``. A line breaks where
readings stop for longer than three of its usual intervals, so a gap is seen, not bridged.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from server.clock import CHINA

WIDTH, PANEL_HEIGHT, LEFT, RIGHT, TOP, GAP, BOTTOM = 960.0, 130.0, 64.0, 44.0, 24.0, 44.0, 30.0
ZOOM_BELOW = 0.5  # data covering less of the window than this: the chart shows the data's span
FLOW_COLOURS = ("#2c5a8c", "#5b8fc7", "#173a61", "#7aa7d9")
POWER_COLOURS = {"production": ("#c0661c", "#e39a4f"), "treatment": ("#1e7d4f", "#52b07f")}
NORMAL_FLAG = "N"


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    segments: list[str]  # SVG polyline point lists, one per unbroken run
    flagged: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, flag
    role: str | None = None  # a meter's: production | treatment


@dataclass(frozen=True)
class Panel:
    title_key: str  # an i18n key
    top: float
    height: float
    y_ticks: list[tuple[float, str]]
    lines: list[Line]


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    left: float
    right: float
    x_ticks: list[tuple[float, str]]
    panels: list[Panel]
    on_site: tuple[float, float] | None  # the inspectors' time on site, shaded
    start: dt.datetime  # what the time axis shows: the window, or the data's span within it
    end: dt.datetime
    zoomed: bool


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * 10**exponent >= value:
            return step * 10**exponent
    return 10 ** (exponent + 1)


def _ticks(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Round China-time hours: every 1, 2, 3, 6, 12 or 24 h, about six in all."""
    hours = max((end - start).total_seconds() / 3600, 1)
    step = next((s for s in (1, 2, 3, 6, 12, 24, 48) if hours / s <= 7), 96)
    local = start.astimezone(CHINA).replace(minute=0, second=0, microsecond=0)
    local += dt.timedelta(hours=(-local.hour) % step if step <= 24 else 0)
    if local < start:
        local += dt.timedelta(hours=step)
    ticks = []
    while local <= end:
        ticks.append(local)
        local += dt.timedelta(hours=step)
    return ticks


def _runs(points: Sequence[tuple[dt.datetime, float]]) -> list[list[tuple[dt.datetime, float]]]:
    if len(points) < 2:
        return [list(points)] if points else []
    gaps = [(b[0] - a[0]).total_seconds() for a, b in itertools.pairwise(points)]
    limit = 3 * statistics.median(gaps)
    runs, current = [], [points[0]]
    for gap, point in zip(gaps, points[1:], strict=True):
        if gap > limit:
            runs.append(current)
            current = []
        current.append(point)
    runs.append(current)
    return runs


def _panel(
    title_key: str,
    top: float,
    groups: Mapping[str, list[tuple[dt.datetime, float, str | None]]],
    colours: Mapping[str, str],
    x_of: Any,
    roles: Mapping[str, str] | None = None,
) -> Panel:
    peak = max((v for rows in groups.values() for _, v, _ in rows), default=0.0)
    y_max = _nice_max(peak)

    def y_of(value: float) -> float:
        return round(top + PANEL_HEIGHT - value / y_max * PANEL_HEIGHT, 1)

    lines = []
    for name, rows in groups.items():
        segments = []
        for run in _runs([(t, v) for t, v, _ in rows]):
            segments.append(" ".join(f"{x_of(t)},{y_of(v)}" for t, v in run))
        flagged = [(x_of(t), y_of(v), flag) for t, v, flag in rows if flag and flag != NORMAL_FLAG]
        role = roles.get(name) if roles else None
        lines.append(Line(name, colours[name], segments, flagged, role))
    ticks = [(y_of(y_max * i / 4), _amount(y_max * i / 4)) for i in range(5)]
    return Panel(title_key, top, PANEL_HEIGHT, ticks, lines)


def _amount(value: float) -> str:
    return f"{value / 1000:g}k" if value >= 10_000 else f"{value:g}"


def production_chart(
    series: Mapping[str, Any] | None,
    on_site: tuple[dt.datetime, dt.datetime] | None = None,
) -> Chart | None:
    """The chart of ``production_series``' answer, or None when it has no reading at all.

    The time axis is the visit window; when the readings cover less than half of it, the axis
    is their span (whole hours) so the curves can be read, and the chart says so."""
    if not series or not (series.get("flow") or series.get("power")):
        return None
    flow: dict[str, list[tuple[dt.datetime, float, str | None]]] = {}
    for row in series.get("flow") or []:
        if row.get("flow") is not None:
            flow.setdefault(row["mn"], []).append((_time(row["t"]), row["flow"], row.get("flag")))
    power: dict[str, list[tuple[dt.datetime, float, str | None]]] = {}
    roles: dict[str, str] = {}
    for row in series.get("power") or []:
        name = str(row["meter"])
        roles[name] = row.get("role") or "production"
        power.setdefault(name, []).append((_time(row["t"]), row["kw"], None))
    start, end = _time(series["window_start"]), _time(series["window_end"])
    times = [t for rows in (*flow.values(), *power.values()) for t, _, _ in rows]
    zoomed = False
    if times and (max(times) - min(times)) < (end - start) * ZOOM_BELOW:
        first, last = min(times), max(times)
        if on_site:
            first, last = min(first, on_site[0]), max(last, on_site[1])
        start = max(start, first.replace(minute=0, second=0, microsecond=0))
        end = min(end, last.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1))
        zoomed = True
    span = max((end - start).total_seconds(), 1.0)
    inner = WIDTH - LEFT - RIGHT

    def x_of(t: dt.datetime) -> float:
        clipped = min(max(t, start), end)
        return round(LEFT + (clipped - start).total_seconds() / span * inner, 1)

    panels = []
    top = TOP
    if flow:
        panels.append(_panel("dossier.chart.flow", top, flow, _colours(flow, FLOW_COLOURS), x_of))
        top += PANEL_HEIGHT + GAP
    if power:
        colours = _power_colours(power, roles)
        panels.append(_panel("dossier.chart.power", top, power, colours, x_of, roles))
        top += PANEL_HEIGHT + GAP
    x_ticks = [(x_of(t), t.strftime("%m-%d %H:%M")) for t in _ticks(start, end)]
    band = (x_of(on_site[0]), x_of(on_site[1])) if on_site else None
    height = top - GAP + BOTTOM
    return Chart(WIDTH, height, LEFT, WIDTH - RIGHT, x_ticks, panels, band, start, end, zoomed)


def _colours(names: Iterable[str], palette: Sequence[str]) -> dict[str, str]:
    return {name: palette[i % len(palette)] for i, name in enumerate(sorted(names))}


def _power_colours(names: Iterable[str], roles: Mapping[str, str]) -> dict[str, str]:
    seen: dict[str, int] = {}
    colours = {}
    for name in sorted(names):
        palette = POWER_COLOURS.get(roles[name], POWER_COLOURS["production"])
        index = seen.get(roles[name], 0)
        colours[name] = palette[index % len(palette)]
        seen[roles[name]] = index + 1
    return colours


# --- emission limits against CEMS hours (issue 17) ---------------------------------------------

EM_WIDTH, EM_HEIGHT, EM_TOP, EM_PLOT, EM_LEFT, EM_RIGHT = 960.0, 200.0, 16.0, 140.0, 64.0, 44.0
EM_COLOURS = ("#2c5a8c", "#7a4fa0", "#1e7d4f", "#c0661c")
# Why an hour was left out, in words: HJ 212 data flags and the check's own reasons
EXCLUSION_WORDS: dict[str, tuple[str, str]] = {
    "F": ("停运", "stopped"),
    "M": ("维护", "maintenance"),
    "S": ("手工输入", "manual setting"),
    "D": ("故障", "fault"),
    "C": ("校准", "calibration"),
    "T": ("超测上限", "over range"),
    "B": ("通讯异常", "communication error"),
    "missing": ("无该污染物均值", "no average for the pollutant"),
    "no_oxygen": ("无有效氧含量，无法折算", "no valid oxygen to convert with"),
}


def exclusion_words(why: str) -> tuple[str, str]:
    return EXCLUSION_WORDS.get(why, (f"标记 {why}", f"flag {why}"))


@dataclass(frozen=True)
class EmissionChart:
    """One emission-limit claim's hourly values on its basis, with the limit drawn across."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    limit_y: float | None
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    lines: list[Line]
    above: list[tuple[float, float, str]]  # x, y, "MN time value" of hours above the limit
    excluded: list[tuple[float, str, str]]  # x, zh and en "MN time why" of hours left out
    visit: tuple[float, float]  # the visit window, shaded
    check: dict[str, Any]  # the verdict and its numbers (emission_limits.LimitVerdict.to_json)
    # per period (visit, before): (zh, en, hours) of every reason hours were left out
    left_out: tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]


def emission_chart(entry: Mapping[str, Any]) -> EmissionChart:
    """The chart of one ``reconciliation.service.emission_series`` entry: the visit window and
    the days before it, every valid hour per point, the limit, and the hours left out."""
    check = entry["check"]
    start, end = _time(check["before"]["start"]), _time(check["visit"]["end"])
    visit_start = _time(check["visit"]["start"])
    limit = check.get("limit")
    values = [row["value"] for row in entry["series"] if row["value"] is not None]
    y_max = _nice_max(max([*values, (limit or 0.0) * 1.2, 0.0]))
    inner = EM_WIDTH - EM_LEFT - EM_RIGHT
    span = max((end - start).total_seconds(), 1.0)
    bottom = EM_TOP + EM_PLOT

    def x_of(t: dt.datetime) -> float:
        clipped = min(max(t, start), end)
        return round(EM_LEFT + (clipped - start).total_seconds() / span * inner, 1)

    def y_of(value: float) -> float:
        return round(bottom - min(value, y_max) / y_max * EM_PLOT, 1)

    by_point: dict[str, list[tuple[dt.datetime, float]]] = {}
    above: list[tuple[float, float, str]] = []
    excluded: list[tuple[float, str, str]] = []
    for row in entry["series"]:
        t = _time(row["t"])
        if row["value"] is None:
            local = t.astimezone(CHINA).strftime("%m-%d %H:%M")
            zh, en = exclusion_words(row["excluded"])
            excluded.append((x_of(t), f"{row['mn']} {local} {zh}", f"{row['mn']} {local} {en}"))
            continue
        by_point.setdefault(row["mn"], []).append((t, row["value"]))
        if limit is not None and row["value"] > limit:
            local = t.astimezone(CHINA).strftime("%m-%d %H:%M")
            above.append((x_of(t), y_of(row["value"]), f"{row['mn']} {local} {row['value']:g}"))
    colours = _colours(by_point, EM_COLOURS)
    lines = [
        Line(
            mn,
            colours[mn],
            [" ".join(f"{x_of(t)},{y_of(v)}" for t, v in run) for run in _hourly_runs(rows)],
        )
        for mn, rows in sorted(by_point.items())
    ]
    days = max(int(span // 86400), 1)
    step = next((d for d in (1, 2, 5, 7, 10, 15) if days / d <= 8), 30)
    first = start.astimezone(CHINA).replace(hour=0, minute=0, second=0, microsecond=0)
    ticks = []
    tick = first + dt.timedelta(days=1)
    while tick <= end:
        ticks.append((x_of(tick), tick.strftime("%m-%d")))
        tick += dt.timedelta(days=step)
    return EmissionChart(
        EM_WIDTH,
        EM_HEIGHT,
        EM_LEFT,
        EM_WIDTH - EM_RIGHT,
        EM_TOP,
        bottom,
        y_of(limit) if limit is not None else None,
        [(y_of(y_max * i / 4), _amount(y_max * i / 4)) for i in range(5)],
        ticks,
        lines,
        above,
        excluded,
        (x_of(visit_start), x_of(end)),
        dict(check),
        (_left_out(check["visit"]), _left_out(check["before"])),
    )


def _left_out(period: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    return [(*exclusion_words(why), n) for why, n in sorted(period["excluded"].items())]


def _hourly_runs(
    points: Sequence[tuple[dt.datetime, float]],
) -> list[list[tuple[dt.datetime, float]]]:
    """Unbroken runs of hourly values: a line breaks where an hour is missing or left out."""
    runs: list[list[tuple[dt.datetime, float]]] = []
    for point in points:
        if runs and point[0] - runs[-1][-1][0] <= dt.timedelta(hours=1):
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs
