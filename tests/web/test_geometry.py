"""The site map and the production chart are pure geometry: numbers in, SVG coordinates out."""

from __future__ import annotations

import datetime as dt
import math

from shapely.geometry import Point, Polygon

from media.geo import wgs84_to_gcj02
from server.web.chart import LEFT, WIDTH, production_chart
from server.web.sitemap import PhotoPlace, site_map

ORIGIN = (114.02, 32.98)
M_LAT = 1 / 110_900
M_LON = 1 / (110_900 * math.cos(math.radians(ORIGIN[1])))


def at(east: float, north: float) -> tuple[float, float]:
    return ORIGIN[0] + east * M_LON, ORIGIN[1] + north * M_LAT


def yard(datum: str = "WGS84") -> list:
    corners = [at(0, 0), at(200, 0), at(200, 100), at(0, 100), at(0, 0)]
    if datum == "GCJ02":
        corners = [wgs84_to_gcj02(*c) for c in corners]
    return [[[list(c) for c in corners]]]


def svg_polygon(path: str) -> Polygon:
    points = [
        tuple(map(float, p.split(","))) for p in path.replace("M", "").replace(" Z", "").split(" L")
    ]
    return Polygon(points)


def test_the_accuracy_circle_is_drawn_to_the_map_scale():
    photo = PhotoPlace(1, *at(100, 50), accuracy_m=20.0, place="inside", label="p")
    drawn = site_map(yard(), "WGS84", [photo])
    assert drawn is not None
    [pin] = drawn.pins
    assert math.isclose(pin.r, 20.0 / drawn.metres_per_px, rel_tol=0.01)
    # The yard is 200 m wide: its drawn width is 200 m at the same scale (within 1 %).
    site = svg_polygon(drawn.paths[0])
    west, _, east, _ = site.bounds
    assert math.isclose((east - west) * drawn.metres_per_px, 200.0, rel_tol=0.01)
    assert site.contains(Point(pin.x, pin.y))
    assert drawn.scale_m in (10, 20, 50, 100)  # a round scale bar


def test_a_boundary_drawn_in_gcj02_is_converted_before_the_photos_are_placed():
    inside = PhotoPlace(1, *at(10, 10), accuracy_m=3.0, place="inside", label="corner")
    drawn = site_map(yard("GCJ02"), "GCJ02", [inside])
    assert drawn is not None
    # Without the conversion the yard would sit hundreds of metres off and the photo outside.
    assert svg_polygon(drawn.paths[0]).contains(Point(drawn.pins[0].x, drawn.pins[0].y))


def test_a_photo_kilometres_away_is_pinned_to_the_edge_with_its_distance():
    near = PhotoPlace(1, *at(100, 50), accuracy_m=5.0, place="inside", label="near")
    far = PhotoPlace(2, *at(5_000, 50), accuracy_m=5.0, place="outside", label="far")
    drawn = site_map(yard(), "WGS84", [near, far])
    assert drawn is not None
    pins = {p.photo_id: p for p in drawn.pins}
    assert not pins[1].off_map and pins[2].off_map
    assert 4_800 < pins[2].distance_m < 5_000
    assert pins[2].x <= drawn.width and pins[2].x > drawn.width / 2  # east, on the map
    assert drawn.metres_per_px < 1  # the far photo did not shrink the yard to a dot


def test_no_boundary_and_no_position_is_no_map():
    assert site_map(None, None, []) is None


def series(minutes: list[int]) -> dict:
    start = dt.datetime(2026, 9, 1, 0, 0, tzinfo=dt.UTC)

    def iso(m: int) -> str:
        return (start + dt.timedelta(minutes=m)).isoformat().replace("+00:00", "Z")

    return {
        "window_start": iso(0),
        "window_end": iso(24 * 60),
        "flow": [{"t": iso(m), "mn": "MN1", "flow": 40_000.0, "flag": "N"} for m in minutes],
        "power": [{"t": iso(m), "meter": "EM-1", "role": "treatment", "kw": 50.0} for m in minutes],
    }


def test_the_chart_breaks_its_lines_at_gaps_and_marks_flags():
    minutes = [0, 60, 120, 180, 600, 660, 720]  # no readings from 03:00 to 10:00
    data = series(minutes)
    data["flow"][1]["flag"] = "D"  # a fault flag
    chart = production_chart(data)
    assert chart is not None and not chart.zoomed
    flow, power = chart.panels
    assert len(flow.lines[0].segments) == 2 and len(power.lines[0].segments) == 2
    assert [flag for _, _, flag in flow.lines[0].flagged] == ["D"]
    assert power.lines[0].role == "treatment"
    first_x = float(flow.lines[0].segments[0].split()[0].split(",")[0])
    assert first_x == LEFT  # the window's start is the axis' start
    assert chart.width == WIDTH


def test_a_short_burst_of_data_is_shown_over_its_own_span():
    chart = production_chart(series(list(range(480, 600, 15))))  # two hours of a 24-hour window
    assert chart is not None and chart.zoomed
    assert (chart.end - chart.start) <= dt.timedelta(hours=3)


def test_no_readings_no_chart():
    assert (
        production_chart(
            {
                "window_start": "2026-09-01T00:00:00Z",
                "window_end": "2026-09-02T00:00:00Z",
                "flow": [],
                "power": [],
            }
        )
        is None
    )
    assert production_chart(None) is None
