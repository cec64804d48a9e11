"""List filters: an unknown one is a 422 naming the known ones (never ignored, which would
answer the whole unfiltered list), and ``county`` takes a county's name or its GB/T 2260
division code (a credit code's characters 3-8)."""

from __future__ import annotations

import pytest

from server.accounts.models import Role
from tests.factories import COUNTY, OTHER_COUNTY


@pytest.fixture
def admin_headers(make_user, login):
    return login(make_user(Role.admin))


def list_paths(client) -> list[str]:
    """Every GET without a path parameter that documents query filters."""
    spec = client.get("/api/openapi.json").json
    paths = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if "{" in path or get is None:
            continue
        if any(p.get("in") == "query" for p in get.get("parameters", [])):
            paths.append(path)
    return sorted(paths)


def test_every_list_refuses_an_unknown_filter_with_a_422(client, admin_headers):
    paths = list_paths(client)
    assert "/api/filings" in paths and "/api/users" in paths and len(paths) >= 10
    for path in paths:
        response = client.get(f"{path}?no_such_filter=1", headers=admin_headers)
        assert response.status_code == 422, (path, response.status_code, response.json)
        errors = response.json["errors"]["query"]
        assert "no_such_filter" in errors, (path, errors)
        assert "Unknown filter" in errors["no_such_filter"][0], path


def test_known_filters_and_pagination_still_pass(client, admin_headers, make_filing):
    make_filing()
    response = client.get(
        f"/api/filings?county={COUNTY}&page=1&page_size=10", headers=admin_headers
    )
    assert response.status_code == 200 and len(response.json) == 1


def test_county_by_name_or_division_code(
    client, admin_headers, make_site, make_enterprise, make_filing
):
    for county in (COUNTY, COUNTY, OTHER_COUNTY):
        make_filing(site=make_site(enterprise=make_enterprise(county=county)))
    # The factories' credit codes are registered in division 411700 (characters 3-8).
    by_name = client.get(f"/api/filings?county={COUNTY}", headers=admin_headers)
    by_code = client.get("/api/filings?county=411700", headers=admin_headers)
    assert by_name.status_code == by_code.status_code == 200
    assert {f["id"] for f in by_code.json} == {f["id"] for f in by_name.json}
    assert len(by_code.json) == 2
    unknown = client.get("/api/filings?county=419999", headers=admin_headers)
    assert unknown.status_code == 422
    assert "division code 419999" in unknown.json["errors"]["query"]["county"][0]
