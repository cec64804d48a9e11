"""Moving filings through the workflow: roles, refusals that change nothing, the audit record."""

import datetime as dt

from sqlalchemy import func, select

from server.accounts.models import Role
from server.audit.models import AuditEvent
from server.clock import china_today
from server.review.models import ReviewTransition
from tests.factories import OTHER_COUNTY


def url(filing):
    return f"/api/filings/{filing.id}/transitions"


def transition_events(session, filing):
    return session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "filing.transition", AuditEvent.subject_id == filing.id
        )
    )


def transition_rows(session, filing):
    return session.scalar(
        select(func.count(ReviewTransition.id)).where(ReviewTransition.filing_id == filing.id)
    )


def test_the_whole_path_by_the_right_people(client, session, make_filing, make_user, login):
    filing = make_filing()
    county = login(make_user(Role.county_reviewer))
    city = login(make_user(Role.city_reviewer))
    steps = [
        (county, {"action": "start_county_review"}, "county_review"),
        (
            county,
            {"action": "return_for_supplement", "missing_items": ["排污许可证副本", "监测报告"]},
            "returned",
        ),
        (county, {"action": "supplement"}, "county_review"),
        (county, {"action": "forward"}, "forwarded"),
        (city, {"action": "start_city_review"}, "city_review"),
    ]
    for headers, body, status in steps:
        response = client.post(url(filing), json=body, headers=headers)
        assert response.status_code == 201, response.json
        assert response.json["transition"]["to_status"] == status
        assert response.json["state"]["status"] == status
    history = client.get(url(filing), headers=city)
    assert history.status_code == 200
    assert [row["action"] for row in history.json] == [body["action"] for _, body, _ in steps]
    assert history.json[1]["missing_items"] == ["排污许可证副本", "监测报告"]
    assert transition_events(session, filing) == 5
    # decide is no step of its own (tests/security/test_decide_alone.py): two reviewers decide


def test_return_without_missing_items_changes_nothing(
    client, session, make_filing, make_user, login, move
):
    filing = move(make_filing(), "start_county_review")
    before = (transition_rows(session, filing), transition_events(session, filing))
    response = client.post(
        url(filing),
        json={"action": "return_for_supplement", "missing_items": ["  ", ""]},
        headers=login(make_user(Role.county_reviewer)),
    )
    assert response.status_code == 422
    assert response.json["code"] == "workflow.missing_items_required"
    assert "complete list of missing items" in response.json["message"]
    session.refresh(filing)
    assert filing.status.value == "county_review"
    assert (transition_rows(session, filing), transition_events(session, filing)) == before


def test_wrong_state_is_refused_with_the_reason(client, session, make_filing, make_user, login):
    filing = make_filing()
    response = client.post(
        url(filing), json={"action": "forward"}, headers=login(make_user(Role.county_reviewer))
    )
    assert response.status_code == 409
    assert response.json["code"] == "workflow.illegal_transition"
    assert response.json["message"] == (
        "cannot forward a filing that is received: forward needs a filing that is county_review; "
        "from received the allowed actions are: start_county_review, withdraw"
    )
    session.refresh(filing)
    assert filing.status.value == "received"
    assert transition_rows(session, filing) == 0
    assert transition_events(session, filing) == 0


def test_each_step_by_its_own_bureau(client, session, make_filing, make_user, login, move):
    filing = make_filing()
    city = login(make_user(Role.city_reviewer))
    county_elsewhere = login(make_user(Role.county_reviewer, county=OTHER_COUNTY))
    inspector = login(make_user(Role.inspector))
    refused = client.post(url(filing), json={"action": "start_county_review"}, headers=city)
    assert refused.status_code == 403
    assert "county_reviewer" in refused.json["message"]
    assert (
        client.post(
            url(filing), json={"action": "start_county_review"}, headers=county_elsewhere
        ).status_code
        == 404
    )
    assert (
        client.post(
            url(filing), json={"action": "start_county_review"}, headers=inspector
        ).status_code
        == 403
    )
    move(filing, "start_county_review", "forward")
    county = login(make_user(Role.county_reviewer))
    refused = client.post(url(filing), json={"action": "start_city_review"}, headers=county)
    assert refused.status_code == 403
    assert (
        client.post(url(filing), json={"action": "start_city_review"}, headers=city).status_code
        == 201
    )
    assert transition_rows(session, filing) == 3


def test_withdraw_needs_a_reason_and_either_bureau_may_record_it(
    client, session, make_filing, make_user, login
):
    filing = make_filing()
    county = login(make_user(Role.county_reviewer))
    missing = client.post(url(filing), json={"action": "withdraw"}, headers=county)
    assert missing.status_code == 422
    assert missing.json["errors"] == {"reason": ["withdraw needs a reason"]}
    ok = client.post(
        url(filing), json={"action": "withdraw", "reason": "企业撤回申请"}, headers=county
    )
    assert ok.status_code == 201
    assert ok.json["state"]["allowed_actions"] == []


def test_supplement_restarts_the_county_clock(session, make_filing, move):
    today = china_today()
    filing = make_filing(received_on=today - dt.timedelta(days=20))
    move(filing, "start_county_review", on=today - dt.timedelta(days=19))
    move(filing, "return_for_supplement", on=today - dt.timedelta(days=18))
    from server.review.service import review_state

    returned = review_state(session, filing)
    assert returned.deadline is None  # the plant has the file: no county clock
    assert returned.missing_items == ["排污许可证副本"]
    move(filing, "supplement", on=today - dt.timedelta(days=2))
    state = review_state(session, filing)
    assert filing.supplement_on == today - dt.timedelta(days=2)
    assert state.deadline.stage == "county"
    assert state.deadline.started_on == today - dt.timedelta(days=2)
    assert state.deadline.due_on == today + dt.timedelta(days=5)
    assert state.days_left == 5


def test_days_in_the_future_or_before_the_last_step_refused(
    client, session, make_filing, make_user, login
):
    today = china_today()
    filing = make_filing(received_on=today - dt.timedelta(days=3))
    headers = login(make_user(Role.county_reviewer))
    future = client.post(
        url(filing),
        json={"action": "start_county_review", "on": (today + dt.timedelta(days=1)).isoformat()},
        headers=headers,
    )
    assert future.status_code == 422
    assert "is in the future" in future.json["errors"]["on"][0]
    early = client.post(
        url(filing),
        json={"action": "start_county_review", "on": (today - dt.timedelta(days=4)).isoformat()},
        headers=headers,
    )
    assert early.status_code == 422
    assert "before the filing's last step" in early.json["errors"]["on"][0]
    assert transition_rows(session, filing) == 0


def test_review_state_endpoint(client, make_filing, make_user, login, move):
    filing = move(make_filing(), "start_county_review", "return_for_supplement")
    response = client.get(
        f"/api/filings/{filing.id}/review", headers=login(make_user(Role.city_reviewer))
    )
    assert response.status_code == 200
    assert response.json == {
        "filing_id": filing.id,
        "status": "returned",
        "allowed_actions": ["supplement", "withdraw"],
        "deadline": None,
        "days_left": None,
        "missing_items": ["排污许可证副本"],
        "late_filing": None,
    }
