"""Where: a position, its accuracy, and the site boundary (converted to WGS-84 first).

The position is the photo's own GPS (EXIF) when it has one; otherwise the position the tablet's
browser reported when the photo was taken (``DevicePosition``), which is weaker evidence: the
device says it, the camera did not record it, and software can set it. Findings say which was
used (``position_source`` in their data, ``position.device_reported``), and when both exist and
lie farther apart than their accuracies allow, ``position.sources_disagree`` says by how much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from media.findings import Finding, finding
from media.geo import WGS84, Boundary, boundary_to_wgs84, distance_m, signed_distance_m
from media.metadata import PhotoMetadata, iso_utc, parse_iso_utc

ASSUMED_ACCURACY_M = 20.0  # when the photo does not say: a phone's typical outdoor fix
MAX_ACCURACY_M = 100.0  # beyond this a position cannot place a photo inside a plant
EXIF, DEVICE = "exif", "device"


@dataclass(frozen=True)
class SiteBoundary:
    """A site's boundary as registered: GeoJSON polygons (``[[[lon, lat], ...], holes...]``)
    in ``datum`` (``WGS84``, ``GCJ02`` or ``BD09``)."""

    polygons: Boundary
    datum: str = WGS84


@dataclass(frozen=True)
class DevicePosition:
    """The position the tablet reported for a photo (the browser's Geolocation API): WGS-84
    degrees, the radius of its accuracy in metres, and when it was read (aware)."""

    latitude: float
    longitude: float
    accuracy_m: float
    at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """As stored and as the sync contract states it: ``lat``, ``lon``, ``accuracy_m``,
        ``at`` (ISO 8601 UTC)."""
        return {
            "lat": self.latitude,
            "lon": self.longitude,
            "accuracy_m": self.accuracy_m,
            "at": iso_utc(self.at) if self.at is not None else None,
        }

    @classmethod
    def from_document(cls, value: Any) -> DevicePosition | None:
        """From a photo document's ``device_position`` ({lat, lon, accuracy_m, at}, docs/sync.md);
        None when it is absent or breaks any rule (types, ranges, accuracy >= 0, an aware time)."""
        if not isinstance(value, dict) or set(value) != {"lat", "lon", "accuracy_m", "at"}:
            return None
        numbers = [value["lat"], value["lon"], value["accuracy_m"]]
        if any(isinstance(n, bool) or not isinstance(n, int | float) for n in numbers):
            return None
        lat, lon, accuracy = (float(n) for n in numbers)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= accuracy < math.inf):
            return None
        try:
            at = datetime.fromisoformat(value["at"]) if isinstance(value["at"], str) else None
        except ValueError:
            return None
        if at is None or at.tzinfo is None:
            return None
        return cls(lat, lon, accuracy, at)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> DevicePosition | None:
        if not data:
            return None
        at = data.get("at")
        return cls(
            latitude=float(data["lat"]),
            longitude=float(data["lon"]),
            accuracy_m=float(data["accuracy_m"]),
            at=parse_iso_utc(at) if isinstance(at, str) else None,
        )


def check_location(
    metadata: PhotoMetadata,
    boundary: SiteBoundary | None,
    *,
    device_position: DevicePosition | None = None,
    tolerance_m: float = 0.0,
    assumed_accuracy_m: float = ASSUMED_ACCURACY_M,
    max_accuracy_m: float = MAX_ACCURACY_M,
) -> list[Finding]:
    """Findings on the photo's position: missing, imprecise, two sources that disagree, or
    outside the site.

    A photo is outside only when it is farther from the boundary than the position's accuracy
    (the GPS's as reported, else ``assumed_accuracy_m``; a device position's own) plus
    ``tolerance_m``; nearer than that it is ``geo.boundary_uncertain``.
    """
    has_gps = metadata.latitude is not None and metadata.longitude is not None
    if not has_gps and device_position is None:
        return [finding("gps.missing")]
    findings: list[Finding] = []
    if metadata.latitude is not None and metadata.longitude is not None:
        source, lon, lat = EXIF, metadata.longitude, metadata.latitude
        reported = metadata.horizontal_accuracy_m
        accuracy = reported if reported is not None else assumed_accuracy_m
        accuracy_source = "exif" if reported is not None else "assumed"
        if reported is not None and reported > max_accuracy_m:
            findings.append(
                finding("gps.poor_accuracy", accuracy_m=reported, max_accuracy_m=max_accuracy_m)
            )
        if device_position is not None:
            findings.extend(_disagreement(lon, lat, accuracy, device_position))
    else:
        assert device_position is not None
        source, lon, lat = DEVICE, device_position.longitude, device_position.latitude
        accuracy, accuracy_source = device_position.accuracy_m, DEVICE
        findings.append(
            finding(
                "position.device_reported",
                accuracy_m=accuracy,
                longitude=lon,
                latitude=lat,
                position_at=device_position.at,
            )
        )
        if accuracy > max_accuracy_m:
            findings.append(
                finding(
                    "position.device_poor_accuracy",
                    accuracy_m=accuracy,
                    max_accuracy_m=max_accuracy_m,
                )
            )
    if boundary is None or not boundary.polygons:
        return [*findings, finding("geo.no_boundary", position_source=source)]
    wgs84 = boundary_to_wgs84(boundary.polygons, boundary.datum)
    distance = signed_distance_m(lon, lat, wgs84)
    if distance <= 0:
        return findings
    data = {
        "distance_m": distance,
        "accuracy_m": accuracy,
        "accuracy_source": accuracy_source,
        "position_source": source,
        "tolerance_m": tolerance_m,
        "longitude": lon,
        "latitude": lat,
        "boundary_datum": boundary.datum,
    }
    code = "geo.outside_boundary" if distance > accuracy + tolerance_m else "geo.boundary_uncertain"
    return [*findings, finding(code, **data)]


def _disagreement(
    lon: float, lat: float, gps_accuracy: float, device: DevicePosition
) -> list[Finding]:
    """``position.sources_disagree`` when the GPS and the device position lie farther apart
    than both accuracies together."""
    apart = distance_m(lon, lat, device.longitude, device.latitude)
    if apart <= gps_accuracy + device.accuracy_m:
        return []
    return [
        finding(
            "position.sources_disagree",
            distance_m=apart,
            gps_accuracy_m=gps_accuracy,
            device_accuracy_m=device.accuracy_m,
            gps=[lon, lat],
            device=[device.longitude, device.latitude],
            position_at=device.at,
        )
    ]
