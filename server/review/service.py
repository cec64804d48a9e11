"""Moving a filing through the review workflow: who may, with what, and the record of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.audit.service import record
from server.clock import china_today
from server.db import paginate
from server.errors import ValidationFailed
from server.filings.models import Filing, FilingStatus
from server.filings.repository import get_filing
from server.review import repository
from server.review.deadlines import Deadline, filing_deadline
from server.review.errors import (
    CountyCheckOpen,
    DecisionOnlyByFourEyes,
    DowngradeNeedsGrade,
    ItemsNotToldAtOnce,
    MissingItemsRequired,
)
from server.review.models import DecisionOutcome, DecisionStatus, ReviewDecision, ReviewTransition
from server.review.register import Late, is_late
from server.review.told import items_not_told_before
from server.review.workflow import Action, Stage, Step, allowed_actions, next_status, step_for

MAX_ITEM_LENGTH = 500


@dataclass(frozen=True)
class ReviewState:
    """Where a filing stands: its state, what may happen next, the clock running, what is missing."""

    filing_id: int
    status: FilingStatus
    allowed_actions: list[Action]
    deadline: Deadline | None
    days_left: int | None
    missing_items: list[Any]  # while returned: the list the plant was given
    late_filing: Late | None = None  # received after its batch's deadline (S1 §(十七))


@dataclass(frozen=True)
class Outcome:
    transition: ReviewTransition
    state: ReviewState


def review_state(session: Session, filing: Filing, today: dt.date | None = None) -> ReviewState:
    today = today or china_today()
    deadline = filing_deadline(session, filing, today)
    missing: list[Any] = []
    if filing.status is FilingStatus.returned:
        last = session.scalars(
            select(ReviewTransition)
            .where(ReviewTransition.filing_id == filing.id)
            .order_by(ReviewTransition.id.desc())
            .limit(1)
        ).first()
        missing = list(last.missing_items or []) if last else []
    return ReviewState(
        filing_id=filing.id,
        status=filing.status,
        # decide is taken by confirming a two-person decision, never asked for as a step
        allowed_actions=[a for a in allowed_actions(filing.status) if a is not Action.decide],
        deadline=deadline,
        days_left=deadline.days_left(today) if deadline else None,
        missing_items=missing,
        late_filing=is_late(session, filing),
    )


def authorize(actor: Actor, step: Step, county: str) -> None:
    """County steps: that county's reviewers; city steps: city reviewers; admins any. Raises Forbidden."""
    if actor.is_admin:
        return
    if step.stage is Stage.county:
        actor.require(Role.county_reviewer)
    elif step.stage is Stage.city:
        actor.require(Role.city_reviewer)
    else:
        actor.require(Role.county_reviewer, Role.city_reviewer)
    actor.require_county(county)


def _missing_items(items: list[str] | None) -> list[str]:
    """Stripped, without blanks or repeats, in the order given."""
    seen: dict[str, None] = {}
    for item in items or []:
        text = item.strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


def _list_problems(step: Step, items: list[str], supplied: list[str]) -> dict[str, list[str]]:
    """Missing items only on a return, supplied items only on a supplement; each not too long."""
    errors: dict[str, list[str]] = {}
    if items and not step.needs_missing_items:
        errors["missing_items"] = ["only return_for_supplement takes missing items"]
    if any(len(item) > MAX_ITEM_LENGTH for item in items):
        errors["missing_items"] = [f"each item at most {MAX_ITEM_LENGTH} characters"]
    if supplied and step.action is not Action.supplement:
        errors["supplied_items"] = ["only supplement takes supplied items"]
    if any(len(item) > MAX_ITEM_LENGTH for item in supplied):
        errors["supplied_items"] = [f"each item at most {MAX_ITEM_LENGTH} characters"]
    return errors


def _last_day(session: Session, filing: Filing) -> dt.date:
    last = session.scalar(
        select(func.max(ReviewTransition.effective_on)).where(
            ReviewTransition.filing_id == filing.id
        )
    )
    return max(d for d in (filing.received_on, filing.supplement_on, last) if d is not None)


def transition(
    session: Session,
    *,
    actor: Actor,
    filing: Filing,
    action: Action,
    on: dt.date | None = None,
    missing_items: list[str] | None = None,
    reason: str | None = None,
    supplied_items: list[str] | None = None,
) -> Outcome:
    """Apply ``action`` to the filing on day ``on`` (China; default today); the step and the
    filing's new state (with the deadline that now runs). ``supplied_items``: what a
    supplement brought, each piece named (S4 §三(二), ``server.review.told``).

    Raises DecisionOnlyByFourEyes (``decide``: only ``decide_by`` takes it), DowngradeNeedsGrade
    (``downgrade``: only ``server.review.downgrades`` takes it), Forbidden (wrong
    role or county), IllegalTransition (wrong state, with what is allowed),
    MissingItemsRequired, ItemsNotToldAtOnce (a later list with an item told neither before nor
    about the supplement), CountyCheckOpen (forward while the county's check is open),
    ValidationFailed (a day in the future or before the last step).
    """
    if action is Action.decide:
        raise _decide_alone(filing)
    if action is Action.downgrade:
        raise _downgrade_needs_grade(filing)
    return _apply(
        session,
        actor=actor,
        filing=filing,
        action=action,
        on=on,
        missing_items=missing_items,
        reason=reason,
        supplied_items=supplied_items,
    )


def _decide_alone(filing: Filing) -> DecisionOnlyByFourEyes:
    return DecisionOnlyByFourEyes(
        "审核决定只能由双人作出：一位市级审核人员提议，另一位市级审核人员确认"
        f"（/api/filings/{filing.id}/decisions）；不能通过单独的流程步骤作出决定，管理员也不能。"
        " / A filing is decided only by two people: one city reviewer proposes a decision and "
        f"another confirms it (/api/filings/{filing.id}/decisions); no single workflow step "
        "decides it, not even an administrator's.",
        errors={"action": ["propose a decision, then have a second city reviewer confirm it"]},
    )


def _downgrade_needs_grade(filing: Filing) -> DowngradeNeedsGrade:
    return DowngradeNeedsGrade(
        "降级须写明降级后的等级、理由和核查证据，请通过降级接口办理"
        f"（POST /api/filings/{filing.id}/downgrades）。"
        " / A downgrade records the new grade, its reason and the evidence of the check: "
        f"use POST /api/filings/{filing.id}/downgrades.",
        errors={"action": ["downgrade through /downgrades with grade, reason and evidence"]},
    )


def downgrade_by(
    session: Session, *, actor: Actor, filing: Filing, reason: str, on: dt.date | None = None
) -> Outcome:
    """Take the ``downgrade`` step for a downgrade ``server.review.downgrades`` records.
    Raises Forbidden, IllegalTransition, ValidationFailed."""
    return _apply(
        session, actor=actor, filing=filing, action=Action.downgrade, on=on, reason=reason
    )


def decide_by(
    session: Session, *, actor: Actor, filing: Filing, decision: ReviewDecision, reason: str
) -> Outcome:
    """Take the ``decide`` step for a confirmed two-person decision on this filing: proposed by
    one city reviewer and confirmed by ``actor``, another one.

    Raises DecisionOnlyByFourEyes (any other decision), Forbidden, IllegalTransition.
    """
    four_eyes = (
        decision.filing_id == filing.id
        and decision.status is DecisionStatus.confirmed
        and decision.outcome is not DecisionOutcome.new_visit
        and decision.proposed_by is not None
        and decision.confirmed_by == actor.user_id
        and decision.proposed_by != decision.confirmed_by
        and actor.role is Role.city_reviewer
    )
    if not four_eyes:
        raise _decide_alone(filing)
    return _apply(session, actor=actor, filing=filing, action=Action.decide, reason=reason)


def _apply(
    session: Session,
    *,
    actor: Actor,
    filing: Filing,
    action: Action,
    on: dt.date | None = None,
    missing_items: list[str] | None = None,
    reason: str | None = None,
    supplied_items: list[str] | None = None,
) -> Outcome:
    step = step_for(action)
    authorize(actor, step, filing.site.enterprise.county)
    source = filing.status
    target = next_status(source, action)
    items = _missing_items(missing_items)
    supplied = _missing_items(supplied_items)
    if step.needs_missing_items and not items:
        raise MissingItemsRequired(
            "returning a filing for supplement needs the complete list of missing items, "
            "told to the plant at once (S4 §三(二) 一次性告知)",
            errors={"missing_items": ["list every missing item; at least one"]},
        )
    today = china_today()
    on = on or today
    errors = _list_problems(step, items, supplied)
    if step.needs_reason and not (reason or "").strip():
        errors["reason"] = [f"{action.value} needs a reason"]
    if on > today:
        errors["on"] = [f"{on.isoformat()} is in the future (today in China is {today})"]
    else:
        last = _last_day(session, filing)
        if on < last:
            errors["on"] = [f"{on.isoformat()} is before the filing's last step on {last}"]
    if errors:
        raise ValidationFailed(f"cannot {action.value} this filing", errors=errors)
    if action is Action.forward:
        _county_check_finished(session, filing)
    if action is Action.return_for_supplement:
        _told_at_once(session, filing, items)
    filing.status = target
    if action is Action.supplement:
        filing.supplement_on = on  # the county's 7 days start again from here
    row = ReviewTransition(
        filing_id=filing.id,
        action=action.value,
        from_status=source.value,
        to_status=target.value,
        effective_on=on,
        actor_id=actor.user_id,
        reason=(reason or "").strip() or None,
        missing_items=items or None,
        supplied_items=supplied or None,
    )
    session.add(row)
    session.flush()  # the id goes into the audit event; a concurrent move fails here (version)
    record(
        session,
        actor_id=actor.user_id,
        action="filing.transition",
        subject_type="filing",
        subject_id=filing.id,
        data={
            "transition_id": row.id,
            "action": action.value,
            "from": source.value,
            "to": target.value,
            "on": on.isoformat(),
            "missing_items": items,
            "supplied_items": supplied,
            "reason": row.reason,
        },
    )
    return Outcome(row, review_state(session, filing, today))


def _told_at_once(session: Session, filing: Filing, items: list[str]) -> None:
    """A later return lists only items left unfixed or problems of what a supplement brought
    (S4 §三(二) 一次性告知, ``server.review.told``). Raises ItemsNotToldAtOnce naming the others."""
    told: list[str] = []
    supplied: list[str] = []
    for row in repository.earlier_lists(session, filing.id):
        told += row.missing_items or []
        supplied += row.supplied_items or []
    if not told:
        return  # the first return: its list is the complete one
    new = items_not_told_before(items, told=told, supplied=supplied)
    if not new:
        return
    zh, en = "、".join(new), "; ".join(new)
    raise ItemsNotToldAtOnce(
        f"需要补正的全部内容应在第一次退回时一次性告知企业（S4 §三(二)）。再次退回只能列出上次清单中"
        f"仍未补正的事项，或补正材料本身带来的问题；以下事项两者都不是：{zh}。 / Everything to "
        "supply must be told to the plant at once, on the first return (S4 §三(二)). A later "
        "return may list only items of the earlier list left unfixed, or problems of material "
        f"the supplement brought; these are neither: {en}.",
        errors={"missing_items": [f"not told before and not about the supplement: {en}"]},
    )


def _county_check_finished(session: Session, filing: Filing) -> None:
    """Raises CountyCheckOpen while the county's own on-site check is planned or published."""
    open_check = repository.open_county_check(session, filing.id)
    if open_check is not None:
        raise CountyCheckOpen(
            f"县级现场核查（任务 {open_check}）尚未完成：请先将其标记为完成或取消，再报送市局"
            "（S4 §三(二)：县级初审时进行现场核查，然后报送）。 / The county's on-site check "
            f"(assignment {open_check}) is still open: mark it done or cancel it before "
            "forwarding (S4 §三(二): the county checks on site in its review, then forwards).",
            errors={"action": [f"assignment {open_check} is still planned or published"]},
        )


def filing_review_state(session: Session, actor: Actor, filing_id: int) -> ReviewState:
    """The review state of a filing in the actor's scope. Raises NotFound."""
    return review_state(session, get_filing(session, actor, filing_id))


def list_transitions(
    session: Session, actor: Actor, filing_id: int, *, offset: int, limit: int
) -> tuple[list[ReviewTransition], int]:
    """A filing's steps, oldest first. Raises NotFound outside the actor's scope."""
    filing = get_filing(session, actor, filing_id)
    query = select(ReviewTransition).where(ReviewTransition.filing_id == filing.id)
    return paginate(session, query, offset=offset, limit=limit, order_by=ReviewTransition.id)
