"""The draws API: create, publish (then immutable), entries by scope, verification, refusals."""

import datetime as dt

from sqlalchemy import func, select

from server.accounts.models import Role
from server.sampling.models import Draw
from tests.factories import COUNTY, OTHER_COUNTY


def test_draw_publish_and_read_by_scope(
    client, session, make_batch, make_city_filing, make_user, login
):
    batch = make_batch()
    for _ in range(4):
        make_city_filing("B")
    make_city_filing("A", county=OTHER_COUNTY)
    city = login(make_user(Role.city_reviewer))
    county = login(make_user(Role.county_reviewer, county=COUNTY))

    created = client.post("/api/draws", json={"batch_id": batch.id}, headers=city)
    assert created.status_code == 201, created.json
    draw_id = created.json["id"]
    assert created.json["selected_count"] == 3  # the A and ceil(0.3 × 4) = 2
    assert created.json["published_at"] is None
    assert created.json["disclosable"] is False

    assert client.get(f"/api/draws/{draw_id}", headers=county).status_code == 404
    assert client.get("/api/draws", headers=county).json == []

    disclose = (dt.datetime.now(dt.UTC) + dt.timedelta(days=10)).isoformat()
    published = client.post(
        f"/api/draws/{draw_id}/publication", json={"disclose_after": disclose}, headers=city
    )
    assert published.status_code == 200, published.json
    assert published.json["published_at"]
    assert published.json["disclosable"] is False
    again = client.post(
        f"/api/draws/{draw_id}/publication", json={"disclose_after": disclose}, headers=city
    )
    assert again.status_code == 409
    assert again.json["code"] == "sampling.already_published"

    seen = client.get(f"/api/draws/{draw_id}/entries", headers=county)
    assert seen.status_code == 200
    assert {e["county"] for e in seen.json} == {COUNTY}
    assert len(seen.json) == 4
    selected = client.get(f"/api/draws/{draw_id}/entries?selected=true", headers=city)
    assert len(selected.json) == 3

    verified = client.get(f"/api/draws/{draw_id}/verification", headers=county)
    assert verified.json == {
        "draw_id": draw_id,
        "matches": True,
        "problems": [],
        "selected_count": 3,
        "eligible_count": 5,
    }


def test_refusals_leave_no_draw(client, session, make_batch, make_city_filing, make_user, login):
    empty = make_batch(industries=["cement"])
    batch = make_batch()
    make_city_filing("B")
    city = login(make_user(Role.city_reviewer))
    cases = [
        ({"batch_id": empty.id}, 409, "sampling.no_filings"),
        ({"batch_id": batch.id, "sampling_rate": "0.2"}, 422, "sampling.rate_too_low"),
        ({"batch_id": batch.id, "supplementary": True}, 409, "sampling.not_drawn"),
        ({"batch_id": 999_999}, 404, "not_found"),
    ]
    for body, status, code in cases:
        response = client.post("/api/draws", json=body, headers=city)
        assert (response.status_code, response.json["code"]) == (status, code), body
    assert session.scalar(select(func.count(Draw.id))) == 0
    county = client.post(
        "/api/draws", json={"batch_id": batch.id}, headers=login(make_user(Role.county_reviewer))
    )
    assert county.status_code == 403
    assert session.scalar(select(func.count(Draw.id))) == 0
