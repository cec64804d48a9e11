"""Enterprises: registration, credit-code checks, duplicates, ETags and county scope."""

from sqlalchemy import func, select

from server.accounts.models import Role
from server.registry.models import Enterprise
from tests.factories import COUNTY, OTHER_COUNTY, credit_code


def count(session):
    return session.scalar(select(func.count(Enterprise.id)))


def body(**kw):
    data = {
        "name": "驻马店市天中铸造有限公司",
        "credit_code": credit_code(901),
        "city": "驻马店市",
        "county": COUNTY,
    }
    data.update(kw)
    return data


def test_register_and_read(client, make_user, login):
    headers = login(make_user(Role.admin))
    created = client.post("/api/enterprises", json=body(), headers=headers)
    assert created.status_code == 201
    assert created.headers["ETag"]
    item = client.get(f"/api/enterprises/{created.json['id']}", headers=headers)
    assert item.json["credit_code"] == credit_code(901)
    assert item.headers["ETag"] == created.headers["ETag"]


def test_wrong_check_character_changes_nothing(client, session, make_user, login):
    headers = login(make_user(Role.admin))
    before = count(session)
    bad = credit_code(902)[:17] + ("0" if credit_code(902)[17] != "0" else "1")
    response = client.post("/api/enterprises", json=body(credit_code=bad), headers=headers)
    assert response.status_code == 422
    assert response.json["code"] == "validation.failed"
    assert "check character" in response.json["errors"]["credit_code"][0]
    assert count(session) == before


def test_duplicate_enterprise(client, session, make_enterprise, make_user, login):
    existing = make_enterprise()
    before = count(session)
    response = client.post(
        "/api/enterprises",
        json=body(credit_code=existing.credit_code),
        headers=login(make_user(Role.admin)),
    )
    assert response.status_code == 409
    assert response.json["code"] == "enterprise.duplicate"
    assert count(session) == before


def test_missing_and_unknown_fields_are_named(client, make_user, login):
    response = client.post(
        "/api/enterprises",
        json={"name": "x", "colour": "red"},
        headers=login(make_user(Role.admin)),
    )
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert set(errors) == {"credit_code", "city", "county", "colour"}


def test_patch_needs_if_match_and_refuses_a_stale_etag(client, session, make_user, login):
    headers = login(make_user(Role.admin))
    created = client.post(
        "/api/enterprises", json=body(credit_code=credit_code(903)), headers=headers
    )
    url, etag = f"/api/enterprises/{created.json['id']}", created.headers["ETag"]
    assert client.patch(url, json={"name": "新名"}, headers=headers).status_code == 428
    first = client.patch(url, json={"name": "新名"}, headers={**headers, "If-Match": etag})
    assert first.status_code == 200
    assert first.json["version"] == 2
    stale = client.patch(url, json={"name": "又一个名"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json["code"] == "precondition.failed"
    assert session.get(Enterprise, created.json["id"]).name == "新名"


def test_county_reviewer_sees_only_their_county(client, make_enterprise, make_user, login):
    mine = make_enterprise(county=COUNTY)
    theirs = make_enterprise(county=OTHER_COUNTY)
    headers = login(make_user(Role.county_reviewer, county=COUNTY))
    listed = client.get("/api/enterprises?page_size=100", headers=headers)
    ids = {row["id"] for row in listed.json}
    assert mine.id in ids and theirs.id not in ids
    assert client.get(f"/api/enterprises/{theirs.id}", headers=headers).status_code == 404


def test_county_reviewer_cannot_register_in_another_county(client, session, make_user, login):
    headers = login(make_user(Role.county_reviewer, county=COUNTY))
    before = count(session)
    response = client.post(
        "/api/enterprises",
        json=body(credit_code=credit_code(904), county=OTHER_COUNTY),
        headers=headers,
    )
    assert response.status_code == 403
    assert count(session) == before


def test_pagination_header(client, make_enterprise, make_user, login):
    for _ in range(3):
        make_enterprise()
    response = client.get(
        "/api/enterprises?page=1&page_size=2", headers=login(make_user(Role.admin))
    )
    assert len(response.json) == 2
    assert '"total": 3' in response.headers["X-Pagination"]
