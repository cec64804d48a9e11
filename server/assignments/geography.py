"""Where counties are, so a team can come from near the plant. Pure data and arithmetic.

Centres are the county seats of 驻马店市 (Zhumadian, the city of S0), approximate to about a
kilometre; close enough to rank "nearer" and "farther", which is all assignment needs. Add a
city's counties here to prefer near teams there; unknown counties rank after known ones.
"""

from __future__ import annotations

import math

COUNTY_CENTRES: dict[str, tuple[float, float]] = {  # (latitude, longitude), WGS-84
    "驿城区": (33.012, 114.022),
    "西平县": (33.388, 114.021),
    "上蔡县": (33.262, 114.264),
    "平舆县": (32.963, 114.619),
    "正阳县": (32.605, 114.393),
    "确山县": (32.802, 114.026),
    "泌阳县": (32.724, 113.327),
    "汝南县": (33.006, 114.362),
    "遂平县": (33.146, 114.013),
    "新蔡县": (32.749, 114.986),
}
# City-wide inspectors (no county) work from the city bureau, in the seat's district.
CITY_SEATS: dict[str, str] = {"驻马店市": "驿城区"}
UNKNOWN_DISTANCE_KM = 10_000.0
_EARTH_RADIUS_KM = 6371.0
NEIGHBOUR_KM = 45.0


def distance_km(a: str | None, b: str | None) -> float:
    """Great-circle distance between two county centres; UNKNOWN_DISTANCE_KM if either is unknown."""
    if a is None or b is None or a not in COUNTY_CENTRES or b not in COUNTY_CENTRES:
        return UNKNOWN_DISTANCE_KM
    if a == b:
        return 0.0
    (lat1, lon1), (lat2, lon2) = COUNTY_CENTRES[a], COUNTY_CENTRES[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def home_county(county: str | None, city: str) -> str | None:
    """Where an inspector starts from: their county, or the city seat for city-wide ones."""
    return county if county is not None else CITY_SEATS.get(city)


def neighbours(county: str) -> list[str]:
    """Counties whose seats are within NEIGHBOUR_KM, nearest first (for people; not used to exclude)."""
    near = [
        (distance_km(county, other), other)
        for other in COUNTY_CENTRES
        if other != county and distance_km(county, other) <= NEIGHBOUR_KM
    ]
    return [name for _, name in sorted(near)]
