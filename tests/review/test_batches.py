"""Review batches: one per industry group and year; a filing is in one batch only."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.errors import Forbidden, NotFound
from server.review.batches import create_batch, get_batch, list_batches
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


@pytest.mark.sql
def test_a_reviewer_of_another_city_can_neither_open_nor_read_this_citys_batch(
    session, make_user, make_batch
):
    """The city is checked where the batch is written and read, not only by the pages."""
    stranger = Actor.of(make_user(Role.city_reviewer, city="信阳市"))
    with pytest.raises(Forbidden):
        create_batch(
            session,
            actor=stranger,
            name="别人的批次",
            city=CITY,
            year=2026,
            industries=["foundry"],
            deadline=dt.date(2026, 9, 30),
        )
    batch = make_batch()
    with pytest.raises(NotFound):
        get_batch(session, stranger, batch.id)
    listed, total = list_batches(session, stranger, offset=0, limit=10)
    assert listed == [] and total == 0
