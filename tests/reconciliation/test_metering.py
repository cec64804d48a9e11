"""Separate electricity metering CSV: good rows kept, each bad row reported, gaps found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.reconciliation.metering import gaps, parse_metering

METERS = {"P1": "production", "T1": "treatment"}


def test_good_rows_and_times() -> None:
    text = (
        "meter,role,timestamp,kw\n"
        "P1,production,2024-03-15T10:00:00+08:00,120.5\n"
        "T1,treatment,2024-03-15T10:00:00,30\n"  # naive = China time
        "T1,treatment,2024-03-15T02:15:00Z,0\n"
    )
    result = parse_metering(text, METERS)
    assert result.errors == []
    assert [(r.meter, r.timestamp, r.kw, r.row) for r in result.readings] == [
        ("P1", datetime(2024, 3, 15, 2, 0, tzinfo=UTC), 120.5, 2),
        ("T1", datetime(2024, 3, 15, 2, 0, tzinfo=UTC), 30.0, 3),
        ("T1", datetime(2024, 3, 15, 2, 15, tzinfo=UTC), 0.0, 4),
    ]


def test_each_bad_row_reported_with_its_number() -> None:
    text = "\n".join(
        [
            "meter,role,timestamp,kw",
            "P1,production,2024-03-15T10:00:00+08:00,100",
            "X9,production,2024-03-15T10:00:00+08:00,100",
            "T1,production,2024-03-15T10:00:00+08:00,100",
            "P1,production,2024-03-15T10:15:00+08:00,lots",
            "P1,production,2024-03-15T10:30:00+08:00,-3",
            "P1,production,yesterday,100",
            "P1,production,2024-03-15T02:00:00Z,99",  # same instant as row 2
            "P1,cooling,2024-03-15T10:45:00+08:00,100",
            "P1,production,2024-03-15T10:45:00+08:00",
            "",
            "P1,production,2024-03-15T11:00:00+08:00,nan",
            "T1,treatment,2024-03-15T10:00:00+08:00,20",
        ]
    )
    result = parse_metering(text, METERS)
    assert [(r.meter, r.row) for r in result.readings] == [("P1", 2), ("T1", 13)]
    assert [(e.row, e.code) for e in result.errors] == [
        (3, "metering.unknown_meter"),
        (4, "metering.role_mismatch"),
        (5, "metering.bad_number"),
        (6, "metering.bad_number"),
        (7, "metering.bad_time"),
        (8, "metering.duplicate"),
        (9, "metering.bad_role"),
        (10, "metering.malformed"),
        (12, "metering.bad_number"),
    ]


def test_without_registry_any_meter_is_accepted() -> None:
    result = parse_metering(
        "meter,role,timestamp,kw\nZ,treatment,2024-03-15T10:00:00+08:00,1\n", None
    )
    assert len(result.readings) == 1
    assert result.errors == []


def test_bad_header() -> None:
    result = parse_metering("a,b,c\n1,2,3\n", METERS)
    assert result.readings == []
    assert [(e.row, e.code) for e in result.errors] == [(1, "metering.bad_header")]


def test_gaps_are_reported_per_meter() -> None:
    rows = ["meter,role,timestamp,kw"]
    for stamp in ("10:00", "10:15", "10:30", "11:15", "11:30"):  # 10:30 → 11:15 misses two readings
        rows.append(f"P1,production,2024-03-15T{stamp}:00+08:00,100")
    for minute in (0, 15, 30):
        rows.append(f"T1,treatment,2024-03-15T10:{minute:02d}:00+08:00,20")
    result = parse_metering("\n".join(rows), METERS)
    assert result.errors == []
    found = gaps(result.readings, timedelta(minutes=15))
    assert [(g.meter, g.after, g.duration) for g in found] == [
        ("P1", datetime(2024, 3, 15, 2, 30, tzinfo=UTC), timedelta(minutes=45)),
    ]
