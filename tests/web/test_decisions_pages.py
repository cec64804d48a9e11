"""The decision form: four eyes, reason codes, and every refusal shown on the page."""

from __future__ import annotations

import re

from sqlalchemy import select

from server.accounts.models import Role
from server.filings.models import FilingStatus
from server.review.models import DecisionStatus, ReviewDecision


def decisions_of(session, filing_id):
    query = select(ReviewDecision).where(ReviewDecision.filing_id == filing_id)
    return list(session.scalars(query.order_by(ReviewDecision.id)))


def test_one_reviewer_proposes_and_another_confirms(
    pages, other_pages, city_reviewers, city_case, session
):
    case = city_case()
    first, second = city_reviewers
    pages.sign_in(first)
    response = pages.post(
        f"/review/filings/{case.filing.id}/decisions",
        {
            "outcome": "grade_down",
            "grade": "B",
            "reason_codes": ["indicator_not_met"],
            "comment": "东门无车牌识别",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/review/filings/{case.filing.id}#decision")
    page = pages.get(f"/review/filings/{case.filing.id}").text
    assert "已提交决定，等待另一名审核人员确认" in page
    assert "这是您提出的决定" in page and "/confirm" not in page  # no confirm for the proposer
    [proposal] = decisions_of(session, case.filing.id)
    assert (proposal.status, proposal.grade, proposal.proposed_by) == (
        DecisionStatus.proposed,
        "B",
        first.id,
    )
    other_pages.sign_in(second)
    page = other_pages.get(f"/review/filings/{case.filing.id}").text
    assert first.display_name in page and f"/review/decisions/{proposal.id}/confirm" in page
    response = other_pages.post(
        f"/review/decisions/{proposal.id}/confirm", {"filing_id": case.filing.id}
    )
    assert response.status_code == 303
    session.refresh(proposal)
    assert proposal.status is DecisionStatus.confirmed and proposal.confirmed_by == second.id
    session.refresh(case.filing)
    assert case.filing.status is FilingStatus.decided
    page = other_pages.get(f"/review/filings/{case.filing.id}").text
    assert "决定已确认" in page and 'data-status="confirmed"' in page


def test_the_same_person_twice_is_refused_on_the_page(pages, city_reviewers, city_case, session):
    case = city_case()
    pages.sign_in(city_reviewers[0])
    pages.post(
        f"/review/filings/{case.filing.id}/decisions",
        {"outcome": "confirm", "reason_codes": ["evidence_supports_claim"]},
    )
    [proposal] = decisions_of(session, case.filing.id)
    response = pages.post(f"/review/decisions/{proposal.id}/confirm", {"filing_id": case.filing.id})
    assert response.status_code == 403
    assert 'data-testid="decision-error"' in response.text
    assert "提议人不能确认或驳回自己的提议" in response.text
    session.refresh(proposal)
    assert proposal.status is DecisionStatus.proposed
    english = pages.post(
        f"/review/decisions/{proposal.id}/confirm?lang=en", {"filing_id": case.filing.id}
    )
    assert "the proposer cannot confirm or reject their own proposal" in english.text


def test_a_decision_without_a_reason_code_keeps_what_was_typed(
    pages, city_reviewers, city_case, session
):
    case = city_case()
    pages.sign_in(city_reviewers[0])
    response = pages.post(
        f"/review/filings/{case.filing.id}/decisions",
        {"outcome": "grade_down", "grade": "C", "comment": "门禁不全"},
    )
    assert response.status_code == 422
    assert "请至少选择一个理由代码" in response.text
    assert "门禁不全" in response.text  # the comment is still there to send again
    assert re.search(r'value="grade_down"\s+checked', response.text)
    assert decisions_of(session, case.filing.id) == []


def test_a_grade_off_the_scale_is_refused(pages, city_reviewers, city_case, session):
    case = city_case()
    pages.sign_in(city_reviewers[0])
    response = pages.post(
        f"/review/filings/{case.filing.id}/decisions",
        {"outcome": "grade_down", "grade": "Z", "reason_codes": ["indicator_not_met"]},
    )
    assert response.status_code == 422 and "降级后的等级须为" in response.text
    assert decisions_of(session, case.filing.id) == []


def test_a_rejection_needs_a_comment_then_is_recorded(
    pages, other_pages, city_reviewers, city_case, session
):
    case = city_case()
    pages.sign_in(city_reviewers[0])
    pages.post(
        f"/review/filings/{case.filing.id}/decisions",
        {"outcome": "new_visit", "reason_codes": ["evidence_incomplete"]},
    )
    [proposal] = decisions_of(session, case.filing.id)
    other_pages.sign_in(city_reviewers[1])
    path = f"/review/decisions/{proposal.id}/reject"
    response = other_pages.post(path, {"filing_id": case.filing.id})
    assert response.status_code == 422 and "需要在 comment 中说明理由" in response.text
    response = other_pages.post(path, {"filing_id": case.filing.id, "comment": "证据足够"})
    assert response.status_code == 303
    session.refresh(proposal)
    assert proposal.status is DecisionStatus.rejected
    assert proposal.close_comment == "证据足够"


def test_the_proposer_may_withdraw(pages, city_reviewers, city_case, session):
    case = city_case()
    pages.sign_in(city_reviewers[0])
    pages.post(
        f"/review/filings/{case.filing.id}/decisions",
        {"outcome": "confirm", "reason_codes": ["evidence_supports_claim"]},
    )
    [proposal] = decisions_of(session, case.filing.id)
    response = pages.post(
        f"/review/decisions/{proposal.id}/withdraw", {"filing_id": case.filing.id}
    )
    assert response.status_code == 303
    session.refresh(proposal)
    assert proposal.status is DecisionStatus.withdrawn


def test_a_county_reviewer_sees_decisions_but_gets_no_form(pages, make_user, city_case):
    case = city_case()
    pages.sign_in(make_user(Role.county_reviewer))
    page = pages.get(f"/review/filings/{case.filing.id}").text
    assert 'data-testid="decision-form"' not in page
    assert "只有市级审核人员可以提议" in page
