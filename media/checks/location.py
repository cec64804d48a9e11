"""Where: a GPS position, its accuracy, and the site boundary (converted to WGS-84 first)."""

from __future__ import annotations

from dataclasses import dataclass

from media.findings import Finding, finding
from media.geo import WGS84, Boundary, boundary_to_wgs84, signed_distance_m
from media.metadata import PhotoMetadata

ASSUMED_ACCURACY_M = 20.0  # when the photo does not say: a phone's typical outdoor fix
MAX_ACCURACY_M = 100.0  # beyond this a position cannot place a photo inside a plant


@dataclass(frozen=True)
class SiteBoundary:
    """A site's boundary as registered: GeoJSON polygons (``[[[lon, lat], ...], holes...]``)
    in ``datum`` (``WGS84``, ``GCJ02`` or ``BD09``)."""

    polygons: Boundary
    datum: str = WGS84


def check_location(
    metadata: PhotoMetadata,
    boundary: SiteBoundary | None,
    *,
    tolerance_m: float = 0.0,
    assumed_accuracy_m: float = ASSUMED_ACCURACY_M,
    max_accuracy_m: float = MAX_ACCURACY_M,
) -> list[Finding]:
    """Findings on the photo's position: missing, imprecise, or outside the site.

    A photo is outside only when it is farther from the boundary than the GPS accuracy (as
    reported, else ``assumed_accuracy_m``) plus ``tolerance_m``; nearer than that it is
    ``geo.boundary_uncertain``.
    """
    if metadata.latitude is None or metadata.longitude is None:
        return [finding("gps.missing")]
    findings: list[Finding] = []
    reported = metadata.horizontal_accuracy_m
    accuracy = reported if reported is not None else assumed_accuracy_m
    if reported is not None and reported > max_accuracy_m:
        findings.append(
            finding("gps.poor_accuracy", accuracy_m=reported, max_accuracy_m=max_accuracy_m)
        )
    if boundary is None or not boundary.polygons:
        return [*findings, finding("geo.no_boundary")]
    wgs84 = boundary_to_wgs84(boundary.polygons, boundary.datum)
    distance = signed_distance_m(metadata.longitude, metadata.latitude, wgs84)
    if distance <= 0:
        return findings
    data = {
        "distance_m": distance,
        "accuracy_m": accuracy,
        "accuracy_source": "exif" if reported is not None else "assumed",
        "tolerance_m": tolerance_m,
        "longitude": metadata.longitude,
        "latitude": metadata.latitude,
        "boundary_datum": boundary.datum,
    }
    code = "geo.outside_boundary" if distance > accuracy + tolerance_m else "geo.boundary_uncertain"
    return [*findings, finding(code, **data)]
