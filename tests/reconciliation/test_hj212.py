"""HJ 212-2017 packets: CRC, framing, per-line errors, flags and China time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.reconciliation.hj212 import (
    PacketError,
    build_packet,
    crc16,
    crc16_hex,
    format_cp,
    parse_packet,
    parse_stream,
)

MN = "88888880000001"


def _reference_crc(data: bytes) -> int:
    """Independent table-driven form of the same CRC, written differently on purpose.

    After ``crc = (crc >> 8) ^ byte`` the register holds at most 8 bits, so the eight shift steps
    only depend on that byte: the next register is TABLE[(crc >> 8) ^ byte], where TABLE[i] is i
    reflected-divided by 0xA001 (the classic CRC-16 table; TABLE[1] == 0xC0C1).
    """
    table = []
    for i in range(256):
        value = i
        for _ in range(8):
            value = (value >> 1) ^ (0xA001 * (value & 1))
        table.append(value)
    crc = 0xFFFF
    for byte in data:
        crc = table[(crc >> 8) ^ byte]
    return crc


def _frame(segment: str) -> str:
    return f"##{len(segment):04d}{segment}{_reference_crc(segment.encode()):04X}\r\n"


def _packet(cn: str = "2051", mn: str = MN, cp: str | None = None) -> str:
    cp = (
        cp
        or "DataTime=20240315103000;a00000-Avg=52000.5,a00000-Flag=N;a34013-Avg=4.2,a34013-Flag=N"
    )
    fields = {
        "QN": "20240315103000123",
        "ST": "31",
        "CN": cn,
        "PW": "123456",
        "MN": mn,
        "Flag": "5",
        "CP": cp,
    }
    return build_packet(fields)


def test_crc_by_hand() -> None:
    # Empty input leaves the initial register. One byte 0xFE: (0xFFFF >> 8) ^ 0xFE = 0x01, and
    # shifting 0x01 eight times through 0xA001 gives A001, F001, D801, CC01, C601, C301, C181, C0C1.
    assert crc16(b"") == 0xFFFF
    assert crc16(b"\xfe") == 0xC0C1
    # 0xFF ^ 0xFF = 0 stays 0 through all shifts.
    assert crc16(b"\xff") == 0


def test_crc_published_example() -> None:
    # The example packet printed in HJ 212-2017 and quoted widely: ##0101…1C80.
    segment = "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
    assert len(segment) == 101
    assert crc16_hex(segment) == "1C80"


@pytest.mark.parametrize("data", [b"", b"A", b"QN=1;ST=22;CN=2011", bytes(range(128))])
def test_crc_matches_reference(data: bytes) -> None:
    assert crc16(data) == _reference_crc(data)


def test_round_trip() -> None:
    line = _packet()
    assert line.startswith("##") and line.endswith("\r\n")
    segment = line[6:-6]
    assert int(line[2:6]) == len(segment)
    assert line[-6:-2] == f"{_reference_crc(segment.encode()):04X}"
    record = parse_packet(line)
    assert record is not None
    assert (record.mn, record.cn) == (MN, "2051")
    assert record.pollutants["a00000"].values == {"Avg": 52000.5}
    assert record.pollutants["a34013"].flag == "N"


def test_china_time_becomes_utc() -> None:
    record = parse_packet(_packet(cp="DataTime=20240101050000;a34013-Rtd=1.5,a34013-Flag=N"))
    assert record is not None
    assert record.data_time == datetime(2023, 12, 31, 21, 0, tzinfo=UTC)
    assert record.data_time.utcoffset() is not None


def test_format_cp_round_trips_time_and_values() -> None:
    when = datetime(2024, 3, 15, 2, 30, tzinfo=UTC)
    cp = format_cp(when, {"a00000": {"Rtd": 1200.0, "Flag": "F"}})
    assert cp == "DataTime=20240315103000;a00000-Rtd=1200.0,a00000-Flag=F"
    record = parse_packet(_packet(cn="2011", cp=cp))
    assert record is not None
    assert record.data_time == when
    assert record.pollutants["a00000"].flag == "F"
    assert record.pollutants["a00000"].values == {"Rtd": 1200.0}


def test_all_flags_and_value_kinds() -> None:
    cp = "DataTime=20240315110000;" + ";".join(
        f"p{i}-Avg=1,p{i}-Min=0.5,p{i}-Max=2,p{i}-Cou=10,p{i}-Flag={flag}"
        for i, flag in enumerate("NFMSDCTB")
    )
    record = parse_packet(_packet(cn="2061", cp=cp))
    assert record is not None
    assert [p.flag for p in record.pollutants.values()] == list("NFMSDCTB")
    assert record.pollutants["p0"].values == {"Avg": 1.0, "Min": 0.5, "Max": 2.0, "Cou": 10.0}


def test_stream_reports_bad_lines_and_keeps_good_ones() -> None:
    good = _packet().rstrip("\r\n")
    segment = good[6:-4]
    bad_crc = good[:-4] + ("0000" if good[-4:] != "0000" else "1111")
    bad_length = f"##{len(segment) + 1:04d}{segment}{good[-4:]}"
    no_cp = _frame(f"QN=1;ST=31;CN=2051;MN={MN};Flag=5")  # valid frame and CRC, no CP
    lines = [
        good,
        bad_crc,
        "garbage",
        "",
        bad_length,
        "##00ab" + segment + good[-4:],
        _packet(cp="a34013-Avg=1").rstrip(),  # no DataTime
        _packet(cp="DataTime=20240315103000;a34013-Avg=x").rstrip(),
        _packet(cp="DataTime=20240315103000;a34013-Flag=Q").rstrip(),
        no_cp.rstrip(),
        _packet(cn="2061").rstrip(),
    ]
    result = parse_stream("\r\n".join(lines))
    assert [r.line for r in result.records] == [1, 11]
    assert [(e.line, e.code) for e in result.errors] == [
        (2, "hj212.bad_crc"),
        (3, "hj212.malformed"),
        (5, "hj212.bad_length"),
        (6, "hj212.malformed"),
        (7, "hj212.malformed"),
        (8, "hj212.malformed"),
        (9, "hj212.malformed"),
        (10, "hj212.malformed"),
    ]


def test_unknown_mn_reported_only_with_a_registry() -> None:
    text = _packet() + _packet(mn="99999990000009")
    assert len(parse_stream(text).records) == 2
    result = parse_stream(text, known_mns={MN})
    assert [r.mn for r in result.records] == [MN]
    assert [(e.line, e.code) for e in result.errors] == [(2, "hj212.unknown_mn")]


def test_non_data_commands_are_skipped() -> None:
    heartbeat = build_packet(
        {
            "QN": "1",
            "ST": "32",
            "CN": "1062",
            "PW": "1",
            "MN": MN,
            "Flag": "5",
            "CP": "RtdInterval=30",
        }
    )
    result = parse_stream(heartbeat + _packet())
    assert result.skipped == [1]
    assert len(result.records) == 1
    assert result.errors == []


def test_packet_error_carries_code() -> None:
    with pytest.raises(PacketError) as info:
        parse_packet("##0001X0000")
    assert info.value.code == "hj212.bad_crc"
