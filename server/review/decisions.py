"""City review decisions with four eyes: one city reviewer proposes, another confirms.

A proposal says the outcome (confirm the claimed grade, grade down, or a new on-site visit),
the grade, reason codes from ``REASON_CODES`` and a comment. A second city reviewer confirms or
rejects it; the proposer may withdraw it while it is open. Confirming ``confirm`` or
``grade_down`` takes the workflow's ``decide`` step (city_review → decided) through
``server.review.service.decide_by``, the only way to it; confirming ``new_visit`` leaves the filing in city review,
where a new assignment can be made. Every step appends a chained audit event.

Nobody who was a member of a visit of the filing, is blacklisted, or declared a conflict with
the plant may propose, confirm or reject. These functions flush (the ids go into the audit
events), never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.accounts.models import Role, User
from server.audit.service import record
from server.clock import china_today
from server.db import utcnow
from server.errors import NotFound
from server.filings.models import Filing, FilingStatus
from server.filings.repository import get_filing
from server.review import repository
from server.review.decision_evidence import (
    check_exclusions,
    check_falsification,
    check_multi_industry,
    check_on_site,
    evidence_on,
)
from server.review.decision_rules import (
    check_evidence,
    clean_comment,
    decided_grade,
    main_case,
    outcome_of,
    reason_codes_for,
)
from server.review.errors import (
    DeciderBlacklisted,
    DeciderConflicted,
    DeciderWasOnVisit,
    DecisionNotOpen,
    DecisionRoleRefused,
    FilingNotAtDecision,
    NotProposer,
    OpenProposalExists,
    SamePersonTwice,
)
from server.review.falsification import needs_integrity_record, record_falsification
from server.review.models import DecisionOutcome, DecisionStatus, ReviewDecision
from server.review.reasons import REASON_CODES, ReasonCode
from server.review.service import decide_by

__all__ = [
    "REASON_CODES",
    "ReasonCode",
    "confirm_decision",
    "decisions_for",
    "propose_decision",
    "reason_catalogue",
    "reject_decision",
    "withdraw_decision",
]

# --- who may decide ---------------------------------------------------------------------------


def _require_reader(actor: Actor) -> None:
    if actor.role not in REVIEWER_ROLES:
        raise DecisionRoleRefused(
            "核查员不能查看或作出审核决定",
            f"review decisions are for reviewers; you are {actor.role.value}",
        )


def _require_city_reviewer(actor: Actor) -> None:
    if actor.role is not Role.city_reviewer:
        raise DecisionRoleRefused(
            "只有市级审核人员可以提议、确认或驳回审核决定",
            f"only city reviewers propose, confirm or reject decisions; you are {actor.role.value}",
        )


def _require_independent(session: Session, actor: Actor, filing: Filing) -> None:
    """Raises DeciderBlacklisted, DeciderWasOnVisit or DeciderConflicted."""
    user = session.get(User, actor.user_id)
    if user is None or user.blacklisted:
        raise DeciderBlacklisted(
            "您已被列入黑名单，不能参与审核",
            "you are blacklisted and may not review (rule 9, S1 §(九))",
        )
    if repository.was_on_visit(session, filing.id, actor.user_id):
        raise DeciderWasOnVisit(
            "您参加了该企业的现场核查，不能对其提议或确认审核决定；请由未参加核查的市级审核人员处理",
            f"you were on a visit of filing {filing.id}; a city reviewer who was not on it must "
            "propose or confirm its decision",
        )
    if repository.declared_conflict(session, filing.site.enterprise_id, actor.user_id):
        raise DeciderConflicted(
            "您已申报与该企业存在利益冲突，不能参与其审核",
            "you declared a conflict of interest with this plant and may not review it "
            "(rule 9, S2 §二)",
        )


def _require_city_review(filing: Filing) -> None:
    if filing.status is FilingStatus.city_review:
        return
    hint_zh, hint_en = "", ""
    if filing.status is FilingStatus.forwarded:
        hint_zh, hint_en = "请先开始市级审核；", "start the city review first; "
    raise FilingNotAtDecision(
        f"只有处于市级审核（city_review）状态的申报可以作出决定；{hint_zh}当前状态为 {filing.status.value}",
        f"decisions are taken while a filing is in city_review; {hint_en}filing {filing.id} "
        f"is {filing.status.value}",
    )


# --- the rules of the notices, as of the decision day ------------------------------------------


@dataclass(frozen=True)
class RulesChecked:
    day: dt.date
    consequences: list[str]  # rule 16: e.g. essential_service_exemption_lost
    falsification: list[str]  # the falsification items the visit failed (rule 7)


def check_rules(
    session: Session,
    filing: Filing,
    outcome: DecisionOutcome,
    grade: str | None,
    codes: list[str],
    *,
    day: dt.date | None = None,
) -> RulesChecked:
    """Check a decision against the filing as it stands on ``day`` (today in China): rule 7
    (falsification found), rules 6 and 7 (exclusions), rule 2 (several industries) and rule 12
    (the on-site check). Raises FalsificationFound, ExcludedAtDecision, MultiIndustryPolicy,
    OnSiteCheckRequired, each saying the rule in words."""
    day = day or china_today()
    evidence = evidence_on(session, filing, day)
    items = check_falsification(evidence, outcome, grade, codes)
    consequences = check_exclusions(evidence, grade)
    check_multi_industry(evidence, grade)
    check_on_site(evidence, outcome, grade)
    return RulesChecked(day, consequences, items)


# --- the steps ------------------------------------------------------------------------------


def _audit(
    session: Session, actor: Actor, action: str, decision: ReviewDecision, **extra: Any
) -> None:
    record(
        session,
        actor_id=actor.user_id,
        action=f"decision.{action}",
        subject_type="decision",
        subject_id=decision.id,
        data={
            "filing_id": decision.filing_id,
            "outcome": decision.outcome.value,
            "grade": decision.grade,
            "reason_codes": list(decision.reason_codes),
            "status": decision.status.value,
            "proposed_by": decision.proposed_by,
            **extra,
        },
    )


def propose_decision(
    session: Session,
    *,
    actor: Actor,
    filing_id: int,
    outcome: DecisionOutcome | str,
    grade: str | None,
    reason_codes: Iterable[str] | None,
    comment: str | None,
    supported_grade: str | None = None,
    evidence_fingerprint: str | None = None,
) -> ReviewDecision:
    """Propose a decision on a filing in city review; another city reviewer must confirm it.

    Raises DecisionRoleRefused (not a city reviewer), NotFound (outside the actor's county),
    DeciderBlacklisted, DeciderWasOnVisit, DeciderConflicted, FilingNotAtDecision,
    OpenProposalExists, ReasonRequired, UnknownReasonCode, ReasonNotForOutcome,
    DecisionGradeInvalid, DecisionInputInvalid. The rules of ``check_rules`` are checked when
    the proposal is confirmed, as of that day (the dossier shows them beside the proposal).
    """
    _require_reader(actor)
    filing = get_filing(session, actor, filing_id)
    _require_city_reviewer(actor)
    _require_independent(session, actor, filing)
    _require_city_review(filing)
    pending = repository.open_proposal(session, filing.id)
    if pending is not None:
        raise _open_exists(filing.id, pending.id)
    chosen = outcome_of(outcome)
    codes = reason_codes_for(chosen, reason_codes)
    case = main_case(filing)
    decided = decided_grade(chosen, grade, case, codes)
    text = clean_comment(comment)
    check_evidence(case, supported_grade, evidence_fingerprint)
    decision = ReviewDecision(
        filing_id=filing.id,
        outcome=chosen,
        grade=decided,
        reason_codes=codes,
        comment=text,
        supported_grade=supported_grade,
        evidence_fingerprint=evidence_fingerprint,
        status=DecisionStatus.proposed,
        proposed_by=actor.user_id,
        proposed_at=utcnow(),
    )
    try:
        with session.begin_nested():  # another reviewer proposing at the same moment loses here
            session.add(decision)
            session.flush()  # the id goes into the audit event
    except IntegrityError as exc:
        raise _open_exists(filing.id, None) from exc
    _audit(
        session,
        actor,
        "proposed",
        decision,
        claimed_grade=case.claimed_grade,
        industry_code=case.industry_code,
        supported_grade=supported_grade,
        evidence_fingerprint=evidence_fingerprint,
        comment=text,
    )
    return decision


def _open_exists(filing_id: int, decision_id: int | None) -> OpenProposalExists:
    which_zh = f"（编号 {decision_id}）" if decision_id else ""
    which_en = f" (decision {decision_id})" if decision_id else ""
    return OpenProposalExists(
        f"该申报已有待确认的决定{which_zh}；请先确认、驳回或撤回它",
        f"filing {filing_id} already has an open proposal{which_en}; "
        "confirm, reject or withdraw it first",
    )


def _open_decision(
    session: Session, actor: Actor, decision_id: int
) -> tuple[ReviewDecision, Filing]:
    """The decision and its filing, in the actor's scope and still open. Raises
    DecisionRoleRefused, NotFound, DecisionNotOpen."""
    _require_reader(actor)
    decision = session.get(ReviewDecision, decision_id)
    try:
        filing = get_filing(session, actor, decision.filing_id) if decision else None
    except NotFound:
        filing = None
    if decision is None or filing is None:
        raise NotFound(f"decision {decision_id} not found in your scope")
    _require_city_reviewer(actor)
    if decision.status is not DecisionStatus.proposed:
        raise DecisionNotOpen(
            f"决定 {decision.id} 已是 {decision.status.value} 状态，不能再确认、驳回或撤回",
            f"decision {decision.id} is {decision.status.value}; only a proposed decision can be "
            "confirmed, rejected or withdrawn",
        )
    return decision, filing


def _second_reviewer(
    session: Session, actor: Actor, decision: ReviewDecision, filing: Filing
) -> None:
    if actor.user_id == decision.proposed_by:
        raise SamePersonTwice(
            "提议人不能确认或驳回自己的提议（双人审核）；请由另一位市级审核人员处理，或撤回提议",
            "the proposer cannot confirm or reject their own proposal (four eyes); another city "
            "reviewer must, or withdraw it",
        )
    _require_independent(session, actor, filing)


def confirm_decision(
    session: Session, *, actor: Actor, decision_id: int, comment: str | None = None
) -> ReviewDecision:
    """Confirm another reviewer's proposal: it stands, and the filing moves on (confirm and
    grade_down: decided; new_visit: stays in city review for a new assignment).

    Raises DecisionRoleRefused, NotFound, DecisionNotOpen, SamePersonTwice, DeciderBlacklisted,
    DeciderWasOnVisit, DeciderConflicted, FilingNotAtDecision, DecisionGradeInvalid (the claim
    changed since the proposal), DecisionInputInvalid, IllegalTransition, and the rules of
    ``check_rules`` as of today: FalsificationFound, ExcludedAtDecision, MultiIndustryPolicy,
    OnSiteCheckRequired. A grade-down for falsification enters the plant in the integrity
    record (once), which bars it from filing for a year.
    """
    decision, filing = _open_decision(session, actor, decision_id)
    _second_reviewer(session, actor, decision, filing)
    _require_city_review(filing)
    case = main_case(filing)
    codes = list(decision.reason_codes)
    decided_grade(decision.outcome, decision.grade, case, codes)  # still fits the claim
    text = clean_comment(comment)
    checked = check_rules(session, filing, decision.outcome, decision.grade, codes)
    decision.status = DecisionStatus.confirmed
    decision.confirmed_by, decision.confirmed_at = actor.user_id, utcnow()
    decision.confirm_comment = text
    step_id = None
    if decision.outcome is not DecisionOutcome.new_visit:
        summary = f"decision {decision.id}: {decision.outcome.value} {decision.grade}"
        step = decide_by(session, actor=actor, filing=filing, decision=decision, reason=summary)
        step_id = step.transition.id
    session.flush()  # a concurrent answer to the same proposal fails here (version)
    integrity: dict[str, Any] = {}
    if needs_integrity_record(decision):
        entry, written = record_falsification(
            session,
            actor=actor,
            decision=decision,
            filing=filing,
            day=checked.day,
            items=checked.falsification,
        )
        integrity = {"integrity_record_id": entry.id, "integrity_record_written": written}
    _audit(
        session,
        actor,
        "confirmed",
        decision,
        comment=text,
        transition_id=step_id,
        filing_status=filing.status.value,
        decided_on=checked.day.isoformat(),
        consequences=checked.consequences,
        falsification_found=checked.falsification,
        **integrity,
    )
    return decision


def reject_decision(
    session: Session, *, actor: Actor, decision_id: int, comment: str | None = None
) -> ReviewDecision:
    """Refuse another reviewer's proposal, saying why (``comment`` is required); the filing
    stays in city review and a new proposal may be made.

    Raises DecisionRoleRefused, NotFound, DecisionNotOpen, SamePersonTwice, DeciderBlacklisted,
    DeciderWasOnVisit, DeciderConflicted, DecisionInputInvalid.
    """
    decision, filing = _open_decision(session, actor, decision_id)
    _second_reviewer(session, actor, decision, filing)
    text = clean_comment(comment, required_for=("驳回", "a rejection"))
    decision.status = DecisionStatus.rejected
    decision.closed_by, decision.closed_at, decision.close_comment = actor.user_id, utcnow(), text
    session.flush()  # a concurrent answer to the same proposal fails here (version)
    _audit(session, actor, "rejected", decision, comment=text)
    return decision


def withdraw_decision(
    session: Session, *, actor: Actor, decision_id: int, comment: str | None = None
) -> ReviewDecision:
    """The proposer takes back their open proposal.

    Raises DecisionRoleRefused, NotFound, DecisionNotOpen, NotProposer, DecisionInputInvalid.
    """
    decision, _filing = _open_decision(session, actor, decision_id)
    if actor.user_id != decision.proposed_by:
        raise NotProposer(
            "只有提议人可以撤回提议；如不同意请驳回",
            "only the proposer may withdraw a proposal; to refuse it, reject it",
        )
    text = clean_comment(comment)
    decision.status = DecisionStatus.withdrawn
    decision.closed_by, decision.closed_at, decision.close_comment = actor.user_id, utcnow(), text
    session.flush()  # a concurrent answer to the same proposal fails here (version)
    _audit(session, actor, "withdrawn", decision, comment=text)
    return decision


def decisions_for(
    session: Session, filing_id: int, *, actor: Actor | None = None
) -> list[ReviewDecision]:
    """The filing's decisions, oldest first. With ``actor``: raises DecisionRoleRefused
    (inspectors) and NotFound (outside their county)."""
    if actor is not None:
        _require_reader(actor)
        get_filing(session, actor, filing_id)
    return repository.decisions_of(session, filing_id)


def reason_catalogue(actor: Actor) -> list[ReasonCode]:
    """Every reason code, in catalogue order. Raises DecisionRoleRefused (inspectors)."""
    _require_reader(actor)
    return list(REASON_CODES.values())
