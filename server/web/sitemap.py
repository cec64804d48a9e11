"""The site map of a dossier as SVG geometry: the boundary, each photo's position and its GPS
accuracy circle, drawn to one scale in metres. Pure: numbers in, numbers out.

The boundary is converted to WGS-84 first (``media.geo``; sites are often drawn in GCJ-02 or
BD-09), as the geofence check does, so a photo sits on the map where the check measured it. The
plane is a local one around the map's centre (metres east and north, with the WGS-84 radii of
curvature there): at a plant's scale its error is far below any GPS accuracy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from media.geo import WGS84, boundary_to_wgs84, signed_distance_m

_A = 6378137.0
_E2 = 0.00669437999014
WIDTH, HEIGHT, PAD = 640.0, 420.0, 28.0
MIN_EXTENT_M = 80.0  # a tiny site is still drawn at a readable size
MARGIN = 0.25  # around the site, as a share of its size
NICE = (1, 2, 5)


@dataclass(frozen=True)
class PhotoPlace:
    photo_id: int
    lon: float  # WGS-84, as the camera wrote it
    lat: float
    accuracy_m: float | None
    place: str  # inside | outside | uncertain (what the geofence check said)
    label: str


@dataclass(frozen=True)
class MapPin:
    photo_id: int
    x: float
    y: float
    r: float  # the accuracy circle's radius on the map
    place: str
    label: str
    off_map: bool = False  # too far away to draw to scale: pinned to the edge, distance said
    distance_m: float = 0.0


@dataclass(frozen=True)
class SiteMap:
    width: float
    height: float
    paths: list[str]  # one SVG path per parcel, holes included (fill-rule evenodd)
    pins: list[MapPin]
    scale_px: float  # length of the scale bar
    scale_m: float  # what it stands for
    metres_per_px: float


def _plane(lat0: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at ``lat0`` on WGS-84."""
    phi = math.radians(lat0)
    w = 1.0 - _E2 * math.sin(phi) ** 2
    meridian = _A * (1.0 - _E2) / (w * math.sqrt(w))
    normal = _A / math.sqrt(w)
    return math.radians(1) * normal * math.cos(phi), math.radians(1) * meridian


def _nice_length(metres: float) -> float:
    exponent = math.floor(math.log10(max(metres, 1e-9)))
    best = 10.0**exponent
    for step in NICE:
        if step * 10.0**exponent <= metres:
            best = step * 10.0**exponent
    return best


def site_map(
    boundary: Sequence[object] | None,
    datum: str | None,
    photos: Sequence[PhotoPlace],
    *,
    width: float = WIDTH,
    height: float = HEIGHT,
) -> SiteMap | None:
    """The map, or None when there is neither a boundary nor a positioned photo to draw."""
    polygons = boundary_to_wgs84(boundary, datum or WGS84) if boundary else []  # type: ignore[arg-type]
    vertices = [p for polygon in polygons for ring in polygon for p in ring]
    anchor = vertices or [[photo.lon, photo.lat] for photo in photos]
    if not anchor:
        return None
    lon0 = (min(p[0] for p in anchor) + max(p[0] for p in anchor)) / 2
    lat0 = (min(p[1] for p in anchor) + max(p[1] for p in anchor)) / 2
    m_lon, m_lat = _plane(lat0)

    def metres(lon: float, lat: float) -> tuple[float, float]:
        return (lon - lon0) * m_lon, (lat - lat0) * m_lat

    core = [metres(p[0], p[1]) for p in anchor]
    half_w = max(*(abs(x) for x, _ in core), MIN_EXTENT_M / 2)
    half_h = max(*(abs(y) for _, y in core), MIN_EXTENT_M / 2)
    # Photos near the site widen the view; one kilometres away would shrink the site to a dot,
    # so it is pinned to the edge instead, with its distance written beside it.
    reach = max(half_w, half_h) * 3
    placed = [(photo, *metres(photo.lon, photo.lat)) for photo in photos]
    for _photo, x, y in placed:
        if abs(x) <= reach and abs(y) <= reach:
            half_w, half_h = max(half_w, abs(x)), max(half_h, abs(y))
    half_w, half_h = half_w * (1 + MARGIN), half_h * (1 + MARGIN)
    scale = min((width - 2 * PAD) / (2 * half_w), (height - 2 * PAD) / (2 * half_h))
    cx, cy = width / 2, height / 2

    def to_svg(x: float, y: float) -> tuple[float, float]:
        return round(cx + x * scale, 1), round(cy - y * scale, 1)

    paths = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            points = [to_svg(*metres(p[0], p[1])) for p in ring]
            rings.append("M" + " L".join(f"{x},{y}" for x, y in points) + " Z")
        paths.append(" ".join(rings))
    pins = []
    for photo, x, y in placed:
        radius = (photo.accuracy_m or 0.0) * scale
        # The distance the photo page and the geofence check give: from the boundary.
        distance = outside_m(polygons, photo.lon, photo.lat) if polygons else math.hypot(x, y)
        if abs(x) <= reach and abs(y) <= reach:
            sx, sy = to_svg(x, y)
            pins.append(
                MapPin(
                    photo.photo_id, sx, sy, round(radius, 1), photo.place, photo.label,
                    False, round(distance),
                )
            )  # fmt: skip
            continue
        edge = min((width / 2 - PAD) / max(abs(x), 1e-9), (height / 2 - PAD) / max(abs(y), 1e-9))
        sx, sy = round(cx + x * edge, 1), round(cy - y * edge, 1)
        pins.append(
            MapPin(photo.photo_id, sx, sy, 0.0, photo.place, photo.label, True, round(distance))
        )
    bar_m = _nice_length((width - 2 * PAD) / scale / 5)
    return SiteMap(width, height, paths, pins, round(bar_m * scale, 1), bar_m, 1 / scale)


def outside_m(polygons: list[Any], lon: float, lat: float) -> float:
    """Metres from a WGS-84 position to the site's WGS-84 boundary, 0 inside: the one measure
    the geofence check, the map and the photo page all give (``media.geo.signed_distance_m``)."""
    return max(0.0, signed_distance_m(lon, lat, polygons))


def boundary_distance_m(
    boundary: Any, datum: str | None, lon: float | None, lat: float | None
) -> int | None:
    """Whole metres from a photo's position to its site's boundary (registered in ``datum``);
    None without a position or a boundary."""
    if lon is None or lat is None or not boundary:
        return None
    return round(outside_m(boundary_to_wgs84(boundary, datum or WGS84), lon, lat))
