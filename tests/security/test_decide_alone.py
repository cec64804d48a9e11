"""Issue 12 §2: nobody decides alone. The only way to ``decided`` is a proposal by one city
reviewer confirmed by another; the transitions API and the service refuse every other path,
saying why, and an administrator is no exception."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.audit.models import AuditEvent
from server.review.errors import DecisionOnlyByFourEyes
from server.review.models import ReviewTransition
from server.review.service import transition
from server.review.workflow import Action
from tests.review_factories import at_city, make_city_filing, move  # noqa: F401 (fixtures)

PROPOSAL = {"outcome": "confirm", "reason_codes": ["documents_verified"]}


@pytest.fixture
def in_city_review(make_city_filing, move):  # noqa: F811
    # B, not drawn for an on-site check: confirming it needs no visit (rule 12)
    return move(make_city_filing("B"), "start_city_review")


def steps_and_events(session, filing):
    steps = session.scalar(
        select(func.count(ReviewTransition.id)).where(ReviewTransition.filing_id == filing.id)
    )
    events = session.scalar(select(func.count(AuditEvent.id)))
    return steps, events


@pytest.mark.parametrize("role", [Role.city_reviewer, Role.admin])
def test_the_transitions_api_refuses_decide_with_the_reason(
    client, session, in_city_review, make_user, login, role
):
    filing = in_city_review
    headers = login(make_user(role))
    before = steps_and_events(session, filing)
    response = client.post(
        f"/api/filings/{filing.id}/transitions", json={"action": "decide"}, headers=headers
    )
    assert response.status_code == 403, response.json
    assert response.json["code"] == "workflow.decide_needs_two_reviewers"
    assert "双人" in response.json["message"] and "two people" in response.json["message"]
    session.refresh(filing)
    assert filing.status.value == "city_review"
    assert steps_and_events(session, filing) == before
    state = client.get(f"/api/filings/{filing.id}/review", headers=headers)
    assert "decide" not in state.json["allowed_actions"]


def test_the_service_refuses_decide_to_anyone(session, in_city_review, make_user, admin_actor):
    filing = in_city_review
    for actor in (admin_actor, Actor.of(make_user(Role.city_reviewer))):
        with pytest.raises(DecisionOnlyByFourEyes):
            transition(session, actor=actor, filing=filing, action=Action.decide)
    assert filing.status.value == "city_review"


def test_a_proposal_confirmed_by_a_second_reviewer_decides(
    client, in_city_review, make_user, login
):
    filing = in_city_review
    first, second = login(make_user(Role.city_reviewer)), login(make_user(Role.city_reviewer))
    proposed = client.post(f"/api/filings/{filing.id}/decisions", json=PROPOSAL, headers=first)
    assert proposed.status_code == 201, proposed.json
    alone = client.post(
        f"/api/decisions/{proposed.json['id']}/confirmation", json={}, headers=first
    )
    assert alone.status_code == 403
    admin = client.post(
        f"/api/decisions/{proposed.json['id']}/confirmation",
        json={},
        headers=login(make_user(Role.admin)),
    )
    assert admin.status_code == 403
    confirmed = client.post(
        f"/api/decisions/{proposed.json['id']}/confirmation", json={}, headers=second
    )
    assert confirmed.status_code == 201, confirmed.json
    state = client.get(f"/api/filings/{filing.id}/review", headers=first)
    assert state.json["status"] == "decided"
    steps = client.get(f"/api/filings/{filing.id}/transitions", headers=first).json
    assert steps[-1]["action"] == "decide"
