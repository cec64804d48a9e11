"""The decisions API: who may ask, the four-eyes flow over HTTP, refusals with their codes."""

from __future__ import annotations

from server.accounts.models import Role
from tests.factories import OTHER_COUNTY

PROPOSAL = {"outcome": "grade_down", "grade": "C", "reason_codes": ["indicator_not_met"]}


def decisions_url(filing):
    return f"/api/filings/{filing.id}/decisions"


def in_city_review(make_city_filing, move, grade="A"):
    return move(make_city_filing(grade), "start_city_review")


def test_propose_confirm_and_the_filing_is_decided(
    client, make_city_filing, move, make_user, login
):
    filing = in_city_review(make_city_filing, move)
    first, second = login(make_user(Role.city_reviewer)), login(make_user(Role.city_reviewer))
    proposed = client.post(
        decisions_url(filing), json={**PROPOSAL, "comment": "CEMS 未联网"}, headers=first
    )
    assert proposed.status_code == 201, proposed.json
    assert proposed.json["status"] == "proposed" and proposed.json["grade"] == "C"
    decision_id = proposed.json["id"]
    confirmed = client.post(
        f"/api/decisions/{decision_id}/confirmation", json={"comment": "同意"}, headers=second
    )
    assert confirmed.status_code == 201, confirmed.json
    assert confirmed.json["status"] == "confirmed"
    state = client.get(f"/api/filings/{filing.id}/review", headers=first)
    assert state.json["status"] == "decided"
    listed = client.get(decisions_url(filing), headers=second)
    assert [(d["id"], d["status"]) for d in listed.json] == [(decision_id, "confirmed")]


def test_the_same_person_twice_is_refused(client, make_city_filing, move, make_user, login):
    filing = in_city_review(make_city_filing, move)
    me = login(make_user(Role.city_reviewer))
    decision_id = client.post(decisions_url(filing), json=PROPOSAL, headers=me).json["id"]
    response = client.post(f"/api/decisions/{decision_id}/confirmation", json={}, headers=me)
    assert response.status_code == 403
    assert response.json["code"] == "decision.same_person"
    assert "four eyes" in response.json["message"]


def test_inspectors_get_403_everywhere(client, make_city_filing, move, make_user, login):
    filing = in_city_review(make_city_filing, move)
    city = login(make_user(Role.city_reviewer))
    decision_id = client.post(decisions_url(filing), json=PROPOSAL, headers=city).json["id"]
    inspector = login(make_user(Role.inspector))
    for method, url in [
        ("get", decisions_url(filing)),
        ("post", decisions_url(filing)),
        ("post", f"/api/decisions/{decision_id}/confirmation"),
        ("post", f"/api/decisions/{decision_id}/rejection"),
        ("post", f"/api/decisions/{decision_id}/withdrawal"),
        ("get", "/api/review/reason-codes"),
    ]:
        body = PROPOSAL if url.endswith("/decisions") else {"comment": "x"}
        kwargs = {"json": body} if method == "post" else {}
        response = getattr(client, method)(url, headers=inspector, **kwargs)
        assert response.status_code == 403, (method, url, response.json)
        assert response.json["code"] == "decision.not_city_reviewer"


def test_another_countys_reviewer_gets_404(client, make_city_filing, move, make_user, login):
    filing = in_city_review(make_city_filing, move)
    decision_id = client.post(
        decisions_url(filing), json=PROPOSAL, headers=login(make_user(Role.city_reviewer))
    ).json["id"]
    outsider = login(make_user(Role.county_reviewer, county=OTHER_COUNTY))
    assert client.get(decisions_url(filing), headers=outsider).status_code == 404
    assert client.post(decisions_url(filing), json=PROPOSAL, headers=outsider).status_code == 404
    confirmation = client.post(
        f"/api/decisions/{decision_id}/confirmation", json={}, headers=outsider
    )
    assert confirmation.status_code == 404
    own = login(make_user(Role.county_reviewer))  # the plant's county reads, does not decide
    assert client.get(decisions_url(filing), headers=own).status_code == 200
    assert client.post(decisions_url(filing), json=PROPOSAL, headers=own).status_code == 403


def test_refusals_name_the_field(client, make_city_filing, move, make_user, login):
    filing = in_city_review(make_city_filing, move)
    city = login(make_user(Role.city_reviewer))
    missing = client.post(
        decisions_url(filing), json={**PROPOSAL, "reason_codes": []}, headers=city
    )
    assert missing.status_code == 422 and missing.json["code"] == "decision.reason_required"
    assert "reason_codes" in missing.json["errors"]
    unknown = client.post(
        decisions_url(filing), json={**PROPOSAL, "reason_codes": ["nope"]}, headers=city
    )
    assert unknown.json["code"] == "decision.reason_unknown"
    above = client.post(decisions_url(filing), json={**PROPOSAL, "grade": "A"}, headers=city)
    assert above.status_code == 422 and above.json["code"] == "decision.grade_invalid"
    assert "B, C, D" in above.json["message"]
    bad_outcome = client.post(
        decisions_url(filing), json={**PROPOSAL, "outcome": "approve"}, headers=city
    )
    assert bad_outcome.status_code == 422  # the schema refuses an unknown outcome


def test_rejection_needs_a_comment_and_withdrawal_is_the_proposers(
    client, make_city_filing, move, make_user, login
):
    filing = in_city_review(make_city_filing, move)
    first, second = login(make_user(Role.city_reviewer)), login(make_user(Role.city_reviewer))
    decision_id = client.post(decisions_url(filing), json=PROPOSAL, headers=first).json["id"]
    silent = client.post(f"/api/decisions/{decision_id}/rejection", json={}, headers=second)
    assert silent.status_code == 422 and silent.json["errors"] == {"comment": ["required"]}
    not_mine = client.post(f"/api/decisions/{decision_id}/withdrawal", json={}, headers=second)
    assert not_mine.status_code == 403 and not_mine.json["code"] == "decision.not_proposer"
    withdrawn = client.post(f"/api/decisions/{decision_id}/withdrawal", json={}, headers=first)
    assert withdrawn.status_code == 201 and withdrawn.json["status"] == "withdrawn"
    again = client.post(f"/api/decisions/{decision_id}/confirmation", json={}, headers=second)
    assert again.status_code == 409 and again.json["code"] == "decision.not_open"


def test_reason_codes_catalogue(client, make_user, login):
    response = client.get("/api/review/reason-codes", headers=login(make_user(Role.city_reviewer)))
    assert response.status_code == 200
    codes = {row["code"]: row for row in response.json}
    assert codes["production_not_normal"]["outcomes"] == ["new_visit"]
    assert codes["photos_not_valid"]["outcomes"] == ["grade_down", "new_visit"]
    assert codes["falsification"]["label_zh"].startswith("弄虚作假")
