"""When: the time taken against the visit window, the assignment, and the other clocks.

Three clocks speak about a photo: the camera's (EXIF DateTimeOriginal, set by the device and
easily wrong), the GPS receiver's (satellite time, but the fix may be stale) and the tablet's
record of when the photo was attached. The visit checks use the EXIF time, or the GPS time when
the photo has no EXIF time; the skew checks compare each pair that is present.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from media.findings import Finding, finding
from media.metadata import OFFSET_FROM_DEVICE_ZONE, PhotoMetadata

VISIT_GRACE = timedelta(minutes=15)
MAX_EXIF_GPS_SKEW = timedelta(minutes=5)
MAX_EXIF_RECORDED_SKEW = timedelta(minutes=15)
MAX_GPS_RECORDED_SKEW = timedelta(minutes=15)
_ZONE_STEP = 1800.0  # zone offsets are whole or half hours...
_ZONE_MAX = 14 * 3600.0  # ...and never more than 14 hours
_ZONE_SLACK = 120.0


def taken_at(metadata: PhotoMetadata) -> tuple[datetime | None, str | None]:
    """The best time taken and where it came from (``exif`` or ``gps``)."""
    if metadata.taken_at_utc is not None:
        return metadata.taken_at_utc, "exif"
    if metadata.gps_time_utc is not None:
        return metadata.gps_time_utc, "gps"
    return None, None


def check_time(
    metadata: PhotoMetadata,
    *,
    visit_start: datetime,
    visit_end: datetime,
    assignment_created_at: datetime | None = None,
    grace: timedelta = VISIT_GRACE,
) -> list[Finding]:
    """Findings on when the photo was taken: unknown, outside the visit, before the assignment."""
    _require_aware(visit_start=visit_start, visit_end=visit_end, assigned=assignment_created_at)
    moment, source = taken_at(metadata)
    if moment is None:
        return [finding("time.missing")]
    findings: list[Finding] = []
    if source == "exif" and metadata.offset_source == OFFSET_FROM_DEVICE_ZONE:
        findings.append(finding("time.offset_assumed", offset=metadata.taken_at_offset))
    if moment < visit_start - grace or moment > visit_end + grace:
        outside = (visit_start - moment) if moment < visit_start else (moment - visit_end)
        findings.append(
            finding(
                "time.outside_visit",
                taken_at=moment,
                time_source=source,
                window_start=visit_start,
                window_end=visit_end,
                grace_seconds=grace.total_seconds(),
                seconds_outside=outside.total_seconds(),
            )
        )
    if assignment_created_at is not None and moment < assignment_created_at:
        findings.append(
            finding(
                "time.before_assignment",
                taken_at=moment,
                time_source=source,
                assignment_created_at=assignment_created_at,
                seconds_before=(assignment_created_at - moment).total_seconds(),
            )
        )
    return findings


def check_clock_skew(
    metadata: PhotoMetadata,
    *,
    recorded_at: datetime | None,
    max_exif_gps: timedelta = MAX_EXIF_GPS_SKEW,
    max_exif_recorded: timedelta = MAX_EXIF_RECORDED_SKEW,
    max_gps_recorded: timedelta = MAX_GPS_RECORDED_SKEW,
) -> list[Finding]:
    """Findings where two of the three clocks disagree by more than their allowance."""
    _require_aware(recorded_at=recorded_at)
    pairs = (
        ("clock.exif_gps_skew", "exif_time", metadata.taken_at_utc, "gps_time",
         metadata.gps_time_utc, max_exif_gps),
        ("clock.exif_recorded_skew", "exif_time", metadata.taken_at_utc, "recorded_at",
         recorded_at, max_exif_recorded),
        ("clock.gps_recorded_skew", "gps_time", metadata.gps_time_utc, "recorded_at",
         recorded_at, max_gps_recorded),
    )  # fmt: skip
    findings: list[Finding] = []
    for code, first_name, first, second_name, second, allowance in pairs:
        if first is None or second is None:
            continue
        difference = (first - second).total_seconds()
        if abs(difference) <= allowance.total_seconds():
            continue
        nearest_zone = round(difference / _ZONE_STEP) * _ZONE_STEP
        findings.append(
            finding(
                code,
                **{first_name: first, second_name: second},
                difference_seconds=difference,
                skew_seconds=abs(difference),
                max_skew_seconds=allowance.total_seconds(),
                suspected_zone_error=0 < abs(nearest_zone) <= _ZONE_MAX
                and abs(difference - nearest_zone) <= _ZONE_SLACK,
            )
        )
    return findings


def _require_aware(**moments: datetime | None) -> None:
    for name, moment in moments.items():
        if moment is not None and moment.utcoffset() is None:
            raise ValueError(f"{name} is a naive datetime; pass an aware one (UTC)")
