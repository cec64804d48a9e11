"""Shared values for the check tests: a test site near Zhumadian and small builders."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

from media import Finding, PhotoMetadata, SiteBoundary
from media.geo import wgs84_to_bd09, wgs84_to_gcj02

from .conftest import TAKEN

Make = Callable[..., PhotoMetadata]
ORIGIN = (114.02, 32.98)
M_LAT = 1 / 110_900
M_LON = 1 / (110_900 * math.cos(math.radians(32.98)))
START, END = TAKEN - timedelta(hours=1), TAKEN + timedelta(hours=2)  # the visit window


def at(east_m: float, north_m: float) -> tuple[float, float]:
    """(lon, lat) of a point so many metres east and north of ORIGIN."""
    return ORIGIN[0] + east_m * M_LON, ORIGIN[1] + north_m * M_LAT


def yard(datum: str = "WGS84") -> SiteBoundary:
    """A 200 m x 100 m yard whose south-west corner is ORIGIN, given in ``datum``."""
    convert = {
        "WGS84": lambda lon, lat: (lon, lat),
        "GCJ02": wgs84_to_gcj02,
        "BD09": wgs84_to_bd09,
    }[datum]
    corners = [at(0, 0), at(200, 0), at(200, 100), at(0, 100), at(0, 0)]
    return SiteBoundary([[[list(convert(*c)) for c in corners]]], datum)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]
