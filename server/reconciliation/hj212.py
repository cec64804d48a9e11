"""HJ 212-2017 packets (污染物在线监控系统数据传输标准): CRC, parsing, building.

A packet is ``##`` + 4-digit data-segment length + data segment + 4-hex-digit CRC + ``\\r\\n``.
Pure: functions of their inputs, no I/O. Used to prove normal production (RULES.md rule 5, 21).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")

CN_REALTIME = "2011"
CN_MINUTE = "2051"
CN_HOURLY = "2061"
CN_DAILY = "2031"
DATA_CNS = frozenset({CN_REALTIME, CN_MINUTE, CN_HOURLY, CN_DAILY})

FLUE_GAS_FLOW = "a00000"  # 废气 (flue-gas flow)

# Data flags (数据标记) of HJ 212-2017.
FLAGS: Mapping[str, str] = {
    "N": "normal",  # 正常
    "F": "stopped",  # 停运
    "M": "maintenance",  # 维护
    "S": "manual setting",  # 手工输入
    "D": "fault",  # 故障
    "C": "calibration",  # 校准
    "T": "over range",  # 超测上限
    "B": "communication error",  # 通讯异常
}
VALUE_KINDS = frozenset({"Rtd", "Avg", "Min", "Max", "Cou", "ZsRtd", "ZsAvg", "ZsMin", "ZsMax"})

_MAX_LENGTH = 9999
_HEADER_LEN = 6  # "##" + 4 digits
_CRC_LEN = 4
_HEX = frozenset("0123456789ABCDEFabcdef")


@dataclass(frozen=True)
class Pollutant:
    """One pollutant code's values (Rtd/Avg/Min/Max/Cou…) and its data flag."""

    values: dict[str, float] = field(default_factory=dict)
    flag: str | None = None


@dataclass(frozen=True)
class Record:
    """One data packet: monitoring point (MN), command (CN), UTC time and pollutant values."""

    mn: str
    cn: str
    data_time: datetime  # aware, UTC
    pollutants: dict[str, Pollutant]
    line: int = 0


@dataclass(frozen=True)
class LineError:
    """A line that was not kept, with a stable code."""

    line: int
    code: str
    message: str


@dataclass(frozen=True)
class ParseResult:
    records: list[Record]
    errors: list[LineError]
    skipped: list[int] = field(default_factory=list)  # well-formed packets that carry no data (CN)


class PacketError(ValueError):
    """A packet that cannot be read; ``code`` is one of the ``hj212.*`` codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def flue_gas_flow(record: Record) -> tuple[float | None, str | None]:
    """A record's flue-gas flow (``a00000``: the average, else the real-time value) and its
    data flag; (None, None) when the packet carries no flow."""
    pollutant = record.pollutants.get(FLUE_GAS_FLOW)
    if pollutant is None:
        return None, None
    return pollutant.values.get("Avg", pollutant.values.get("Rtd")), pollutant.flag


def crc16(data: bytes) -> int:
    """CRC16 of HJ 212-2017 appendix A (poly 0xA001, init 0xFFFF, high byte XOR data byte)."""
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def crc16_hex(data_segment: str) -> str:
    """The CRC as written in a packet: 4 uppercase hex digits."""
    return f"{crc16(data_segment.encode('ascii')):04X}"


def build_packet(fields: Mapping[str, str]) -> str:
    """Build a valid packet (length and CRC included) from ordered header fields.

    ``fields["CP"]`` is the content between ``&&`` and ``&&``. Raises ValueError when the data
    segment is longer than 9999 characters.
    """
    parts = [f"{key}={value}" for key, value in fields.items() if key != "CP"]
    segment = ";".join([*parts, f"CP=&&{fields.get('CP', '')}&&"])
    if len(segment) > _MAX_LENGTH:
        raise ValueError("data segment longer than 9999 characters")
    return f"##{len(segment):04d}{segment}{crc16_hex(segment)}\r\n"


def format_cp(data_time: datetime, pollutants: Mapping[str, Mapping[str, float | str]]) -> str:
    """CP content for ``build_packet``: DataTime in China time, then one group per pollutant."""
    local = data_time.astimezone(CHINA_TZ) if data_time.tzinfo else data_time
    groups = [f"DataTime={local:%Y%m%d%H%M%S}"]
    for code, items in pollutants.items():
        groups.append(",".join(f"{code}-{kind}={value}" for kind, value in items.items()))
    return ";".join(groups)


def unframe(line: str) -> str:
    """Check a packet's frame, length and CRC; return its data segment or raise PacketError."""
    packet = line.rstrip("\r\n")
    if not packet.startswith("##") or len(packet) < _HEADER_LEN + _CRC_LEN:
        raise PacketError("hj212.malformed", "packet does not start with ## or is too short")
    length_text = packet[2:_HEADER_LEN]
    if not (length_text.isascii() and length_text.isdigit()):
        raise PacketError("hj212.malformed", f"length field {length_text!r} is not 4 digits")
    segment, crc_text = packet[_HEADER_LEN:-_CRC_LEN], packet[-_CRC_LEN:]
    if not set(crc_text) <= _HEX:
        raise PacketError("hj212.malformed", f"CRC field {crc_text!r} is not 4 hex digits")
    if not segment.isascii():
        raise PacketError("hj212.malformed", "data segment contains non-ASCII characters")
    if int(length_text) != len(segment):
        raise PacketError(
            "hj212.bad_length",
            f"declared length {int(length_text)} but data segment has {len(segment)}",
        )
    expected = crc16_hex(segment)
    if crc_text.upper() != expected:
        raise PacketError("hj212.bad_crc", f"CRC {crc_text} does not match computed {expected}")
    return segment


def split_segment(segment: str) -> tuple[dict[str, str], str]:
    """Split a data segment into its header fields and the CP content."""
    head, sep, rest = segment.partition("CP=&&")
    if not sep or not rest.endswith("&&"):
        raise PacketError("hj212.malformed", "data segment has no CP=&&…&&")
    header: dict[str, str] = {}
    for part in head.split(";"):
        if not part:
            continue
        key, eq, value = part.partition("=")
        if not eq:
            raise PacketError("hj212.malformed", f"header field {part!r} has no '='")
        header[key] = value
    for required in ("ST", "CN", "MN"):
        if not header.get(required):
            raise PacketError("hj212.malformed", f"header field {required} is missing")
    return header, rest[:-2]


def parse_china_time(text: str) -> datetime:
    """YYYYMMDDhhmmss in China Standard Time → aware UTC datetime."""
    if len(text) != 14 or not text.isdigit():
        raise PacketError("hj212.malformed", f"DataTime {text!r} is not YYYYMMDDhhmmss")
    try:
        local = datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=CHINA_TZ)
    except ValueError as exc:
        raise PacketError("hj212.malformed", f"DataTime {text!r} is not a date: {exc}") from exc
    return local.astimezone(UTC)


def parse_cp(cp: str) -> tuple[datetime, dict[str, Pollutant]]:
    """Read DataTime and the per-pollutant values and flags of a CP content."""
    data_time: datetime | None = None
    values: dict[str, dict[str, float]] = {}
    flags: dict[str, str] = {}
    for item in cp.replace(",", ";").split(";"):
        if not item:
            continue
        key, eq, value = item.partition("=")
        if not eq:
            raise PacketError("hj212.malformed", f"CP field {item!r} has no '='")
        if key == "DataTime":
            data_time = parse_china_time(value)
            continue
        code, dash, kind = key.partition("-")
        if not dash:
            continue  # other CP fields (RtdInterval, PolId…) carry no measurement
        if kind == "Flag":
            if value not in FLAGS:
                raise PacketError("hj212.malformed", f"{code}: unknown data flag {value!r}")
            flags[code] = value
        elif kind in VALUE_KINDS:
            try:
                values.setdefault(code, {})[kind] = float(value)
            except ValueError as exc:
                raise PacketError("hj212.malformed", f"{key}: {value!r} is not a number") from exc
    if data_time is None:
        raise PacketError("hj212.malformed", "CP has no DataTime")
    codes = list(dict.fromkeys([*values, *flags]))
    return data_time, {c: Pollutant(values.get(c, {}), flags.get(c)) for c in codes}


def parse_packet(line: str, line_no: int = 0) -> Record | None:
    """One packet → Record, or None when its CN carries no monitoring data. Raises PacketError."""
    header, cp = split_segment(unframe(line))
    if header["CN"] not in DATA_CNS:
        return None
    data_time, pollutants = parse_cp(cp)
    return Record(header["MN"], header["CN"], data_time, pollutants, line_no)


def parse_stream(text: str, known_mns: Collection[str] | None = None) -> ParseResult:
    """Parse one packet per line; report bad lines by 1-based number and keep the good ones."""
    records: list[Record] = []
    errors: list[LineError] = []
    skipped: list[int] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        try:
            record = parse_packet(line, number)
        except PacketError as exc:
            errors.append(LineError(number, exc.code, exc.message))
            continue
        if record is None:
            skipped.append(number)
        elif known_mns is not None and record.mn not in known_mns:
            errors.append(
                LineError(number, "hj212.unknown_mn", f"MN {record.mn} is not registered")
            )
        else:
            records.append(record)
    return ParseResult(records, errors, skipped)
