"""The assignments API: who may read what, refusals with their codes, ETags, the payload."""

from sqlalchemy import func, select

from server.accounts.models import Role
from server.assignments.models import Assignment
from server.compliance.models import ConflictKind
from server.compliance.service import declare_conflict
from server.sampling.service import create_draw
from tests.factories import OTHER_COUNTY
from tests.review_factories import WINDOW_END, WINDOW_START


def body(filing, members, **kw):
    data = {
        "filing_id": filing.id,
        "members": [m.id for m in members],
        "window_start": WINDOW_START.isoformat(),
        "window_end": WINDOW_END.isoformat(),
    }
    data.update(kw)
    return data


def test_inspectors_read_only_their_own(client, make_city_filing, make_inspector, make_user, login):
    city = login(make_user(Role.city_reviewer))
    mine, others = [make_inspector(), make_inspector()], [make_inspector(), make_inspector()]
    first = client.post("/api/assignments", json=body(make_city_filing("A"), mine), headers=city)
    second = client.post("/api/assignments", json=body(make_city_filing("A"), others), headers=city)
    assert first.status_code == second.status_code == 201, (first.json, second.json)
    me = login(mine[0])
    listed = client.get("/api/assignments", headers=me)
    assert [a["id"] for a in listed.json] == [first.json["id"]]
    assert client.get(f"/api/assignments/{first.json['id']}", headers=me).status_code == 200
    assert client.get(f"/api/assignments/{second.json['id']}", headers=me).status_code == 404
    payload = client.get(f"/api/assignments/{first.json['id']}/payload", headers=me)
    assert payload.status_code == 200
    assert payload.json["assignment"]["id"] == first.json["id"]
    assert (
        client.get(f"/api/assignments/{second.json['id']}/payload", headers=me).status_code == 404
    )
    refused = client.post("/api/assignments", json=body(make_city_filing("A"), mine), headers=me)
    assert refused.status_code == 403


def test_refusals_with_codes_and_nothing_written(
    client, session, admin_actor, make_city_filing, make_inspector, make_user, login
):
    city = login(make_user(Role.city_reviewer))
    filing = make_city_filing("A")
    team = [make_inspector(), make_inspector()]
    declare_conflict(
        session,
        actor=admin_actor,
        enterprise=filing.site.enterprise,
        user_id=team[0].id,
        kind=ConflictKind.third_party_service,
        declared_on=filing.received_on,
    )
    cases = [
        (body(filing, team), 422, "assignment.conflict_of_interest"),
        (body(filing, team[1:]), 422, "assignment.team_too_small"),
        (
            body(filing, [*team[1:], make_inspector()], window_end=WINDOW_START.isoformat()),
            422,
            "assignment.window_invalid",
        ),
        (
            body(make_city_filing("B"), [*team[1:], make_inspector()]),
            409,
            "assignment.not_selected",
        ),
    ]
    for request, status, code in cases:
        response = client.post("/api/assignments", json=request, headers=city)
        assert (response.status_code, response.json["code"]) == (status, code), response.json
    assert session.scalar(select(func.count(Assignment.id))) == 0


def test_patch_needs_the_etag_and_bumps_it(
    client, make_city_filing, make_inspector, make_user, login
):
    city = login(make_user(Role.city_reviewer))
    created = client.post(
        "/api/assignments",
        json=body(make_city_filing("A"), [make_inspector(), make_inspector()]),
        headers=city,
    )
    url, etag = f"/api/assignments/{created.json['id']}", created.headers["ETag"]
    assert client.patch(url, json={"status": "published"}, headers=city).status_code == 428
    published = client.patch(url, json={"status": "published"}, headers={**city, "If-Match": etag})
    assert published.status_code == 200, published.json
    assert published.json["status"] == "published"
    assert published.headers["ETag"] != etag
    stale = client.patch(url, json={"status": "done"}, headers={**city, "If-Match": etag})
    assert stale.status_code == 412


def test_county_reviewers_do_not_see_assignments_of_an_unpublished_draw(
    client, session, city_actor, make_batch, make_city_filing, make_inspector, make_user, login
):
    batch = make_batch()
    filing = make_city_filing("A")
    draw = create_draw(session, actor=city_actor, batch_id=batch.id)
    city = login(make_user(Role.city_reviewer))
    created = client.post(
        "/api/assignments",
        json=body(filing, [make_inspector(), make_inspector()], draw_id=draw.id),
        headers=city,
    )
    assert created.status_code == 201, created.json
    county = login(make_user(Role.county_reviewer))
    assert client.get(f"/api/assignments/{created.json['id']}", headers=county).status_code == 404
    assert client.get("/api/assignments", headers=county).json == []
    elsewhere = login(make_user(Role.county_reviewer, county=OTHER_COUNTY))
    assert client.get("/api/assignments", headers=elsewhere).json == []
