"""Review batches: one per industry group and year; a filing is in one batch only."""

from sqlalchemy import func, select

from server.accounts.models import Role
from server.review.models import ReviewBatch
from tests.factories import CITY, foundry_case


def body(**kw):
    data = {
        "name": "第二批：铸造",
        "city": CITY,
        "year": 2026,
        "industries": ["foundry"],
        "deadline": "2026-08-10",
    }
    data.update(kw)
    return data


def test_create_and_read_with_status_counts(client, make_filing, make_user, login, move):
    headers = login(make_user(Role.city_reviewer))
    created = client.post("/api/batches", json=body(), headers=headers)
    assert created.status_code == 201, created.json
    assert created.headers["ETag"]
    make_filing()
    move(make_filing(), "start_county_review")
    make_filing(cases=[foundry_case(industry_code="cement", guide_version="MEE2020")])
    item = client.get(f"/api/batches/{created.json['id']}", headers=headers)
    assert item.json["batch"]["industries"] == ["foundry"]
    assert item.json["status_counts"] == {"county_review": 1, "received": 1}
    listed = client.get("/api/batches?year=2026", headers=headers)
    assert [b["id"] for b in listed.json] == [created.json["id"]]


def test_overlapping_industries_and_bad_input_refused(client, session, make_user, login):
    headers = login(make_user(Role.city_reviewer))
    assert client.post("/api/batches", json=body(), headers=headers).status_code == 201
    overlap = client.post(
        "/api/batches",
        json=body(name="又一批", industries=["cement", "foundry"]),
        headers=headers,
    )
    assert overlap.status_code == 409
    assert overlap.json["code"] == "batch.overlap"
    unknown = client.post(
        "/api/batches", json=body(name="x", industries=["spaceships"]), headers=headers
    )
    assert unknown.status_code == 422
    assert unknown.json["errors"]["industries"] == ["unknown industries: spaceships"]
    empty = client.post("/api/batches", json=body(name="y", industries=[]), headers=headers)
    assert empty.status_code == 422
    county = client.post(
        "/api/batches",
        json=body(name="z", industries=["cement"]),
        headers=login(make_user(Role.county_reviewer)),
    )
    assert county.status_code == 403
    assert session.scalar(select(func.count(ReviewBatch.id))) == 1
