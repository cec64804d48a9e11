"""Datums and distances: GCJ-02 and BD-09 to WGS-84, and metres from a GPS fix to a site boundary.

Coordinates are ``(longitude, latitude)`` in degrees, as in GeoJSON, everywhere in this module.

GCJ-02 is the datum Chinese map services (Amap, Tencent) publish in: WGS-84 shifted by a
non-linear function of position (the public formula below, on the Krasovsky ellipsoid). BD-09
(Baidu) is a further polar shift of GCJ-02. The forward transforms are closed formulas; their
inverses are solved by fixed-point iteration until the forward image of the answer is within
1e-9 degrees (about 0.1 mm) of the input, so the conversion adds no error of its own beyond the
formula's. Outside China (a bounding box) GCJ-02 equals WGS-84.

Distance to a boundary: each vertex is placed on a local plane around the GPS fix by its
great-circle distance and azimuth, scaled by the WGS-84 radii of curvature for that azimuth; the
polygon (Shapely) is then measured from the origin. Against a geodesic on the WGS-84 ellipsoid
(Vincenty) the error is below 2 parts per million up to 1 km and below 0.01 % up to 50 km
(tests/media/test_geo.py measures it): millimetres at site scale, far below GPS accuracy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from shapely.geometry import Point, Polygon

WGS84 = "WGS84"
GCJ02 = "GCJ02"
BD09 = "BD09"
DATUMS = (WGS84, GCJ02, BD09)

Ring = Sequence[Sequence[float]]  # [[lon, lat], ...], closed
PolygonRings = Sequence[Ring]  # outer ring, then holes
Boundary = Sequence[PolygonRings]  # a site may have several parcels

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_WGS84_A = 6378137.0
_WGS84_E2 = 0.00669437999014
_BD_FACTOR = math.pi * 3000.0 / 180.0
_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 30


def in_china(lon: float, lat: float) -> bool:
    """The bounding box within which the GCJ-02 shift applies."""
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if not in_china(lon, lat):
        return lon, lat
    x, y = lon - 105.0, lat - 35.0
    ripple = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += ripple
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2 / 3
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += ripple
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    phi = math.radians(lat)
    w = 1.0 - _KRASOVSKY_EE * math.sin(phi) ** 2
    meridian = _KRASOVSKY_A * (1.0 - _KRASOVSKY_EE) / (w * math.sqrt(w))
    parallel = _KRASOVSKY_A / math.sqrt(w) * math.cos(phi)
    return lon + d_lon * 180.0 / (parallel * math.pi), lat + d_lat * 180.0 / (meridian * math.pi)


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _BD_FACTOR)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_FACTOR)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84 = {WGS84: lambda lon, lat: (lon, lat), GCJ02: gcj02_to_wgs84, BD09: bd09_to_wgs84}


def to_wgs84(lon: float, lat: float, datum: str) -> tuple[float, float]:
    """A point given in ``datum`` (``WGS84``, ``GCJ02`` or ``BD09``) as WGS-84."""
    if datum not in _TO_WGS84:
        raise ValueError(f"unknown datum {datum!r}; expected one of {', '.join(DATUMS)}")
    return _TO_WGS84[datum](lon, lat)


def boundary_to_wgs84(boundary: Boundary, datum: str) -> list[list[list[list[float]]]]:
    """Every vertex of a boundary (a list of polygons) converted to WGS-84."""
    return [
        [[list(to_wgs84(float(p[0]), float(p[1]), datum)) for p in ring] for ring in polygon]
        for polygon in boundary
    ]


def signed_distance_m(lon: float, lat: float, boundary: Boundary) -> float:
    """Metres from a WGS-84 point to a WGS-84 boundary: > 0 outside, <= 0 inside (depth).

    Inside a hole counts as outside. The nearest parcel decides.
    """
    best = math.inf
    for rings in boundary:
        plane = [_to_plane(lon, lat, ring) for ring in rings]
        polygon = Polygon(plane[0], plane[1:])
        origin = Point(0.0, 0.0)
        inside = polygon.covers(origin)
        edge = polygon.boundary.distance(origin)
        best = min(best, -edge if inside else edge)
    return best


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Metres between two WGS-84 points (the same local measure as ``signed_distance_m``)."""
    x, y = _to_plane(lon1, lat1, [[lon2, lat2]])[0]
    return math.hypot(x, y)


def _invert(
    forward: Callable[[float, float], tuple[float, float]], lon: float, lat: float
) -> tuple[float, float]:
    """Solve forward(p) == (lon, lat) by fixed-point iteration (the shift varies slowly)."""
    guess_lon, guess_lat = lon, lat
    for _ in range(_MAX_ITERATIONS):
        image_lon, image_lat = forward(guess_lon, guess_lat)
        error_lon, error_lat = image_lon - lon, image_lat - lat
        if abs(error_lon) < _TOLERANCE_DEG and abs(error_lat) < _TOLERANCE_DEG:
            break
        guess_lon, guess_lat = guess_lon - error_lon, guess_lat - error_lat
    return guess_lon, guess_lat


def _to_plane(lon0: float, lat0: float, ring: Ring) -> list[tuple[float, float]]:
    """Vertices on a plane centred on (lon0, lat0), in metres (x east, y north)."""
    points = np.asarray(ring, dtype=np.float64).reshape(-1, 2)
    phi0, lam0 = math.radians(lat0), math.radians(lon0)
    phi, lam = np.radians(points[:, 1]), np.radians(points[:, 0])
    d_lam = lam - lam0
    half = np.sin((phi - phi0) / 2) ** 2 + math.cos(phi0) * np.cos(phi) * np.sin(d_lam / 2) ** 2
    sigma = 2 * np.arcsin(np.sqrt(np.clip(half, 0.0, 1.0)))  # central angle
    azimuth = np.arctan2(
        np.sin(d_lam) * np.cos(phi),
        math.cos(phi0) * np.sin(phi) - math.sin(phi0) * np.cos(phi) * np.cos(d_lam),
    )
    w = 1.0 - _WGS84_E2 * math.sin(phi0) ** 2
    meridian = _WGS84_A * (1.0 - _WGS84_E2) / (w * math.sqrt(w))  # radius of curvature N-S
    normal = _WGS84_A / math.sqrt(w)  # radius of curvature E-W
    radius = np.sqrt((meridian * np.cos(azimuth)) ** 2 + (normal * np.sin(azimuth)) ** 2)
    metres = sigma * radius
    return list(
        zip((metres * np.sin(azimuth)).tolist(), (metres * np.cos(azimuth)).tolist(), strict=True)
    )
