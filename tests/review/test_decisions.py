"""Review decisions with four eyes: one city reviewer proposes, another confirms; who may not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.assignments.models import AssignmentStatus
from server.assignments.service import create_assignment, update_assignment
from server.audit.models import AuditEvent
from server.audit.service import verify_chain
from server.compliance.models import ConflictDeclaration, ConflictKind
from server.errors import NotFound
from server.filings.models import Filing, FilingStatus
from server.review import errors
from server.review.decisions import (
    REASON_CODES,
    confirm_decision,
    decisions_for,
    propose_decision,
    reject_decision,
    withdraw_decision,
)
from server.review.models import (
    DecisionOutcome,
    DecisionStatus,
    ReviewDecision,
    ReviewTransition,
)
from tests.factories import OTHER_COUNTY
from tests.review_factories import WINDOW_END, WINDOW_START

CONFIRM = {
    "outcome": "confirm",
    "grade": None,
    "reason_codes": ["evidence_supports_claim"],
    "comment": "现场核查与申报一致",
}
GRADE_DOWN = {
    "outcome": "grade_down",
    "grade": "C",
    "reason_codes": ["indicator_not_met"],
    "comment": "无组织排放不达标",
}


@pytest.fixture
def reviewer(make_user: Callable[..., User]) -> Callable[..., Actor]:
    def make(role: Role = Role.city_reviewer, **kw: Any) -> Actor:
        return Actor.of(make_user(role, **kw))

    return make


@pytest.fixture
def in_city_review(make_city_filing, move) -> Callable[..., Filing]:
    """A filing claiming ``grade`` (foundry, MEE2020: A B C D), in city review."""

    def make(grade: str = "A", **kw: Any) -> Filing:
        return move(make_city_filing(grade, **kw), "start_city_review")

    return make


@pytest.fixture
def visited(session, city_actor, make_inspector) -> Callable[..., Any]:
    """An assignment of the filing whose team includes ``member`` (promoted to city reviewer
    afterwards, as an inspector who joined the city bureau would be)."""

    def make(filing: Filing, member: User | None = None) -> Any:
        team = [make_inspector(), member or make_inspector()]
        assignment = create_assignment(
            session,
            actor=city_actor,
            filing_id=filing.id,
            members=[u.id for u in team],
            window_start=WINDOW_START,
            window_end=WINDOW_END,
        )
        return assignment

    return make


def propose(session, actor, filing, **kw):
    return propose_decision(session, actor=actor, filing_id=filing.id, **{**CONFIRM, **kw})


def test_propose_then_confirm_by_another_reviewer_decides_the_filing(
    session, in_city_review, reviewer
):
    filing = in_city_review("B")  # not drawn for an on-site check: no visit needed (rule 12)
    first, second = reviewer(), reviewer()
    decision = propose(session, first, filing)
    assert (decision.status, decision.grade, decision.proposed_by) == (
        DecisionStatus.proposed,
        "B",  # confirm takes the claimed grade
        first.user_id,
    )
    assert filing.status is FilingStatus.city_review  # a proposal alone moves nothing
    confirmed = confirm_decision(session, actor=second, decision_id=decision.id, comment="同意")
    assert confirmed.status is DecisionStatus.confirmed
    assert (confirmed.confirmed_by, confirmed.confirm_comment) == (second.user_id, "同意")
    session.refresh(filing)
    assert filing.status is FilingStatus.decided
    step = session.scalars(
        select(ReviewTransition)
        .where(ReviewTransition.filing_id == filing.id)
        .order_by(ReviewTransition.id.desc())
    ).first()
    assert (step.action, step.actor_id) == ("decide", second.user_id)
    assert decisions_for(session, filing.id) == [decision]


def test_every_step_is_a_chained_audit_event(session, in_city_review, reviewer):
    filing = in_city_review("A")
    first, second = reviewer(), reviewer()
    withdrawn = propose(session, first, filing)
    withdraw_decision(session, actor=first, decision_id=withdrawn.id, comment="重新考虑")
    rejected = propose(session, first, filing, **GRADE_DOWN)
    reject_decision(session, actor=second, decision_id=rejected.id, comment="证据不足以降级")
    confirmed = propose(session, second, filing, **GRADE_DOWN)
    confirm_decision(session, actor=first, decision_id=confirmed.id)
    session.flush()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("decision.%")).order_by(AuditEvent.seq)
    ).all()
    assert [(e.action, e.subject_id, e.actor_id) for e in events] == [
        ("decision.proposed", withdrawn.id, first.user_id),
        ("decision.withdrawn", withdrawn.id, first.user_id),
        ("decision.proposed", rejected.id, first.user_id),
        ("decision.rejected", rejected.id, second.user_id),
        ("decision.proposed", confirmed.id, second.user_id),
        ("decision.confirmed", confirmed.id, first.user_id),
    ]
    assert events[-1].data["grade"] == "C" and events[-1].data["filing_status"] == "decided"
    assert events[-1].data["reason_codes"] == ["indicator_not_met"]
    report = verify_chain(session)
    assert report.ok, report.first_break
    assert report.head_hash == events[-1].hash


def test_the_same_person_twice_is_refused(session, in_city_review, reviewer):
    filing = in_city_review()
    me = reviewer()
    decision = propose(session, me, filing)
    with pytest.raises(errors.SamePersonTwice) as refused:
        confirm_decision(session, actor=me, decision_id=decision.id)
    assert refused.value.status == 403 and "另一位" in refused.value.message_zh
    with pytest.raises(errors.SamePersonTwice):
        reject_decision(session, actor=me, decision_id=decision.id, comment="不同意")
    assert decision.status is DecisionStatus.proposed


def test_a_member_of_a_visit_may_neither_propose_nor_confirm(
    session, in_city_review, reviewer, visited, make_inspector
):
    filing = in_city_review()
    former_inspector = make_inspector()
    visited(filing, former_inspector)
    former_inspector.role, former_inspector.county = Role.city_reviewer, None
    session.flush()
    member = Actor.of(former_inspector)
    with pytest.raises(errors.DeciderWasOnVisit) as refused:
        propose(session, member, filing)
    assert refused.value.status == 403 and refused.value.code == "decision.visit_member"
    decision = propose(session, reviewer(), filing)
    with pytest.raises(errors.DeciderWasOnVisit):
        confirm_decision(session, actor=member, decision_id=decision.id)


def test_a_reviewer_of_another_county_does_not_see_the_filing(session, in_city_review, reviewer):
    filing = in_city_review()
    outsider = reviewer(Role.county_reviewer, county=OTHER_COUNTY)
    with pytest.raises(NotFound):
        propose(session, outsider, filing)
    with pytest.raises(NotFound):
        decisions_for(session, filing.id, actor=outsider)
    decision = propose(session, reviewer(), filing)
    with pytest.raises(NotFound):
        confirm_decision(session, actor=outsider, decision_id=decision.id)


def test_county_reviewers_inspectors_and_admins_do_not_decide(
    session, in_city_review, reviewer, make_inspector, admin_actor
):
    filing = in_city_review()
    own_county = reviewer(Role.county_reviewer)  # the plant's county: sees it, may not decide
    for actor in (own_county, Actor.of(make_inspector()), admin_actor):
        with pytest.raises(errors.DecisionRoleRefused) as refused:
            propose(session, actor, filing)
        assert refused.value.status == 403
    assert decisions_for(session, filing.id, actor=own_county) == []
    with pytest.raises(errors.DecisionRoleRefused):
        decisions_for(session, filing.id, actor=Actor.of(make_inspector()))


def test_a_blacklisted_or_conflicted_reviewer_may_not_decide(session, in_city_review, make_user):
    filing = in_city_review()
    blacklisted = make_user(Role.city_reviewer)
    blacklisted.blacklisted = True
    with pytest.raises(errors.DeciderBlacklisted):
        propose(session, Actor.of(blacklisted), filing)
    conflicted = make_user(Role.city_reviewer)
    session.add(
        ConflictDeclaration(
            enterprise_id=filing.site.enterprise_id,
            user_id=conflicted.id,
            kind=ConflictKind.acceptance_expert,
            declared_on=dt.date(2026, 6, 1),
        )
    )
    session.flush()
    with pytest.raises(errors.DeciderConflicted):
        propose(session, Actor.of(conflicted), filing)


@pytest.mark.parametrize(
    ("codes", "error", "code"),
    [
        ([], errors.ReasonRequired, "decision.reason_required"),
        (["  "], errors.ReasonRequired, "decision.reason_required"),
        (["looked_fine"], errors.UnknownReasonCode, "decision.reason_unknown"),
        (["indicator_not_met"], errors.ReasonNotForOutcome, "decision.reason_not_for_outcome"),
    ],
)
def test_reason_codes_are_required_known_and_fit_the_outcome(
    session, in_city_review, reviewer, codes, error, code
):
    filing = in_city_review()
    with pytest.raises(error) as refused:
        propose(session, reviewer(), filing, reason_codes=codes)
    assert refused.value.status == 422 and refused.value.code == code
    assert "evidence_supports_claim" in refused.value.message  # says what the outcome allows
    assert decisions_for(session, filing.id) == []


@pytest.mark.parametrize(
    ("claimed", "changes", "fits"),
    [
        ("B", {"grade": "A"}, False),  # above the claim
        ("B", {"grade": "B"}, False),  # the claim itself is not a grade down
        ("B", {"grade": "E"}, False),  # not on the scale
        ("B", {"grade": None}, False),
        ("B", {"grade": "C"}, True),
        ("D", {"grade": "D"}, False),  # nothing below the lowest
        ("A", {"grade": "B", "reason_codes": ["penalty_within_year"]}, False),  # rule 6
        ("A", {"grade": "C", "reason_codes": ["penalty_within_year"]}, True),
        ("A", {"grade": "C", "reason_codes": ["falsification"]}, False),  # rule 7: the lowest
        ("A", {"grade": "D", "reason_codes": ["falsification"]}, True),
    ],
)
def test_grade_down_needs_a_grade_below_the_claim_that_fits_the_reasons(
    session, in_city_review, reviewer, claimed, changes, fits
):
    filing = in_city_review(claimed)
    if fits:
        assert propose(session, reviewer(), filing, **{**GRADE_DOWN, **changes}).grade
        return
    with pytest.raises(errors.DecisionGradeInvalid) as refused:
        propose(session, reviewer(), filing, **{**GRADE_DOWN, **changes})
    assert refused.value.status == 422 and "grade" in refused.value.errors


def test_confirm_keeps_the_claim_and_a_new_visit_takes_no_grade(session, in_city_review, reviewer):
    filing = in_city_review("B")
    with pytest.raises(errors.DecisionGradeInvalid):
        propose(session, reviewer(), filing, grade="C")
    with pytest.raises(errors.DecisionGradeInvalid):
        propose(
            session,
            reviewer(),
            filing,
            outcome="new_visit",
            grade="B",
            reason_codes=["production_not_normal"],
        )
    with pytest.raises(errors.DecisionInputInvalid):
        propose(session, reviewer(), filing, outcome="approve")


def test_one_open_proposal_at_a_time(session, in_city_review, reviewer):
    filing = in_city_review()
    first = reviewer()
    decision = propose(session, first, filing)
    with pytest.raises(errors.OpenProposalExists) as refused:
        propose(session, reviewer(), filing, **GRADE_DOWN)
    assert str(decision.id) in refused.value.message and refused.value.status == 409
    withdraw_decision(session, actor=first, decision_id=decision.id)
    assert propose(session, reviewer(), filing, **GRADE_DOWN).status is DecisionStatus.proposed


def test_reject_needs_a_reason_and_leaves_the_filing_in_city_review(
    session, in_city_review, reviewer
):
    filing = in_city_review()
    decision = propose(session, reviewer(), filing)
    second = reviewer()
    with pytest.raises(errors.DecisionInputInvalid):
        reject_decision(session, actor=second, decision_id=decision.id, comment="  ")
    rejected = reject_decision(session, actor=second, decision_id=decision.id, comment="照片存疑")
    assert (rejected.status, rejected.closed_by, rejected.close_comment) == (
        DecisionStatus.rejected,
        second.user_id,
        "照片存疑",
    )
    assert filing.status is FilingStatus.city_review
    with pytest.raises(errors.DecisionNotOpen):
        confirm_decision(session, actor=reviewer(), decision_id=decision.id)


def test_only_the_proposer_withdraws(session, in_city_review, reviewer):
    filing = in_city_review()
    decision = propose(session, reviewer(), filing)
    with pytest.raises(errors.NotProposer):
        withdraw_decision(session, actor=reviewer(), decision_id=decision.id)


def test_decisions_are_taken_in_city_review_only(session, make_city_filing, reviewer):
    forwarded = make_city_filing("A")
    with pytest.raises(errors.FilingNotAtDecision) as refused:
        propose(session, reviewer(), forwarded)
    assert refused.value.status == 409 and "start the city review first" in refused.value.message


def test_a_confirmed_new_visit_keeps_the_filing_open_for_a_new_assignment(
    session, in_city_review, reviewer, visited, city_actor, make_inspector
):
    filing = in_city_review("A")
    first_visit = visited(filing)
    decision = propose(
        session,
        reviewer(),
        filing,
        outcome=DecisionOutcome.new_visit,
        reason_codes=["production_not_normal"],
        comment="核查时熔炼线停产",
    )
    confirm_decision(session, actor=reviewer(), decision_id=decision.id)
    assert filing.status is FilingStatus.city_review
    for status in (AssignmentStatus.published, AssignmentStatus.done):
        update_assignment(
            session, actor=city_actor, assignment=first_visit, changes={"status": status}
        )
    again = create_assignment(
        session,
        actor=city_actor,
        filing_id=filing.id,
        members=[make_inspector().id, make_inspector().id],
        window_start=WINDOW_START + dt.timedelta(days=10),
        window_end=WINDOW_END + dt.timedelta(days=10),
    )
    assert again.filing_id == filing.id
    after = propose(session, reviewer(), filing, **GRADE_DOWN)  # decided after the new visit
    assert after.status is DecisionStatus.proposed


def test_the_catalogue_labels_every_code_in_both_languages():
    for reason in REASON_CODES.values():
        assert reason.zh and reason.en and reason.outcomes
    for outcome in DecisionOutcome:
        assert any(outcome in reason.outcomes for reason in REASON_CODES.values())


def test_the_database_keeps_one_open_proposal_per_filing(session, in_city_review, reviewer):
    filing = in_city_review()
    proposer = reviewer()
    propose(session, proposer, filing)
    twin = ReviewDecision(  # what a second reviewer proposing at the same moment would insert
        filing_id=filing.id,
        outcome=DecisionOutcome.confirm,
        grade="A",
        reason_codes=["evidence_supports_claim"],
        proposed_by=proposer.user_id,
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(twin)
        session.flush()
