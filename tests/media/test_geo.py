"""Datum conversion against published reference points, and distances against a geodesic."""

from __future__ import annotations

import math
import random

import pytest

from media.geo import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    distance_m,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    signed_distance_m,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# (WGS-84 lat, lon, GCJ-02 lat, lon): the reference pairs published with googollee/eviltransform
# (go/transform_test.go and python/test.py), reused by its ports in other languages.
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# One point in all three datums, published in Glatzel/pyxis python/tests/test_crypto.py
# (lon, lat). That library uses the WGS-84 radius where GCJ-02 has Krasovsky's: about 1 cm apart.
PYXIS_WGS84 = (121.0917077, 30.6107779)
PYXIS_GCJ02 = (121.09626935575027, 30.608604331756705)
PYXIS_BD09 = (121.10271732371203, 30.61484572185035)


def vincenty_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance on the WGS-84 ellipsoid (Vincenty's inverse formula), independent of media.geo."""
    a, f = 6378137.0, 1 / 298.257223563
    b = (1 - f) * a
    big_l = math.radians(lon2 - lon1)
    u1, u2 = (
        math.atan((1 - f) * math.tan(math.radians(lat1))),
        math.atan((1 - f) * math.tan(math.radians(lat2))),
    )
    lam = big_l
    for _ in range(200):
        sin_sigma = math.hypot(
            math.cos(u2) * math.sin(lam),
            math.cos(u1) * math.sin(u2) - math.sin(u1) * math.cos(u2) * math.cos(lam),
        )
        if sin_sigma == 0:
            return 0.0
        cos_sigma = math.sin(u1) * math.sin(u2) + math.cos(u1) * math.cos(u2) * math.cos(lam)
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = math.cos(u1) * math.cos(u2) * math.sin(lam) / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * math.sin(u1) * math.sin(u2) / cos2_alpha if cos2_alpha else 0.0
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
        )
        if abs(lam - previous) < 1e-13:
            break
    u_sq = cos2_alpha * (a * a - b * b) / (b * b)
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm**2)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
            )
        )
    )
    return b * big_a * (sigma - delta)


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVILTRANSFORM)
def test_published_gcj02_pairs(
    wgs_lat: float, wgs_lon: float, gcj_lat: float, gcj_lon: float
) -> None:
    lon, lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    assert vincenty_m(lon, lat, gcj_lon, gcj_lat) < 0.01
    lon, lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert vincenty_m(lon, lat, wgs_lon, wgs_lat) < 0.01  # the brief asks < 0.5 m


def test_published_bd09_point() -> None:
    assert vincenty_m(*wgs84_to_gcj02(*PYXIS_WGS84), *PYXIS_GCJ02) < 0.02
    assert vincenty_m(*gcj02_to_bd09(*PYXIS_GCJ02), *PYXIS_BD09) < 0.001
    assert vincenty_m(*bd09_to_gcj02(*PYXIS_BD09), *PYXIS_GCJ02) < 0.001
    assert vincenty_m(*bd09_to_wgs84(*PYXIS_BD09), *PYXIS_WGS84) < 0.02
    assert vincenty_m(*to_wgs84(*PYXIS_BD09, "BD09"), *PYXIS_WGS84) < 0.02


def test_round_trips_across_china_are_exact_to_a_millimetre() -> None:
    rng = random.Random(2)
    worst_gcj = worst_bd = 0.0
    for _ in range(2000):
        lon, lat = rng.uniform(74, 134), rng.uniform(18, 53)
        worst_gcj = max(worst_gcj, vincenty_m(*gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat)), lon, lat))
        worst_bd = max(worst_bd, vincenty_m(*bd09_to_wgs84(*wgs84_to_bd09(lon, lat)), lon, lat))
    assert worst_gcj < 0.001
    assert worst_bd < 0.001


def test_the_shift_is_real_inside_china_and_absent_outside() -> None:
    lon, lat = 114.02, 32.98  # Zhumadian
    assert 200 < vincenty_m(*wgs84_to_gcj02(lon, lat), lon, lat) < 700
    assert wgs84_to_gcj02(11.885, 43.467) == (11.885, 43.467)  # Italy
    assert to_wgs84(11.885, 43.467, "GCJ02") == (11.885, 43.467)
    with pytest.raises(ValueError, match="unknown datum"):
        to_wgs84(lon, lat, "CGCS2000")


def test_distance_agrees_with_the_geodesic() -> None:
    rng = random.Random(3)
    for target, bound in (
        (1.0, 1e-6),
        (100.0, 1e-6),
        (1_000.0, 2e-6),
        (10_000.0, 2e-5),
        (50_000.0, 1e-4),
    ):
        for _ in range(100):
            lat0, lon0, bearing = (
                rng.uniform(18, 53),
                rng.uniform(74, 134),
                rng.uniform(0, 2 * math.pi),
            )
            lat = lat0 + target * math.cos(bearing) / 111_000
            lon = lon0 + target * math.sin(bearing) / (111_000 * math.cos(math.radians(lat0)))
            geodesic = vincenty_m(lon0, lat0, lon, lat)
            assert abs(distance_m(lon0, lat0, lon, lat) - geodesic) <= bound * geodesic


# A 200 m x 100 m yard with a 20 m square hole (an office the plant leases out), WGS-84.
ORIGIN = (114.02, 32.98)
M_LAT = 1 / 110_900  # degrees per metre, near enough for building test shapes
M_LON = 1 / (110_900 * math.cos(math.radians(32.98)))


def _at(east_m: float, north_m: float) -> list[float]:
    return [ORIGIN[0] + east_m * M_LON, ORIGIN[1] + north_m * M_LAT]


def _ring(*corners: tuple[float, float]) -> list[list[float]]:
    points = [_at(*c) for c in corners]
    return [*points, points[0]]


YARD = [
    _ring((0, 0), (200, 0), (200, 100), (0, 100)),
    _ring((90, 40), (110, 40), (110, 60), (90, 60)),
]
ANNEX = [_ring((300, 0), (320, 0), (320, 20), (300, 20))]


def test_signed_distance_to_a_site() -> None:
    boundary = [YARD, ANNEX]
    assert signed_distance_m(*_at(50, 50), boundary) == pytest.approx(-40, abs=0.2)  # inside
    assert signed_distance_m(*_at(250, 50), boundary) == pytest.approx(50, abs=0.2)  # between
    assert signed_distance_m(*_at(310, 10), boundary) == pytest.approx(-10, abs=0.2)  # annex
    assert signed_distance_m(*_at(100, 50), boundary) == pytest.approx(10, abs=0.2)  # in the hole
    assert signed_distance_m(*_at(100, -30), boundary) == pytest.approx(30, abs=0.2)  # south
    corner = _at(-30, -40)  # nearest point is the yard's corner: 50 m
    assert signed_distance_m(*corner, boundary) == pytest.approx(
        vincenty_m(*corner, *_at(0, 0)), abs=0.05
    )
