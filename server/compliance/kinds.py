"""Penalty kinds as the notices name them, and which of them bar which grades (rule 6).

Pure (no SQL): the grading core reads the same kinds and bars as the registry records.

The notices differ (so the bar is a versioned jurisdiction setting, ``server.review.
jurisdiction``):
- S0 §五(二) (Zhumadian 2020): within one year, built before approval, exceeding the permit's
  concentration or quantity, not installing/using automatic monitoring, with an administrative
  penalty, bar A, B (incl. B-), leading and advanced;
- S2 §二 (Henan 2021): *any* administrative penalty within one year bars A, B (incl. B-) and
  leading (a downgrade within a year too, a separate setting);
- S4 §四(二) (Shaoxing): no lawful EIA, no discharge permit, exceeding the permitted
  concentration or quantity, evading supervision, not installing/using automatic monitoring
  bar B (incl. leading) and above *in the same year*.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass


class PenaltyKind(enum.StrEnum):
    """Kinds of administrative penalty (行政处罚) the notices name; values are stored."""

    no_eia = "no_eia"  # 未依法进行环境影响评价 (S4 §四(二))
    built_before_approval = "built_before_approval"  # 未批先建 (S0 §五(二))
    no_discharge_permit = "no_discharge_permit"  # 未取得排污许可证 (S4 §四(二))
    exceeded_permit_limits = "exceeded_permit_limits"  # 超过许可排放浓度或排放量 (S0, S4)
    evading_supervision = "evading_supervision"  # 以逃避监管方式违法排放 (S4 §四(二))
    monitoring_not_running = "monitoring_not_running"  # 未按规定安装使用自动监测设备 (S0, S4)
    downgraded = "downgraded"  # not a penalty: a downgrade within a year (S2 §二), own setting
    other = "other"  # any other administrative penalty (S2 §二 bars it in Henan)


# What people read for each kind, Chinese first (API docs, exports, reviewer pages).
PENALTY_LABELS: dict[str, tuple[str, str]] = {
    "no_eia": ("未依法进行环境影响评价", "no lawful environmental impact assessment"),
    "built_before_approval": ("未批先建", "built before the EIA was approved"),
    "no_discharge_permit": ("未取得排污许可证", "no pollutant discharge permit"),
    "exceeded_permit_limits": (
        "超过许可排放浓度或者排放量排放大气污染物",
        "air pollutants above the permitted concentration or quantity",
    ),
    "evading_supervision": (
        "以逃避监管方式违法排放大气污染物",
        "air pollutants discharged in a way that evades supervision",
    ),
    "monitoring_not_running": (
        "未按照规定安装使用大气污染物自动监测设备",
        "automatic air-pollutant monitoring not installed or not used as required",
    ),
    "downgraded": ("一年内被降级", "downgraded within the past year"),
    "other": ("其他行政处罚", "another administrative penalty"),
}

ANY_PENALTY = "any"  # a bar on every administrative penalty (S2 §二), not on a downgrade
ROLLING_YEAR, CALENDAR_YEAR = "rolling_365", "calendar_year"
PERIODS = (ROLLING_YEAR, CALENDAR_YEAR)
ONE_YEAR = dt.timedelta(days=365)

# The grades the notices bar: A+ is chosen from A plants; B- is part of B ("B（含B-）");
# Henan's advanced level (S0) stands where leading does.
TOP_GRADES = frozenset({"A+", "A", "B", "B-", "leading", "advanced"})


def label(kind: str) -> tuple[str, str]:
    """(zh, en) for a kind; an unknown code is shown as itself."""
    return PENALTY_LABELS.get(kind, (kind, kind))


def labels_text(kinds: Iterable[str], lang: str) -> str:
    sep = "、" if lang == "zh" else "; "
    return sep.join(label(k)[0 if lang == "zh" else 1] for k in kinds)


@dataclass(frozen=True)
class PenaltyBar:
    """Which penalty kinds bar which grades, over which period (a jurisdiction setting)."""

    kinds: frozenset[str]  # PenaltyKind values, or ANY_PENALTY
    grades: frozenset[str]
    period: str = ROLLING_YEAR  # 365 days up to the day judged, or that day's calendar year
    source: str = "S0 §五(二)"

    def bars_kind(self, kind: str) -> bool:
        if kind == PenaltyKind.downgraded:
            return False  # a downgrade is its own setting (bars_downgraded)
        return ANY_PENALTY in self.kinds or kind in self.kinds

    def in_period(self, decided_on: dt.date, on: dt.date, year: int | None = None) -> bool:
        """Whether a penalty decided on ``decided_on`` counts on ``on`` (never a later one).

        A calendar-year bar (S4 §四(二) 当年不得申报) counts the penalties of the year judged
        in and, when given, of the filing's year ``year`` (a 2026 filing decided in January
        2027 is still barred by a penalty of 2026)."""
        if decided_on > on:
            return False
        if self.period == CALENDAR_YEAR:
            return decided_on.year in (on.year, on.year if year is None else year)
        return on - ONE_YEAR < decided_on

    def describe(self) -> tuple[str, str]:
        """The bar in words, both languages."""
        if ANY_PENALTY in self.kinds:
            kinds_zh, kinds_en = "任何行政处罚", "any administrative penalty"
        else:
            ordered = [k.value for k in PenaltyKind if k.value in self.kinds]
            kinds_zh, kinds_en = labels_text(ordered, "zh"), labels_text(ordered, "en")
        when_zh, when_en = (
            ("当年", "in the same calendar year")
            if self.period == CALENDAR_YEAR
            else ("一年内", "within 365 days")
        )
        grades = [g for g in ("A+", "A", "B", "B-", "leading", "advanced") if g in self.grades]
        return (
            f"{when_zh}受到行政处罚（{kinds_zh}）的，不得评为 {'、'.join(grades)}（{self.source}）",
            f"A penalty {when_en} for {kinds_en} bars {', '.join(grades)} ({self.source})",
        )


# Rule 6's kinds that every notice names: the bar of a city with no settings stored.
DEFAULT_BAR = PenaltyBar(
    frozenset({"built_before_approval", "exceeded_permit_limits", "monitoring_not_running"}),
    TOP_GRADES,
)
HENAN_2021_BAR = PenaltyBar(frozenset({ANY_PENALTY}), TOP_GRADES, ROLLING_YEAR, "S2 §二")
SHAOXING_BAR = PenaltyBar(
    frozenset(
        {
            "no_eia",
            "built_before_approval",  # 未批先建 is building without a lawful EIA
            "no_discharge_permit",
            "exceeded_permit_limits",
            "evading_supervision",
            "monitoring_not_running",
        }
    ),
    frozenset({"A+", "A", "B", "B-", "leading"}),  # "B级（含引领性）及以上"; B- is part of B
    CALENDAR_YEAR,
    "S4 §四(二)",
)


def cite(kinds: Iterable[str], period: str) -> str:
    """The notice a stored bar follows in shape: any penalty is Henan's (S2), a calendar year
    Shaoxing's (S4), named kinds over 365 days Zhumadian's (S0)."""
    if ANY_PENALTY in set(kinds):
        return "S2 §二"
    return "S4 §四(二)" if period == CALENDAR_YEAR else "S0 §五(二)"


def barring(
    penalties: Iterable[tuple[str, dt.date]],
    on: dt.date,
    bar: PenaltyBar = DEFAULT_BAR,
    year: int | None = None,
) -> list[str]:
    """The kinds of the penalties that count on ``on`` under ``bar`` and that it bars."""
    return [k for k in in_period(penalties, on, bar, year) if bar.bars_kind(k)]


def in_period(
    penalties: Iterable[tuple[str, dt.date]],
    on: dt.date,
    bar: PenaltyBar = DEFAULT_BAR,
    year: int | None = None,
) -> list[str]:
    """The kinds of every penalty (barring or not) in the bar's period on ``on``."""
    return sorted({k for k, day in penalties if bar.in_period(day, on, year)})
