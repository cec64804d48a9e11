"""What a photo says about itself: position, times, device, orientation, size; and what it could not say.

``PhotoMetadata`` is a plain value: the server keeps ``to_dict()`` as JSON beside the photo and
re-runs the checks from ``from_dict()`` when the context changes (a corrected site boundary,
say) without touching the original again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

# Where ``taken_at_utc`` got its offset from.
OFFSET_FROM_EXIF = "exif"  # OffsetTimeOriginal, written by the camera
OFFSET_FROM_DEVICE_ZONE = (
    "device_zone"  # the zone the device reports (China Standard Time by default)
)


@dataclass(frozen=True)
class MetadataProblem:
    """One EXIF field that was present but could not be read (``code``: ``unreadable``, ...)."""

    field: str
    code: str
    detail: str


@dataclass(frozen=True)
class PhotoMetadata:
    """Everything read from a photo's EXIF. Times are aware datetimes in UTC."""

    width: int  # pixel size as stored (before turning upright)
    height: int
    has_exif: bool = False
    make: str | None = None
    model: str | None = None
    serial_number: str | None = None
    software: str | None = None
    orientation: int = 1  # EXIF 1..8 as written; 1 when absent or unreadable
    latitude: float | None = None  # WGS-84 degrees, north positive
    longitude: float | None = None  # WGS-84 degrees, east positive
    altitude_m: float | None = None  # above sea level; negative below
    horizontal_accuracy_m: float | None = None  # GPSHPositioningError, where the device writes it
    gps_map_datum: str | None = None
    gps_time_utc: datetime | None = None  # GPSDateStamp + GPSTimeStamp (UTC by definition)
    taken_at_local: str | None = None  # DateTimeOriginal as written, ISO format, no offset
    taken_at_offset: str | None = None  # "+08:00": the offset used to reach UTC
    offset_source: str | None = None  # OFFSET_FROM_EXIF or OFFSET_FROM_DEVICE_ZONE
    taken_at_utc: datetime | None = None
    problems: tuple[MetadataProblem, ...] = field(default_factory=tuple)

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def upright_size(self) -> tuple[int, int]:
        """(width, height) once turned upright: orientations 5 to 8 swap them."""
        return (self.height, self.width) if self.orientation >= 5 else (self.width, self.height)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO 8601 with ``Z``, problems as dicts."""
        out: dict[str, Any] = {}
        for name, value in asdict(self).items():
            out[name] = iso_utc(value) if isinstance(value, datetime) else value
        out["problems"] = [asdict(p) for p in self.problems]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhotoMetadata:
        """The inverse of ``to_dict``; unknown keys are ignored (older or newer records)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("gps_time_utc", "taken_at_utc"):
            if values.get(name) is not None:
                values[name] = parse_iso_utc(values[name])
        values["problems"] = tuple(MetadataProblem(**p) for p in data.get("problems", ()))
        return cls(**values)


def iso_utc(moment: datetime) -> str:
    """An aware datetime as ISO 8601 in UTC with a ``Z`` (naive datetimes are refused)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time in media is aware")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso_utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time {text!r} has no offset")
    return moment.astimezone(UTC)
