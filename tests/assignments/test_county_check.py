"""The county's own on-site check before it forwards a filing (S4 §三(二)), through the API."""

from sqlalchemy import select

from server.accounts.models import Role
from server.audit.models import AuditEvent
from server.compliance.models import ConflictKind
from server.compliance.service import declare_conflict
from server.reconciliation.service import current_result
from tests.factories import OTHER_COUNTY, foundry_case
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


def in_county_review(make_filing, move, grade, industry="foundry", **kw):
    case = foundry_case(grade, industry_code=industry)
    return move(make_filing(cases=[case], **kw), "start_county_review")


def test_county_checks_its_b_applicant_before_forwarding(
    client, session, make_filing, make_inspector, make_user, login, move
):
    """S4 §三(二): "对申报绩效A级、B级和引领性的企业进行现场核查" — in county review the county
    checks a B applicant on site; no draw is needed (the draw is the city's), and the record
    says it is the county's check."""
    filing = in_county_review(make_filing, move, "B")
    county = login(make_user(Role.county_reviewer))
    response = client.post(
        "/api/assignments", json=body(filing, [make_inspector(), make_inspector()]), headers=county
    )
    assert response.status_code == 201, response.json
    assert response.json["reason"] == "county_check"
    assert response.json["draw_id"] is None
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "assignment.created", AuditEvent.subject_id == response.json["id"]
        )
    ).one()
    assert event.data["reason"] == "county_check"
    for grade, industry in (("A", "foundry"), ("B-", "ceramics"), ("leading", "frp")):
        other = in_county_review(make_filing, move, grade, industry)
        made = client.post(
            "/api/assignments",
            json=body(other, [make_inspector(), make_inspector()]),
            headers=county,
        )
        assert made.status_code == 201, (grade, made.json)


def test_another_countys_filing_is_not_found(
    client, make_filing, make_inspector, make_user, login, move
):
    """S4 §三(二): each 区、县（市）分局 checks the plants that applied to it, not another's."""
    filing = in_county_review(make_filing, move, "B")
    elsewhere = login(make_user(Role.county_reviewer, county=OTHER_COUNTY))
    response = client.post(
        "/api/assignments",
        json=body(filing, [make_inspector(), make_inspector()]),
        headers=elsewhere,
    )
    assert response.status_code == 404, response.json


def test_county_check_keeps_the_team_rules(
    client, session, admin_actor, make_filing, make_inspector, make_user, login, move
):
    """S2 §二 and S1 §(九) (rule 9), with two inspectors at least: the county's team obeys the
    same rules as the city's."""
    filing = in_county_review(make_filing, move, "B")
    county = login(make_user(Role.county_reviewer))
    conflicted, blacklisted, fine = make_inspector(), make_inspector(), make_inspector()
    declare_conflict(
        session,
        actor=admin_actor,
        enterprise=filing.site.enterprise,
        user_id=conflicted.id,
        kind=ConflictKind.third_party_service,
        declared_on=filing.received_on,
    )
    blacklisted.blacklisted = True
    session.flush()
    for members, code in (
        ([fine], "assignment.team_too_small"),
        ([fine, conflicted], "assignment.conflict_of_interest"),
        ([fine, blacklisted], "assignment.blacklisted"),
    ):
        response = client.post("/api/assignments", json=body(filing, members), headers=county)
        assert (response.status_code, response.json["code"]) == (422, code), response.json


def test_only_a_b_and_leading_are_checked_and_only_by_the_county(
    client, make_filing, make_inspector, make_user, login, move
):
    """S4 §三(二): the county checks A, B and leading applicants; a C applicant is not checked on
    site, and the city's own checks (S4 §三(三)) come after the county forwards."""
    county = login(make_user(Role.county_reviewer))
    city = login(make_user(Role.city_reviewer))
    team = [make_inspector(), make_inspector()]
    c_filing = in_county_review(make_filing, move, "C")
    refused = client.post("/api/assignments", json=body(c_filing, team), headers=county)
    assert (refused.status_code, refused.json["code"]) == (409, "assignment.county_check_refused")
    assert "S4 §三(二)" in refused.json["message"]
    b_filing = in_county_review(make_filing, move, "B")
    by_city = client.post("/api/assignments", json=body(b_filing, team), headers=city)
    assert by_city.status_code == 403, by_city.json


def test_the_county_check_is_not_the_citys_visit(
    client, session, admin_actor, make_filing, make_inspector, make_user, login, move
):
    """S4 §三(三): the city checks 100% of A applicants on site itself; the county's check of
    §三(二) comes before forwarding and does not stand in for it. The county forwards only once
    its check is done or cancelled, and the city then plans its own visit."""
    filing = in_county_review(make_filing, move, "A")
    county = login(make_user(Role.county_reviewer))
    city = login(make_user(Role.city_reviewer))
    made = client.post(
        "/api/assignments", json=body(filing, [make_inspector(), make_inspector()]), headers=county
    )
    assert made.status_code == 201, made.json
    url = f"/api/filings/{filing.id}/transitions"
    blocked = client.post(url, json={"action": "forward"}, headers=county)
    assert (blocked.status_code, blocked.json["code"]) == (409, "workflow.county_check_open")
    assert f"assignment {made.json['id']}" in blocked.json["message"]
    done = client.patch(
        f"/api/assignments/{made.json['id']}",
        json={"status": "published"},
        headers={**county, "If-Match": made.headers["ETag"]},
    )
    done = client.patch(
        f"/api/assignments/{made.json['id']}",
        json={"status": "done"},
        headers={**county, "If-Match": done.headers["ETag"]},
    )
    assert done.status_code == 200, done.json
    assert client.post(url, json={"action": "forward"}, headers=county).status_code == 201
    # the reconciliation grades from the city's visits: the county's check is none of them
    result = current_result(session, filing.id)
    assert result.result["visits"] == []
    own = client.post(
        "/api/assignments", json=body(filing, [make_inspector(), make_inspector()]), headers=city
    )
    assert own.status_code == 201, own.json
    assert own.json["reason"] == "full_check"
