"""Evidence checks: pure functions of plain values, each returning a list of ``Finding``.

``evaluate`` runs them all for one photo in one context; the server calls it at ingest (through
either door) and again whenever the context changes, from the stored ``PhotoMetadata``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from media.checks.device import RegisteredDevice, check_device
from media.checks.location import (
    ASSUMED_ACCURACY_M,
    MAX_ACCURACY_M,
    DevicePosition,
    SiteBoundary,
    check_location,
)
from media.checks.reuse import PhotoUse, check_reuse
from media.checks.timing import (
    MAX_EXIF_GPS_SKEW,
    MAX_EXIF_RECORDED_SKEW,
    MAX_GPS_RECORDED_SKEW,
    VISIT_GRACE,
    check_clock_skew,
    check_time,
    taken_at,
)
from media.findings import Finding, finding
from media.metadata import PhotoMetadata
from media.phash import NEAR_DUPLICATE_DISTANCE

__all__ = [
    "CheckContext",
    "DevicePosition",
    "PhotoUse",
    "RegisteredDevice",
    "SiteBoundary",
    "Thresholds",
    "check_clock_skew",
    "check_device",
    "check_exif",
    "check_location",
    "check_reuse",
    "check_time",
    "evaluate",
    "taken_at",
]


@dataclass(frozen=True)
class Thresholds:
    """Every allowance the checks use, with the documented defaults."""

    boundary_tolerance_m: float = 0.0
    assumed_accuracy_m: float = ASSUMED_ACCURACY_M
    max_accuracy_m: float = MAX_ACCURACY_M
    visit_grace: timedelta = VISIT_GRACE
    max_exif_gps_skew: timedelta = MAX_EXIF_GPS_SKEW
    max_exif_recorded_skew: timedelta = MAX_EXIF_RECORDED_SKEW
    max_gps_recorded_skew: timedelta = MAX_GPS_RECORDED_SKEW
    near_duplicate_distance: int = NEAR_DUPLICATE_DISTANCE


@dataclass(frozen=True)
class CheckContext:
    """What the server knows about the photo's visit, as plain values (aware datetimes)."""

    plant_id: str | int
    visit_id: str | int
    visit_start: datetime
    visit_end: datetime
    boundary: SiteBoundary | None = None
    assignment_created_at: datetime | None = None
    recorded_at: datetime | None = None  # when the tablet recorded the photo
    device_position: DevicePosition | None = None  # where the tablet said it was (no EXIF GPS?)
    sender_device_id: str | None = None
    registered_devices: Sequence[RegisteredDevice] = ()
    prior_uses: Sequence[PhotoUse] = ()  # candidates: same sha256 or a shared phash band
    thresholds: Thresholds = field(default_factory=Thresholds)


def check_exif(metadata: PhotoMetadata) -> list[Finding]:
    """``exif.missing`` when there is no EXIF at all; ``exif.unreadable`` when the block (or one
    of its directories) is there but malformed; ``exif.damaged`` listing unreadable fields."""
    if not metadata.has_exif:
        return [finding("exif.missing")]
    found = []
    broken = [p for p in metadata.problems if p.field == "exif"]
    if broken:
        found.append(finding("exif.unreadable", details=[p.detail for p in broken]))
    fields = [p for p in metadata.problems if p.field != "exif"]
    if fields:
        problems = [{"field": p.field, "code": p.code, "detail": p.detail} for p in fields]
        names = ", ".join(sorted({p.field for p in fields}))
        found.append(finding("exif.damaged", fields=names, problems=problems))
    return found


def evaluate(
    metadata: PhotoMetadata, *, sha256: str, phash: int | None, context: CheckContext
) -> list[Finding]:
    """Every check for one photo, in a stable order (EXIF, place, time, clocks, reuse, device)."""
    limits = context.thresholds
    return [
        *check_exif(metadata),
        *check_location(
            metadata,
            context.boundary,
            device_position=context.device_position,
            tolerance_m=limits.boundary_tolerance_m,
            assumed_accuracy_m=limits.assumed_accuracy_m,
            max_accuracy_m=limits.max_accuracy_m,
        ),
        *check_time(
            metadata,
            visit_start=context.visit_start,
            visit_end=context.visit_end,
            assignment_created_at=context.assignment_created_at,
            grace=limits.visit_grace,
        ),
        *check_clock_skew(
            metadata,
            recorded_at=context.recorded_at,
            max_exif_gps=limits.max_exif_gps_skew,
            max_exif_recorded=limits.max_exif_recorded_skew,
            max_gps_recorded=limits.max_gps_recorded_skew,
        ),
        *check_reuse(
            sha256=sha256,
            phash=phash,
            plant_id=context.plant_id,
            visit_id=context.visit_id,
            prior_uses=context.prior_uses,
            max_distance=limits.near_duplicate_distance,
        ),
        *check_device(
            metadata,
            sender_device_id=context.sender_device_id,
            registered=context.registered_devices,
        ),
    ]
