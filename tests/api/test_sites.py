"""Sites: boundaries, datums, lines, CEMS points and gates."""

import pytest
from sqlalchemy import func, select

from server.accounts.models import Role
from server.registry.models import Site
from tests.factories import square

OPEN = [[[114.0, 33.0], [114.004, 33.0], [114.004, 33.004], [114.0, 33.004]]]
BOW_TIE = [[[114.0, 33.0], [114.004, 33.004], [114.004, 33.0], [114.0, 33.004], [114.0, 33.0]]]
TWO_POINTS = [[[114.0, 33.0], [114.004, 33.0], [114.0, 33.0]]]


def site_body(enterprise_id, **kw):
    data = {
        "enterprise_id": enterprise_id,
        "name": "二厂区",
        "address": "确山县产业集聚区",
        "datum": "GCJ02",
        "boundary": [square()],
        "lines": [{"code": "L01", "name": "制芯线"}, {"code": "L02", "name": "浇注线"}],
        "cems_points": [{"mn": "41170000000001", "name": "1号排口", "line_code": "L02"}],
        "gates": [{"code": "G01", "name": "北门"}],
    }
    data.update(kw)
    return data


def test_add_site_with_registry_details(client, make_enterprise, make_user, login):
    enterprise = make_enterprise()
    response = client.post(
        "/api/sites", json=site_body(enterprise.id), headers=login(make_user(Role.admin))
    )
    assert response.status_code == 201
    assert [line["code"] for line in response.json["lines"]] == ["L01", "L02"]
    assert response.json["datum"] == "GCJ02"


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        (OPEN, "polygon 0: outer ring: is open; repeat the first point at the end to close it"),
        (BOW_TIE, "polygon 0: polygon is not valid: Self-intersection[114.002 33.002]"),
        (TWO_POINTS, "polygon 0: outer ring: needs at least 3 distinct points, got 2"),
    ],
)
def test_bad_polygons_change_nothing(
    client, session, make_enterprise, make_user, login, boundary, message
):
    enterprise = make_enterprise()
    before = session.scalar(select(func.count(Site.id)))
    response = client.post(
        "/api/sites",
        json=site_body(enterprise.id, boundary=[boundary]),
        headers=login(make_user(Role.admin)),
    )
    assert response.status_code == 422
    assert response.json["errors"]["boundary"] == [message]
    assert session.scalar(select(func.count(Site.id))) == before


def test_unknown_datum_and_duplicate_codes(client, make_enterprise, make_user, login):
    enterprise = make_enterprise()
    body = site_body(
        enterprise.id, lines=[{"code": "L01", "name": "a"}, {"code": "L01", "name": "b"}]
    )
    body["datum"] = "WGS72"
    response = client.post("/api/sites", json=body, headers=login(make_user(Role.admin)))
    assert response.status_code == 422
    assert "datum" in response.json["errors"]["json"]


def test_duplicate_line_code_and_mn_already_used(
    client, make_site, make_enterprise, make_user, login
):
    taken = make_site().cems_points[0].mn
    body = site_body(
        make_enterprise().id,
        lines=[{"code": "L01", "name": "a"}, {"code": "L01", "name": "b"}],
        cems_points=[{"mn": taken, "name": "x"}],
    )
    response = client.post("/api/sites", json=body, headers=login(make_user(Role.admin)))
    assert response.status_code == 422
    assert response.json["errors"] == {
        "lines": ["duplicate code: L01"],
        "cems_points": [f"MN already registered at another site: {taken}"],
    }


def test_patch_boundary_checked_and_etag(client, make_site, make_user, login):
    site = make_site()
    headers = login(make_user(Role.admin))
    got = client.get(f"/api/sites/{site.id}", headers=headers)
    bad = client.patch(
        f"/api/sites/{site.id}",
        json={"boundary": [OPEN]},
        headers={**headers, "If-Match": got.headers["ETag"]},
    )
    assert bad.status_code == 422
    good = client.patch(
        f"/api/sites/{site.id}",
        json={"boundary": [square(114.1, 33.1)]},
        headers={**headers, "If-Match": got.headers["ETag"]},
    )
    assert good.status_code == 200
    assert good.json["boundary"] == [square(114.1, 33.1)]
