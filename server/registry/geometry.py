"""Site boundaries: polygons as GeoJSON, checked with Shapely, in their declared datum.

Chinese map services give GCJ-02 (Amap, Tencent) or BD-09 (Baidu) coordinates; the datum is kept
with the polygon and converted to WGS-84 only where GPS positions are compared against it.
"""

from __future__ import annotations

from typing import Any

from shapely.geometry import Polygon
from shapely.validation import explain_validity

DATUMS = ("WGS84", "GCJ02", "BD09")

# China's extent, generous: a point outside it was almost certainly given as (lat, lon).
_LON_RANGE = (73.0, 136.0)
_LAT_RANGE = (3.0, 54.0)


def polygon_problems(rings: Any) -> list[str]:
    """Every reason the GeoJSON polygon ``rings`` (outer ring, then holes) is unusable."""
    if not isinstance(rings, list) or not rings:
        return ["a polygon is a list of rings: the outer boundary first, then any holes"]
    problems: list[str] = []
    for index, ring in enumerate(rings):
        where = "outer ring" if index == 0 else f"hole {index}"
        if not isinstance(ring, list) or not all(_is_position(p) for p in ring):
            problems.append(f"{where}: each point must be [longitude, latitude] in degrees")
            continue
        distinct = {tuple(p) for p in ring}
        if len(distinct) < 3:
            problems.append(f"{where}: needs at least 3 distinct points, got {len(distinct)}")
            continue
        if list(ring[0]) != list(ring[-1]):
            problems.append(f"{where}: is open; repeat the first point at the end to close it")
            continue
        outside = [p for p in ring if not _in_china(p)]
        if outside:
            problems.append(
                f"{where}: point {outside[0]} is outside China; "
                "points are [longitude, latitude], not [latitude, longitude]"
            )
    if problems:
        return problems
    polygon = Polygon(rings[0], rings[1:])
    if not polygon.is_valid:
        problems.append(f"polygon is not valid: {explain_validity(polygon)}")
    return problems


def boundary_problems(boundary: Any) -> list[str]:
    """Problems of a boundary given as a list of polygons (a site may have separate parcels)."""
    if not isinstance(boundary, list) or not boundary:
        return ["boundary must be a non-empty list of polygons"]
    problems: list[str] = []
    for index, rings in enumerate(boundary):
        problems.extend(f"polygon {index}: {p}" for p in polygon_problems(rings))
    return problems


def _is_position(point: Any) -> bool:
    return (
        isinstance(point, list | tuple)
        and len(point) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
    )


def _in_china(point: list[float]) -> bool:
    lon, lat = point
    return _LON_RANGE[0] <= lon <= _LON_RANGE[1] and _LAT_RANGE[0] <= lat <= _LAT_RANGE[1]
