"""The photo map: an RFC 7946 FeatureCollection of real photos' positions, scoped by county."""

from __future__ import annotations

import json

import pytest

from server.accounts.models import Role
from tests.evidence.conftest import at
from tests.factories import COUNTY, OTHER_COUNTY


def collection(fetch, user, **query):
    response = fetch("/api/exports/photos.geojson", user, **query)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/geo+json"
    return json.loads(response.data)


def test_photos_are_points_in_lon_lat_order_with_their_checks(fetch, make_user, photographed):
    shot = photographed()
    body = collection(fetch, make_user(Role.county_reviewer, county=COUNTY))
    assert body["type"] == "FeatureCollection"
    assert set(body) == {"type", "features", "photos_without_position", "generated_at"}
    by_item = {feature["properties"]["item"]: feature for feature in body["features"]}
    assert set(by_item) == {"yard.inside", "yard.outside"}
    for name, east in (("inside", 100), ("outside", 500)):
        feature = by_item[f"yard.{name}"]
        uploaded, _data = shot.photos[name]
        assert feature["type"] == "Feature" and feature["id"] == uploaded["doc_id"]
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        expected_lon, expected_lat = at(east, 50)  # where the camera said it was (WGS-84)
        assert lon == pytest.approx(expected_lon, abs=1e-6)
        assert lat == pytest.approx(expected_lat, abs=1e-6)
        assert 113 < lon < 115 and 32 < lat < 34  # longitude first: this is 驻马店, not the sea
        assert feature["properties"] == {
            "photo_id": uploaded["id"],
            "doc_id": uploaded["doc_id"],
            "filing_id": shot.filing_id,
            "assignment_id": shot.visit.assignment.id,
            "site_id": shot.visit.site.id,
            "site": shot.visit.site.name,
            "item": f"yard.{name}",
            "taken_at": "2026-09-02T02:00:00Z",  # 10:00 in China
            "gps_accuracy_m": 5.0,
            "findings": ["geo.outside_boundary"] if name == "outside" else [],
            "outside_site": name == "outside",
        }
    unplaced = body["photos_without_position"]
    assert unplaced["count"] == 1
    [photo] = unplaced["photos"]
    assert photo["doc_id"] == shot.photos["unplaced"][0]["doc_id"]
    assert photo["findings"] == ["gps.missing"] and photo["outside_site"] is None


def test_scope_and_filters(fetch, make_user, photographed):
    here, there = photographed(), photographed(county=OTHER_COUNTY)
    county = collection(fetch, make_user(Role.county_reviewer, county=COUNTY))
    assert {f["properties"]["filing_id"] for f in county["features"]} == {here.filing_id}
    city = make_user(Role.city_reviewer)
    assert len(collection(fetch, city)["features"]) == 4
    only = collection(fetch, city, filing_id=there.filing_id)
    assert {f["properties"]["filing_id"] for f in only["features"]} == {there.filing_id}
    assert collection(fetch, city, county=OTHER_COUNTY)["photos_without_position"]["count"] == 1
    assert collection(fetch, city, year=2025)["features"] == []
    # another county's filing asked for by id: nothing, as if it did not exist
    assert (
        collection(fetch, make_user(Role.county_reviewer), filing_id=there.filing_id)["features"]
        == []
    )


def test_inspectors_may_not_export_the_map(fetch, photographed):
    shot = photographed()
    assert fetch("/api/exports/photos.geojson", shot.visit.lead).status_code == 403
