"""An emission-limit claim checked against the plant's own HJ 212 CEMS hourly data.

Pure: the claim (pollutant, limit, unit, reference oxygen) and the hourly series of the site's
CEMS points in, a verdict with its numbers out. Issue 17 item 2: "SO₂ ≤ 35 mg/m³" is decided by
the data, not by what the inspector read off a screen.

What is counted, per period (the visit window, and the ``lookback_days`` before it):
- *expected* hours: every whole hour of the period at every point that ever reports the
  pollutant; hours with no packet at all are the **gap**;
- *excluded* hours: a data flag other than N (F stopped, M maintenance, D fault, C calibration,
  S manual, T over range, B communication), counted per flag; a packet without the pollutant's
  average; an hour that needs the oxygen conversion but has no valid oxygen (``no_oxygen``);
- *valid* hours: the rest, converted to the claim's basis, compared with the limit (an hour at
  the limit meets it; only above exceeds).

The basis: the packet's own 折算 value (``ZsAvg``) where it carries one; otherwise, when a
reference oxygen is known (from the claim, else the industry's emission standard, said which),
C_ref = C_measured × (21 − O2_ref) / (21 − O2_measured) with the hour's O2 (``a19001``);
otherwise the measured value as it is (the verdict says so).

The verdict (settings in ``EmissionSettings``, documented in docs/reconciliation.md):
- *contradicted* when the share of valid hours above the limit, over both periods, is above
  ``max_share_above`` (0: any valid hour above the limit);
- else *unverifiable* when no point reports the pollutant, the visit window has no valid hour,
  or valid hours are fewer than ``min_valid_share`` of the expected hours;
- else *verified*.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from server.reconciliation.hj212 import CN_HOURLY, Record

VERIFIED, CONTRADICTED, UNVERIFIABLE = "verified", "contradicted", "unverifiable"
OXYGEN = "a19001"  # 氧气含量 (O2, %), HJ 212-2017
OXYGEN_LEGACY = "S01"  # HJ/T 212-2005
NORMAL = "N"
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Pollutant:
    code: str  # HJ 212-2017
    legacy: str  # HJ/T 212-2005, as older data loggers still send it
    zh: str
    en: str
    words: tuple[str, ...]  # how indicator codes and claims name it (lower case)


POLLUTANTS: dict[str, Pollutant] = {
    p.code: p
    for p in (
        Pollutant(
            "a21026",
            "02",
            "二氧化硫",
            "SO₂",
            ("so2", "so₂", "sulphur_dioxide", "sulfur_dioxide", "二氧化硫"),
        ),
        Pollutant("a21002", "03", "氮氧化物", "NOx", ("nox", "noₓ", "nitrogen_oxides", "氮氧化物")),
        Pollutant(
            "a34013",
            "01",
            "颗粒物",
            "particulate matter",
            ("particulate", "pm", "dust", "smoke", "颗粒物", "烟尘", "粉尘"),
        ),
        Pollutant("a24088", "", "非甲烷总烃", "NMHC", ("nmhc", "non_methane", "非甲烷总烃")),
        Pollutant("a21001", "", "氨", "NH₃", ("nh3", "ammonia", "氨")),
        Pollutant("a21005", "", "一氧化碳", "CO", ("co", "carbon_monoxide", "一氧化碳")),
    )
}

# Reference oxygen (基准氧含量, %) of the industry's national emission standard, where it sets
# one for its kilns: used when the claim does not say.
STANDARD_OXYGEN: dict[str, tuple[float, str]] = {
    "cement": (10.0, "GB 4915-2013 水泥窑及窑尾余热利用系统 基准氧含量 10%"),
    "brick_tile_kiln": (18.0, "GB 29620-2013 人工干燥及焙烧 基准氧含量 18%"),
    "ceramics": (18.0, "GB 25464-2010 基准氧含量 18%"),
    "coking": (8.0, "GB 16171-2012 焦炉烟囱 基准氧含量 8%"),
}

_UNITS = {"mg/m3", "mg/m³", "mg/nm3", "mg/nm³", "毫克/立方米", "mg/立方米"}
_LIMIT = re.compile(
    r"(?:≤|<=|＜=|≦|不高于|不超过|不大于|低于|小于|<|＜)\s*(\d+(?:\.\d+)?)\s*([^\s,，;；()（）]*)"
)
_NUMBER_ONLY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([^\s,，;；()（）]*)\s*$")
_OXYGEN = re.compile(
    r"(?:基准氧含量|基准含氧量|基准氧|氧含量|O2|O₂)\s*(?:为|=|:|：)?\s*(\d+(?:\.\d+)?)\s*%", re.I
)
_CODE = re.compile(r"\b(a\d{5})\b")


@dataclass(frozen=True)
class EmissionSettings:
    """The jurisdiction's settings for checking emission limits against CEMS data."""

    lookback_days: int = 30  # the period before the visit window that is checked too
    max_share_above: float = 0.0  # share of valid hours above the limit tolerated (0: none)
    min_valid_share: float = 0.75  # valid hours / expected hours below this: unverifiable


@dataclass(frozen=True)
class LimitClaim:
    """What an emission-limit claim says: the pollutant, the limit and its basis."""

    pollutant: str  # HJ 212-2017 code
    limit: float | None  # mg/m³; None when the claim states no limit
    unit: str = "mg/m³"
    oxygen_ref: float | None = None
    oxygen_source: str | None = None  # "claim" or the standard, in words
    problem: str | None = None  # why the claim cannot be checked: no_limit | unit


class Hour(NamedTuple):
    """One hourly (CN 2061) average of one pollutant at one point, as the packet carried it.
    A named tuple: a city's month of hours is millions of them."""

    point: str  # MN
    at: dt.datetime  # UTC, the hour's DataTime
    value: float | None  # Avg
    zs: float | None = None  # ZsAvg, already on the reference-oxygen basis
    flag: str | None = None
    o2: float | None = None
    o2_flag: str | None = None


@dataclass
class PeriodNumbers:
    start: dt.datetime
    end: dt.datetime
    expected: int = 0
    packets: int = 0
    valid: int = 0
    above: int = 0
    excluded: Counter[str] = field(default_factory=Counter)  # flag or reason → hours
    maximum: float | None = None
    maximum_at: dt.datetime | None = None
    maximum_point: str | None = None
    total: float = 0.0

    @property
    def gap(self) -> int:
        return max(self.expected - self.packets, 0)

    @property
    def share_above(self) -> float:
        return self.above / self.valid if self.valid else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "start": _iso(self.start),
            "end": _iso(self.end),
            "expected_hours": self.expected,
            "hours_with_data": self.packets,
            "gap_hours": self.gap,
            "valid_hours": self.valid,
            "excluded": dict(sorted(self.excluded.items())),
            "hours_above": self.above,
            "share_above": round(self.share_above, 4),
            "maximum": None if self.maximum is None else round(self.maximum, 2),
            "maximum_at": _iso(self.maximum_at) if self.maximum_at else None,
            "maximum_point": self.maximum_point,
            "mean": round(self.total / self.valid, 2) if self.valid else None,
        }


@dataclass(frozen=True)
class LimitVerdict:
    claim: LimitClaim
    verdict: str
    code: str  # emission.within_limit | emission.above_limit | emission.no_data | …
    message_zh: str
    message_en: str
    basis: str  # zs | converted | measured | mixed
    visit: PeriodNumbers
    before: PeriodNumbers
    points: tuple[str, ...]
    # (point, time, value on the claim's basis or None, flag or exclusion reason or None)
    series: tuple[tuple[str, dt.datetime, float | None, str | None], ...] = ()

    def to_json(self) -> dict[str, Any]:
        p = POLLUTANTS.get(self.claim.pollutant)
        return {
            "pollutant": self.claim.pollutant,
            "pollutant_zh": p.zh if p else self.claim.pollutant,
            "pollutant_en": p.en if p else self.claim.pollutant,
            "limit": self.claim.limit,
            "unit": self.claim.unit,
            "oxygen_ref": self.claim.oxygen_ref,
            "oxygen_source": self.claim.oxygen_source,
            "basis": self.basis,
            "verdict": self.verdict,
            "points": list(self.points),
            "visit": self.visit.to_json(),
            "before": self.before.to_json(),
            "step": {
                "code": self.code,
                "message_zh": self.message_zh,
                "message_en": self.message_en,
                "data": {"pollutant": self.claim.pollutant, "limit": self.claim.limit},
            },
        }


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def pollutant_of(*texts: str | None) -> str | None:
    """The HJ 212 code a claim names: an explicit code (a21026), else a pollutant's name."""
    for text in texts:
        if not text:
            continue
        found = _CODE.search(text.lower())
        if found and found.group(1) in POLLUTANTS:
            return found.group(1)
    for text in texts:
        if not text:
            continue
        lowered = text.lower()
        tokens = set(re.split(r"[^a-z0-9₂ₓ]+", lowered))
        joined = re.sub(r"[^a-z0-9₂ₓ_]+", "_", lowered)
        for code, p in POLLUTANTS.items():
            for word in p.words:
                if word.isascii():
                    if word in tokens or f"_{word}_" in f"_{joined}_":
                        return code
                elif word in lowered:
                    return code
    return None


def parse_claim(
    indicator_code: str,
    claimed_value: str | None,
    industry: str | None = None,
    *,
    pollutant: str | None = None,
    limit: float | None = None,
) -> LimitClaim | None:
    """An emission-limit claim read from its indicator code and claimed value ("SO₂ ≤ 35
    mg/m³", "≤10 mg/m³（基准氧含量 18%）"); None when it names no pollutant we know.
    ``pollutant`` / ``limit``, when given (a checklist item carrying them), take precedence."""
    name = indicator_code.split(".", 1)[-1]
    code = pollutant if pollutant in POLLUTANTS else pollutant_of(name, claimed_value)
    if code is None:
        return None
    text = claimed_value or ""
    oxygen = _OXYGEN.search(text)
    body = _OXYGEN.sub("", text)
    unit = "mg/m³"
    problem = None
    if limit is None:
        found = _LIMIT.search(body) or _NUMBER_ONLY.match(body)
        if found:
            limit = float(found.group(1))
            written = found.group(2).strip().rstrip("。.")
            if written and written.lower() not in _UNITS:
                unit, problem = written, "unit"
        else:
            problem = "no_limit"
    if oxygen:
        o2_ref: float | None = float(oxygen.group(1))
        source: str | None = "claim"
    elif industry in STANDARD_OXYGEN:
        o2_ref, source = STANDARD_OXYGEN[industry]
    else:
        o2_ref, source = None, None
    return LimitClaim(code, limit, unit, o2_ref, source, problem)


def hours_of(records: Iterable[Record], pollutant: str) -> list[Hour]:
    """The hourly (CN 2061) averages of one pollutant in parsed packets, oxygen beside them."""
    legacy = POLLUTANTS[pollutant].legacy if pollutant in POLLUTANTS else ""
    out = []
    for record in records:
        if record.cn != CN_HOURLY:
            continue
        p = record.pollutants.get(pollutant) or (record.pollutants.get(legacy) if legacy else None)
        if p is None:
            continue
        o2 = record.pollutants.get(OXYGEN) or record.pollutants.get(OXYGEN_LEGACY)
        out.append(
            Hour(
                record.mn,
                record.data_time,
                p.values.get("Avg"),
                p.values.get("ZsAvg"),
                p.flag,
                o2.values.get("Avg") if o2 else None,
                o2.flag if o2 else None,
            )
        )
    return out


def convert(value: float, o2_measured: float, o2_ref: float) -> float:
    """C_ref = C_measured × (21 − O2_ref) / (21 − O2_measured) (HJ 75, the standards' 折算)."""
    return value * (21.0 - o2_ref) / (21.0 - o2_measured)


def on_basis(hour: Hour, o2_ref: float | None) -> tuple[float | None, str]:
    """The hour's value on the claim's basis, and the basis (or why it has none)."""
    if hour.zs is not None:
        return hour.zs, "zs"
    if hour.value is None:
        return None, "missing"
    if o2_ref is None:
        return hour.value, "measured"
    if (
        hour.o2 is None
        or (hour.o2_flag not in (None, NORMAL))
        or not (0.0 <= hour.o2 < 21.0)
        or math.isnan(hour.o2)
    ):
        return None, "no_oxygen"
    return convert(hour.value, hour.o2, o2_ref), "converted"


def _hour_floor(value: dt.datetime, up: bool) -> dt.datetime:
    floor = value.replace(minute=0, second=0, microsecond=0)
    return floor + HOUR if up and floor < value else floor


def _expected(start: dt.datetime, end: dt.datetime) -> int:
    first, last = _hour_floor(start, up=True), _hour_floor(end, up=True)
    return max(int((last - first) / HOUR), 0)


def check_limit(
    claim: LimitClaim,
    hours: Sequence[Hour],
    window_start: dt.datetime,
    window_end: dt.datetime,
    settings: EmissionSettings | None = None,
    *,
    keep_series: bool = False,
) -> LimitVerdict:
    """The claim against the hourly series over the visit window and the days before it."""
    settings = settings or EmissionSettings()
    before_start = window_start - dt.timedelta(days=settings.lookback_days)
    visit = PeriodNumbers(window_start, window_end)
    before = PeriodNumbers(before_start, window_start)
    points = tuple(sorted({h.point for h in hours if before_start <= h.at < window_end}))
    for period in (visit, before):
        period.expected = _expected(period.start, period.end) * len(points)
    bases: set[str] = set()
    series: list[tuple[str, dt.datetime, float | None, str | None]] = []
    last: tuple[dt.datetime, str] | None = None
    for hour in sorted(hours, key=lambda h: (h.at, h.point)):
        if window_start <= hour.at < window_end:
            period = visit
        elif before_start <= hour.at < window_start:
            period = before
        else:
            continue
        if last is not None and last[0] == hour.at and last[1] == hour.point:
            continue  # the same hour sent twice: counted once
        last = (hour.at, hour.point)
        period.packets += 1
        basis = _count(period, hour, claim, series if keep_series else None)
        if basis:
            bases.add(basis)
    basis = next(iter(bases)) if len(bases) == 1 else ("mixed" if bases else "none")
    verdict, code, zh, en = _decide(claim, visit, before, points, settings, basis)
    return LimitVerdict(claim, verdict, code, zh, en, basis, visit, before, points, tuple(series))


def _count(
    period: PeriodNumbers,
    hour: Hour,
    claim: LimitClaim,
    series: list[tuple[str, dt.datetime, float | None, str | None]] | None,
) -> str | None:
    """Count one hour in its period; its basis when it is valid, else None."""
    if hour.flag not in (None, NORMAL):
        period.excluded[hour.flag] += 1
        if series is not None:
            series.append((hour.point, hour.at, None, hour.flag))
        return None
    value, basis = on_basis(hour, claim.oxygen_ref)
    if value is None:
        period.excluded[basis] += 1
        if series is not None:
            series.append((hour.point, hour.at, None, basis))
        return None
    period.valid += 1
    period.total += value
    if claim.limit is not None and value > claim.limit:
        period.above += 1
    if period.maximum is None or value > period.maximum:
        period.maximum, period.maximum_at, period.maximum_point = value, hour.at, hour.point
    if series is not None:
        series.append((hour.point, hour.at, round(value, 3), None))
    return basis


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _basis_words(claim: LimitClaim, basis: str) -> tuple[str, str]:
    if basis == "zs":
        return (
            "按数据包中的折算浓度（ZsAvg）",
            "on the packets' own reference-oxygen values (ZsAvg)",
        )
    if basis in ("converted", "mixed") and claim.oxygen_ref is not None:
        source_zh = "申报值" if claim.oxygen_source == "claim" else claim.oxygen_source or ""
        source_en = "as claimed" if claim.oxygen_source == "claim" else claim.oxygen_source or ""
        return (
            f"按基准氧含量 {claim.oxygen_ref:g}%（{source_zh}）折算",
            f"converted to {claim.oxygen_ref:g}% reference oxygen ({source_en})",
        )
    return "按实测浓度（无基准氧含量可折算）", "as measured (no reference oxygen to convert to)"


def _decide(
    claim: LimitClaim,
    visit: PeriodNumbers,
    before: PeriodNumbers,
    points: Sequence[str],
    settings: EmissionSettings,
    basis: str,
) -> tuple[str, str, str, str]:
    p = POLLUTANTS.get(claim.pollutant)
    name_zh, name_en = (p.zh, p.en) if p else (claim.pollutant, claim.pollutant)
    if claim.problem == "no_limit" or claim.limit is None:
        return (
            UNVERIFIABLE,
            "emission.no_limit",
            f"申报未写明{name_zh}排放限值，无法用在线监测数据核实",
            f"The claim states no {name_en} limit: the CEMS data cannot check it",
        )
    if claim.problem == "unit":
        return (
            UNVERIFIABLE,
            "emission.unit",
            f"申报限值单位 {claim.unit} 不是浓度（mg/m³），无法用在线监测小时均值核实",
            f"The claimed limit's unit {claim.unit} is not a concentration (mg/m³): the CEMS "
            "hourly averages cannot check it",
        )
    limit = f"{claim.limit:g} mg/m³"
    days = settings.lookback_days
    if not points:
        return (
            UNVERIFIABLE,
            "emission.no_data",
            f"核查期间及前 {days} 天，本厂在线监测数据中没有{name_zh}（{claim.pollutant}）小时数据",
            f"No hourly {name_en} ({claim.pollutant}) CEMS data at this site over the visit "
            f"window and the {days} days before it",
        )
    valid = visit.valid + before.valid
    above = visit.above + before.above
    expected = visit.expected + before.expected
    excluded = sum((visit.excluded + before.excluded).values())
    gap = visit.gap + before.gap
    share = above / valid if valid else 0.0
    peak = max((x for x in (visit.maximum, before.maximum) if x is not None), default=None)
    basis_zh, basis_en = _basis_words(claim, basis)
    counts_zh = (
        f"有效小时 {valid}/{expected}，剔除 {excluded} 小时（标记非 N 或无法折算），缺数 {gap} 小时"
    )
    counts_en = (
        f"{valid} of {expected} hours valid, {excluded} excluded (flag other than N or no "
        f"basis), {gap} missing"
    )
    if above and share > settings.max_share_above:
        return (
            CONTRADICTED,
            "emission.above_limit",
            f"{name_zh}{basis_zh}：核查期间及前 {days} 天有 {above} 个有效小时超过申报限值 {limit}"
            f"（占 {_pct(share)}，最高 {peak:.1f} mg/m³）；{counts_zh}",
            f"{name_en} {basis_en}: {above} valid hours above the claimed {limit} over the visit "
            f"window and the {days} days before it ({_pct(share)}, maximum {peak:.1f} mg/m³); "
            f"{counts_en}",
        )
    if visit.valid == 0:
        return (
            UNVERIFIABLE,
            "emission.no_visit_hours",
            f"{name_zh}：核查时段内没有有效小时数据，无法核实；{counts_zh}",
            f"{name_en}: no valid hour in the visit window, so the claim cannot be checked; "
            f"{counts_en}",
        )
    if valid < settings.min_valid_share * expected:
        return (
            UNVERIFIABLE,
            "emission.too_few_hours",
            f"{name_zh}：有效小时不足应有小时的 {_pct(settings.min_valid_share)}，无法核实；"
            f"{counts_zh}",
            f"{name_en}: fewer than {_pct(settings.min_valid_share)} of the expected hours are "
            f"valid, so the claim cannot be checked; {counts_en}",
        )
    tolerated = (
        f"（超标小时占 {_pct(share)}，未超过本辖区容许的 {_pct(settings.max_share_above)}）"
        if above
        else ""
    )
    tolerated_en = (
        f" ({_pct(share)} above, within the tolerated {_pct(settings.max_share_above)})"
        if above
        else ""
    )
    return (
        VERIFIED,
        "emission.within_limit",
        f"{name_zh}{basis_zh}：核查期间及前 {days} 天有效小时均未超过申报限值 {limit}{tolerated}"
        f"，最高 {peak:.1f} mg/m³；{counts_zh}",
        f"{name_en} {basis_en}: valid hours within the claimed {limit} over the visit window "
        f"and the {days} days before it{tolerated_en}, maximum {peak:.1f} mg/m³; {counts_en}",
    )


def limits_of(
    criteria: Iterable[tuple[str, Mapping[str, Any]]],
) -> dict[str, float]:
    """Grade → the at_most limit in mg/m³ the forms' criteria set (to find the grade met)."""
    out: dict[str, float] = {}
    for grade, criterion in criteria:
        if criterion.get("op") != "at_most" or criterion.get("value") is None:
            continue
        unit = str(criterion.get("unit") or "mg/m3").lower()
        if unit in _UNITS:
            out[grade] = min(float(criterion["value"]), out.get(grade, math.inf))
    return out
