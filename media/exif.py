"""Read a photo's EXIF block with ExifRead into ``PhotoMetadata``; never raise on bad EXIF.

Each field is read on its own: a field that is present but unreadable becomes a
``MetadataProblem`` and the others are kept. An EXIF time without an offset is read in the zone
the device reports (China Standard Time when it reports none) and every time is kept in UTC.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import exifread

from media.metadata import (
    OFFSET_FROM_DEVICE_ZONE,
    OFFSET_FROM_EXIF,
    MetadataProblem,
    PhotoMetadata,
)

# China has one zone, UTC+8 without daylight saving since 1991; a fixed offset needs no tzdata.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")

_DATETIME = re.compile(r"^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
_HPOS_ERROR_KEYS = ("GPS GPSHPositioningError", "GPS Tag 0x001F")  # ExifRead 3.5 has no name
_Read = TypeVar("_Read")


def resolve_zone(device_tz: str | tzinfo | None) -> tzinfo:
    """The device's zone: a tzinfo, an IANA name (``Asia/Shanghai``) or an offset (``+08:00``)."""
    if device_tz is None:
        return CHINA_STANDARD_TIME
    if isinstance(device_tz, tzinfo):
        return device_tz
    offset = _parse_offset(device_tz)
    if offset is not None:
        return offset
    try:
        return ZoneInfo(device_tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {device_tz!r}") from exc


def read_metadata(
    exif: bytes | None, *, width: int, height: int, device_tz: str | tzinfo | None = None
) -> PhotoMetadata:
    """Metadata from an EXIF block (TIFF bytes, as in a JPEG's APP1 after ``Exif\\0\\0``)."""
    problems: list[MetadataProblem] = []
    try:
        zone = resolve_zone(device_tz)
    except ValueError as exc:
        problems.append(MetadataProblem("device_zone", "unknown_zone", str(exc)))
        zone = CHINA_STANDARD_TIME
    if not exif:
        return PhotoMetadata(width=width, height=height, problems=tuple(problems))
    try:
        tags = exifread.process_file(io.BytesIO(exif), details=False, extract_thumbnail=False)
    except Exception as exc:
        problems.append(MetadataProblem("exif", "unreadable", f"{type(exc).__name__}: {exc}"))
        return PhotoMetadata(width=width, height=height, has_exif=True, problems=tuple(problems))
    if not tags:  # ExifRead logs "format not recognized" and returns nothing; it never raises
        detail = f"no readable TIFF structure in the {len(exif)}-byte EXIF block"
        problems.append(MetadataProblem("exif", "unreadable", detail))
        return PhotoMetadata(width=width, height=height, has_exif=True, problems=tuple(problems))
    problems.extend(_lost_directories(tags, len(exif)))
    reader = _Reader(tags, problems)
    values: dict[str, Any] = {
        "make": reader.read("make", "Image Make", _text),
        "model": reader.read("model", "Image Model", _text),
        "serial_number": reader.read("serial_number", "EXIF BodySerialNumber", _text),
        "software": reader.read("software", "Image Software", _text),
        "orientation": reader.read("orientation", "Image Orientation", _orientation) or 1,
        "altitude_m": reader.read("altitude_m", "GPS GPSAltitude", _number),
        "gps_map_datum": reader.read("gps_map_datum", "GPS GPSMapDatum", _text),
    }
    for key in _HPOS_ERROR_KEYS:
        values["horizontal_accuracy_m"] = reader.read("horizontal_accuracy_m", key, _number)
        if values["horizontal_accuracy_m"] is not None:
            break
    if (
        values["altitude_m"] is not None
        and reader.read("altitude_m", "GPS GPSAltitudeRef", _int) == 1
    ):
        values["altitude_m"] = -values["altitude_m"]
    values.update(_position(reader))
    values["gps_time_utc"] = _gps_time(reader)
    values.update(_taken_at(reader, zone))
    return PhotoMetadata(
        width=width, height=height, has_exif=True, problems=tuple(problems), **values
    )


def _lost_directories(tags: dict[str, Any], size: int) -> list[MetadataProblem]:
    """A pointer to the EXIF or GPS directory that leads outside the block: ExifRead silently
    reads nothing there, so the time or position would look merely absent."""
    lost = []
    for pointer, prefix, name in (
        ("Image ExifOffset", "EXIF ", "EXIF"),
        ("Image GPSInfo", "GPS ", "GPS"),
    ):
        tag = tags.get(pointer)
        if tag is None or any(key.startswith(prefix) for key in tags):
            continue
        try:
            offset = int(tag.values[0])
        except (ValueError, TypeError, IndexError):
            offset = -1
        if not 8 <= offset < size:
            detail = f"the {name} directory's offset {offset} lies outside the {size}-byte block"
            lost.append(MetadataProblem("exif", "unreadable", detail))
    return lost


class _Reader:
    def __init__(self, tags: dict[str, Any], problems: list[MetadataProblem]) -> None:
        self.tags = tags
        self.problems = problems

    def read(self, name: str, key: str, parse: Callable[[Any], _Read]) -> _Read | None:
        tag = self.tags.get(key)
        if tag is None:
            return None
        try:
            return parse(tag.values)
        except (ValueError, TypeError, ZeroDivisionError, IndexError, AttributeError) as exc:
            self.problem(name, "unreadable", f"{key}: {exc}")
            return None

    def problem(self, name: str, code: str, detail: str) -> None:
        self.problems.append(MetadataProblem(name, code, detail))


def _text(values: Any) -> str | None:
    if isinstance(values, bytes):
        values = values.decode("utf-8", "replace")
    text = str(values).replace("\x00", " ").strip()
    return text or None


def _int(values: Any) -> int:
    value = values[0] if isinstance(values, list | tuple | bytes) else values
    return int(value)


def _number(values: Any) -> float:
    value = float(values[0] if isinstance(values, list | tuple) else values)
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _orientation(values: Any) -> int:
    value = _int(values)
    if not 1 <= value <= 8:
        raise ValueError(f"orientation {value} is not 1..8")
    return value


def _degrees(values: Any) -> float:
    parts = [float(v) for v in values]
    if not 1 <= len(parts) <= 3 or any(p < 0 for p in parts):
        raise ValueError(f"bad degrees/minutes/seconds {values!r}")
    return sum(p / 60**i for i, p in enumerate(parts))


def _position(reader: _Reader) -> dict[str, float]:
    latitude = reader.read("latitude", "GPS GPSLatitude", _degrees)
    longitude = reader.read("longitude", "GPS GPSLongitude", _degrees)
    if latitude is None or longitude is None:
        return {}
    if latitude > 90 or longitude > 180:
        reader.problem("position", "out_of_range", f"{latitude}, {longitude}")
        return {}
    if latitude == 0 and longitude == 0:
        reader.problem("position", "zero", "0, 0 is what some devices write without a fix")
        return {}
    signs = {"N": 1, "S": -1, "E": 1, "W": -1}
    out: dict[str, float] = {}
    for name, value, key in (("latitude", latitude, "Lat"), ("longitude", longitude, "Long")):
        ref = reader.read(name, f"GPS GPS{key}itudeRef", _text)
        if ref is None or ref[:1].upper() not in signs:
            reader.problem(name, "missing_ref", f"reference {ref!r}; read as north/east")
            ref = "N"
        out[name] = value * signs[ref[:1].upper()]
    return out


def _gps_time(reader: _Reader) -> datetime | None:
    stamp = reader.read("gps_time_utc", "GPS GPSTimeStamp", lambda v: [float(x) for x in v])
    date = reader.read("gps_time_utc", "GPS GPSDate", _text)
    if stamp is None or date is None:
        if stamp is not None or date is not None:
            reader.problem("gps_time_utc", "incomplete", "GPS date or time of day is missing")
        return None
    try:
        hours, minutes, seconds = stamp
        day = datetime.strptime(date, "%Y:%m:%d").replace(tzinfo=UTC)
        if not (0 <= hours < 24 and 0 <= minutes < 60 and 0 <= seconds < 61):
            raise ValueError(f"time of day {stamp!r}")
        return day + timedelta(hours=hours, minutes=minutes, seconds=seconds)
    except ValueError as exc:
        reader.problem("gps_time_utc", "unreadable", str(exc))
        return None


def _taken_at(reader: _Reader, zone: tzinfo) -> dict[str, Any]:
    written = reader.read("taken_at", "EXIF DateTimeOriginal", _text)
    if written is None:
        return {}
    match = _DATETIME.match(written)
    try:
        if match is None:
            raise ValueError(f"{written!r} is not YYYY:MM:DD HH:MM:SS")
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        local = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - zone applied below
    except ValueError as exc:
        code = "unset" if not written.strip("0: ") else "unreadable"
        reader.problem("taken_at", code, str(exc))
        return {}
    subsec = reader.read("taken_at", "EXIF SubSecTimeOriginal", _text)
    if subsec and subsec.isdigit():
        local += timedelta(seconds=int(subsec) / 10 ** len(subsec))
    offset_text = reader.read("taken_at_offset", "EXIF OffsetTimeOriginal", _text)
    offset = _parse_offset(offset_text) if offset_text else None
    if offset_text and offset is None:
        reader.problem("taken_at_offset", "unreadable", f"{offset_text!r}; device zone used")
    source = OFFSET_FROM_EXIF if offset is not None else OFFSET_FROM_DEVICE_ZONE
    aware = local.replace(tzinfo=offset or zone)
    return {
        "taken_at_local": local.isoformat(),
        "taken_at_offset": _format_offset(aware.utcoffset() or timedelta(0)),
        "offset_source": source,
        "taken_at_utc": aware.astimezone(UTC),
    }


def _parse_offset(text: str) -> timezone | None:
    text = text.strip()
    if text.upper() in ("Z", "UTC"):
        return UTC
    match = _OFFSET.match(text)
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14) or int(minutes) >= 60:
        return None
    return timezone(-delta if sign == "-" else delta)


def _format_offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
