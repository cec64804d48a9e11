"""Boundary polygons: closed, at least three points, not self-intersecting, (lon, lat) order."""

from server.registry.geometry import boundary_problems, polygon_problems

SQUARE = [[114.0, 33.0], [114.004, 33.0], [114.004, 33.004], [114.0, 33.004], [114.0, 33.0]]


def test_valid_square_with_hole() -> None:
    hole = [[114.001, 33.001], [114.002, 33.001], [114.002, 33.002], [114.001, 33.001]]
    assert polygon_problems([SQUARE, hole]) == []


def test_open_ring() -> None:
    assert polygon_problems([SQUARE[:-1]]) == [
        "outer ring: is open; repeat the first point at the end to close it"
    ]


def test_fewer_than_three_points() -> None:
    assert polygon_problems([[[114.0, 33.0], [114.1, 33.0], [114.0, 33.0]]]) == [
        "outer ring: needs at least 3 distinct points, got 2"
    ]


def test_self_intersecting_bow_tie() -> None:
    bow_tie = [[114.0, 33.0], [114.004, 33.004], [114.004, 33.0], [114.0, 33.004], [114.0, 33.0]]
    assert polygon_problems([bow_tie]) == [
        "polygon is not valid: Self-intersection[114.002 33.002]"
    ]


def test_latitude_longitude_swapped() -> None:
    swapped = [[lat, lon] for lon, lat in SQUARE]
    assert polygon_problems([swapped]) == [
        "outer ring: point [33.0, 114.0] is outside China; "
        "points are [longitude, latitude], not [latitude, longitude]"
    ]


def test_boundary_is_a_list_of_polygons() -> None:
    assert boundary_problems([]) == ["boundary must be a non-empty list of polygons"]
    assert boundary_problems([[SQUARE], [SQUARE[:-1]]]) == [
        "polygon 1: outer ring: is open; repeat the first point at the end to close it"
    ]
