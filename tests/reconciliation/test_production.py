"""Normal-production verdict (RULES.md rule 5, 21) from CEMS flow, flags, metering, attestation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.reconciliation.hj212 import Pollutant, Record
from server.reconciliation.metering import Reading
from server.reconciliation.production import Thresholds, Verdict, production_verdict

MN = "88888880000001"
START = datetime(2024, 3, 15, 2, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
TYPICAL = {MN: 50000.0}


def make_records(flows: list[float], flag: str = "N", cn: str = "2051") -> list[Record]:
    """One record every 5 minutes from START, flue-gas flow Avg and one data flag."""
    return [
        Record(MN, cn, START + timedelta(minutes=5 * i), {"a00000": Pollutant({"Avg": flow}, flag)})
        for i, flow in enumerate(flows)
    ]


def make_readings(production: list[float], treatment: list[float]) -> list[Reading]:
    """Production meter P1 and treatment meter T1, one reading every 15 minutes from START."""
    readings = [
        Reading("P1", "production", START + timedelta(minutes=15 * i), kw)
        for i, kw in enumerate(production)
    ]
    readings += [
        Reading("T1", "treatment", START + timedelta(minutes=15 * i), kw)
        for i, kw in enumerate(treatment)
    ]
    return readings


def verdict(
    cems: list[Record], metering: list[Reading], attestation: bool | None = True
) -> Verdict:
    return production_verdict(
        START, END, cems=cems, typical_flow=TYPICAL, metering=metering, attestation=attestation
    )


def codes(v: Verdict) -> list[str]:
    return [r.code for r in v.reasons]


def test_normal() -> None:
    v = verdict(make_records([48000.0] * 12), make_readings([200, 210, 190, 205], [40, 41, 39, 40]))
    assert v.status == "normal"
    assert codes(v) == ["production.flow_ok"]
    assert v.reasons[0].data["samples"] == 12


def test_low_flow_is_not_normal_with_numbers() -> None:
    v = verdict(make_records([10000.0] * 8 + [48000.0] * 4), [])
    assert v.status == "not_normal"
    low = next(r for r in v.reasons if r.code == "production.low_flow")
    assert low.data == {
        "mn": MN,
        "typical": 50000.0,
        "limit": 25000.0,
        "samples": 12,
        "low_samples": 8,
        "low_share": 0.667,
        "mean_flow": 22666.667,
    }
    assert "25000" in low.message_zh and "8 of 12" in low.message_en


def test_brief_low_flow_within_threshold_is_normal() -> None:
    v = verdict(make_records([10000.0] * 5 + [48000.0] * 7), [])
    assert v.status == "normal"


def test_stopped_flag_is_not_normal() -> None:
    records = make_records([48000.0] * 6) + [
        Record(
            MN,
            "2051",
            START + timedelta(minutes=30 + 5 * i),
            {"a00000": Pollutant({"Avg": 48000.0}, "F")},
        )
        for i in range(6)
    ]
    v = verdict(records, [])
    assert v.status == "not_normal"
    stopped = next(r for r in v.reasons if r.code == "production.stopped_flag")
    assert stopped.data["flagged"] == 6 and stopped.data["records"] == 12


def test_calibration_flags_are_reported_but_not_decisive() -> None:
    v = verdict(make_records([48000.0] * 12, flag="C"), [])
    assert v.status == "normal"
    assert "production.monitoring_flags" in codes(v)


def test_treatment_off_while_production_on() -> None:
    v = verdict(make_records([48000.0] * 12), make_readings([200, 200, 200, 200], [40, 0.2, 0, 40]))
    assert v.status == "not_normal"
    off = next(r for r in v.reasons if r.code == "production.treatment_off")
    assert off.data["slot_starts"] == ["2024-03-15T02:15:00+00:00", "2024-03-15T02:30:00+00:00"]
    assert off.data["treatment_kw"] == [0.2, 0]
    # The sentence says the slots in China time (the data keep UTC for machines).
    assert "03-15 10:15, 03-15 10:30" in off.message_en and "T02:15" not in off.message_en
    assert "（北京时间）：03-15 10:15、03-15 10:30" in off.message_zh


def test_production_idle_by_metering() -> None:
    v = verdict([], make_readings([0, 1, 0, 200], [0, 0, 0, 40]))
    assert v.status == "not_normal"
    assert "production.power_idle" in codes(v)
    assert "production.treatment_off" not in codes(v)


def test_no_data_is_unknown() -> None:
    outside = [
        Record(MN, "2051", START - timedelta(days=1), {"a00000": Pollutant({"Avg": 1.0}, "F")})
    ]
    v = verdict(outside, [])
    assert v.status == "unknown"
    assert codes(v) == ["production.no_data"]


def test_data_without_usable_evidence_is_unknown() -> None:
    v = verdict(
        [Record(MN, "2051", START, {"a34013": Pollutant({"Avg": 3.0}, "N")})], [], attestation=None
    )
    assert v.status == "unknown"
    assert codes(v) == [
        "production.no_flow_data",
        "production.attestation_missing",
        "production.no_evidence",
    ]


def test_attestation_false_is_not_normal() -> None:
    v = verdict(make_records([48000.0] * 12), [], attestation=False)
    assert v.status == "not_normal"
    assert "production.attested_not_normal" in codes(v)


def test_attestation_missing_is_not_decisive() -> None:
    v = verdict(make_records([48000.0] * 12), [], attestation=None)
    assert v.status == "normal"
    assert "production.attestation_missing" in codes(v)


def test_thresholds_are_parameters() -> None:
    records = make_records([30000.0] * 12)
    strict = Thresholds(low_flow_ratio=0.7)
    v = production_verdict(
        START,
        END,
        cems=records,
        typical_flow=TYPICAL,
        metering=[],
        attestation=True,
        thresholds=strict,
    )
    assert v.status == "not_normal"
    assert verdict(records, []).status == "normal"
