"""Was the plant producing normally during the check? (RULES.md rule 5 and 21.)

Evidence: CEMS flue-gas flow (HJ 212 code ``a00000``) against the point's typical level, CEMS
data flags, separate electricity metering (treatment must run whenever production does) and the
inspector's attestation. Pure: a function of its inputs.

Status: ``not_normal`` when any decisive reason is found (low flow, 停运 flag, production idle,
treatment off while production runs, attestation false); otherwise ``unknown`` when there is no
usable evidence in the window; otherwise ``normal``. Other reasons are listed but not decisive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from server.clock import CHINA
from server.reconciliation.hj212 import Record, flue_gas_flow
from server.reconciliation.metering import Reading

Status = Literal["normal", "not_normal", "unknown"]

DECISIVE = frozenset(
    {
        "production.low_flow",
        "production.stopped_flag",
        "production.power_idle",
        "production.treatment_off",
        "production.attested_not_normal",
    }
)
UNRELIABLE_FLAGS = ("M", "D", "C")  # 维护, 故障, 校准: the monitor, not the plant


@dataclass(frozen=True)
class Thresholds:
    """Tunable limits; defaults are conservative starting points, not values from a standard."""

    low_flow_ratio: float = 0.5  # flow below 50 % of the typical level counts as low
    low_share: float = 0.5  # "most of the window": more than half of the samples
    flag_share: float = 0.2  # F/M/D/C flags on at least 20 % of the records are reported
    production_on_kw: float = 5.0  # a production meter above this is running
    treatment_off_kw: float = 1.0  # a treatment meter at or below this is off
    slot: timedelta = timedelta(minutes=15)  # metering slots in which meters are compared


@dataclass(frozen=True)
class Reason:
    code: str
    message_zh: str
    message_en: str
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    status: Status
    reasons: list[Reason]


def _in_window(t: datetime, start: datetime, end: datetime) -> bool:
    return start <= t <= end


def _main_series(records: list[Record]) -> list[Record]:
    """One point's records of its most frequent CN, so minute and hourly data are not mixed."""
    cn, _ = Counter(r.cn for r in records).most_common(1)[0]
    return [r for r in records if r.cn == cn]


def _flow_reasons(
    mn: str, series: list[Record], typical: float | None, th: Thresholds
) -> list[Reason]:
    flows = [f for f in (flue_gas_flow(r)[0] for r in series) if f is not None]
    if not flows:
        return [
            Reason(
                "production.no_flow_data",
                f"监测点 {mn} 无烟气流量数据",
                f"point {mn} has no flue-gas flow data",
                {"mn": mn},
            )
        ]
    if typical is None or typical <= 0:
        return [
            Reason(
                "production.no_typical_flow",
                f"监测点 {mn} 未登记典型烟气流量",
                f"point {mn} has no registered typical flue-gas flow",
                {"mn": mn},
            )
        ]
    limit = typical * th.low_flow_ratio
    low = sum(1 for f in flows if f < limit)
    share = low / len(flows)
    data: dict[str, object] = {
        "mn": mn,
        "typical": typical,
        "limit": limit,
        "samples": len(flows),
        "low_samples": low,
        "low_share": round(share, 3),
        "mean_flow": round(sum(flows) / len(flows), 3),
    }
    if share > th.low_share:
        return [
            Reason(
                "production.low_flow",
                f"监测点 {mn} 烟气流量 {low}/{len(flows)} 个数据低于典型值的 {th.low_flow_ratio:.0%}（{limit:g}）",
                f"point {mn}: flue-gas flow below {th.low_flow_ratio:.0%} of typical ({limit:g}) "
                f"in {low} of {len(flows)} samples",
                data,
            )
        ]
    return [
        Reason(
            "production.flow_ok",
            f"监测点 {mn} 烟气流量正常",
            f"point {mn}: flue-gas flow normal",
            data,
        )
    ]


def _flag_reasons(mn: str, series: list[Record], th: Thresholds) -> list[Reason]:
    counts: Counter[str] = Counter()
    for record in series:
        counts.update({p.flag for p in record.pollutants.values() if p.flag})
    total = len(series)
    reasons: list[Reason] = []
    stopped = counts["F"] / total
    if stopped >= th.flag_share:
        reasons.append(
            Reason(
                "production.stopped_flag",
                f"监测点 {mn} {counts['F']}/{total} 条数据标记为停运（F）",
                f"point {mn}: {counts['F']} of {total} records flagged stopped (F)",
                {
                    "mn": mn,
                    "flag": "F",
                    "records": total,
                    "flagged": counts["F"],
                    "share": round(stopped, 3),
                },
            )
        )
    unreliable = {flag: counts[flag] for flag in UNRELIABLE_FLAGS if counts[flag]}
    share = max(unreliable.values(), default=0) / total
    if share >= th.flag_share:
        reasons.append(
            Reason(
                "production.monitoring_flags",
                f"监测点 {mn} 较多数据处于维护/故障/校准状态：{unreliable}",
                f"point {mn}: many records flagged maintenance/fault/calibration: {unreliable}",
                {"mn": mn, "records": total, "flagged": unreliable},
            )
        )
    return reasons


def _slot_max(readings: Iterable[Reading], start: datetime, slot: timedelta) -> dict[int, float]:
    maxima: dict[int, float] = {}
    for r in readings:
        index = int((r.timestamp - start) / slot)
        maxima[index] = max(maxima.get(index, 0.0), r.kw)
    return maxima


def _metering_reasons(readings: list[Reading], start: datetime, th: Thresholds) -> list[Reason]:
    production = _slot_max((r for r in readings if r.role == "production"), start, th.slot)
    treatment = _slot_max((r for r in readings if r.role == "treatment"), start, th.slot)
    reasons: list[Reason] = []
    if production:
        idle = sum(1 for kw in production.values() if kw <= th.production_on_kw)
        if idle / len(production) > th.low_share:
            reasons.append(
                Reason(
                    "production.power_idle",
                    f"生产用电 {idle}/{len(production)} 个时段不高于 {th.production_on_kw:g} kW",
                    f"production power at or below {th.production_on_kw:g} kW in {idle} of {len(production)} slots",
                    {"slots": len(production), "idle_slots": idle, "on_kw": th.production_on_kw},
                )
            )
    running = sorted(i for i, kw in production.items() if kw > th.production_on_kw)
    off = [i for i in running if i in treatment and treatment[i] <= th.treatment_off_kw]
    unmetered = [i for i in running if i not in treatment]
    if off:
        times = [(start + i * th.slot).isoformat() for i in off]
        local = "、".join(_china(start + i * th.slot) for i in off)  # as China reads a clock
        local_en = ", ".join(_china(start + i * th.slot) for i in off)
        reasons.append(
            Reason(
                "production.treatment_off",
                f"生产运行时治污设施未运行，共 {len(off)} 个时段（北京时间）：{local}",
                f"treatment off while production ran in {len(off)} slots (China time): {local_en}",
                {
                    "slot_starts": times,
                    "production_kw": [production[i] for i in off],
                    "treatment_kw": [treatment[i] for i in off],
                    "off_kw": th.treatment_off_kw,
                },
            )
        )
    if unmetered:
        reasons.append(
            Reason(
                "production.treatment_unmetered",
                f"生产运行的 {len(unmetered)} 个时段无治污设施用电数据",
                f"no treatment metering in {len(unmetered)} slots while production ran",
                {"slot_starts": [(start + i * th.slot).isoformat() for i in unmetered]},
            )
        )
    return reasons


def _attestation_reasons(attestation: bool | None) -> list[Reason]:
    if attestation is False:
        return [
            Reason(
                "production.attested_not_normal",
                "核查员确认核查时未正常生产",
                "the inspector attested production was not normal",
            )
        ]
    if attestation is None:
        return [
            Reason(
                "production.attestation_missing",
                "缺少核查员对正常生产的确认",
                "the inspector's attestation is missing",
            )
        ]
    return []


def production_verdict(
    window_start: datetime,
    window_end: datetime,
    *,
    cems: list[Record],
    typical_flow: dict[str, float],
    metering: list[Reading],
    attestation: bool | None,
    thresholds: Thresholds | None = None,
) -> Verdict:
    """Judge normal production in [window_start, window_end] (aware datetimes) from the evidence."""
    th = thresholds or Thresholds()
    records = [r for r in cems if _in_window(r.data_time, window_start, window_end)]
    readings = [r for r in metering if _in_window(r.timestamp, window_start, window_end)]
    reasons: list[Reason] = []
    by_mn: dict[str, list[Record]] = {}
    for record in records:
        by_mn.setdefault(record.mn, []).append(record)
    for mn, point_records in sorted(by_mn.items()):
        series = _main_series(point_records)
        reasons += _flow_reasons(mn, series, typical_flow.get(mn), th)
        reasons += _flag_reasons(mn, series, th)
    reasons += _metering_reasons(readings, window_start, th)
    reasons += _attestation_reasons(attestation)
    window: dict[str, object] = {
        "window_start": window_start.isoformat(),
        "window_end": window_end.isoformat(),
    }
    if not records and not readings:
        reasons.insert(
            0,
            Reason(
                "production.no_data",
                "检查时段内无监测或用电数据",
                "no CEMS or metering data in the window",
                window,
            ),
        )
    if any(r.code in DECISIVE for r in reasons):
        return Verdict("not_normal", reasons)
    has_flow = any(r.code == "production.flow_ok" for r in reasons)
    has_power = any(r.role == "production" for r in readings)
    if not (has_flow or has_power):
        if records or readings:
            reasons.append(
                Reason(
                    "production.no_evidence",
                    "无可用于判断的流量或用电数据",
                    "no usable flow or metering evidence",
                    window,
                )
            )
        return Verdict("unknown", reasons)
    return Verdict("normal", reasons)


def _china(at: datetime) -> str:
    """A slot's start in China time, as a person reads it (``11-30 10:15``)."""
    return at.astimezone(CHINA).strftime("%m-%d %H:%M")
