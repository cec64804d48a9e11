"""Rule 7 at decision time: a confirmed grade-down for falsification enters the plant in the
integrity record (诚信档案), once, which bars it from filing for a year (S1 §(三)(五), S4 §三(四)).

Plain Python; flushes, never commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.compliance.models import IntegrityRecord
from server.compliance.service import record_integrity
from server.filings.models import Filing
from server.review.decision_evidence import FALSIFICATION_ITEMS
from server.review.models import DecisionOutcome, ReviewDecision


def needs_integrity_record(decision: ReviewDecision) -> bool:
    return (
        decision.outcome is DecisionOutcome.grade_down and "falsification" in decision.reason_codes
    )


def record_falsification(
    session: Session,
    *,
    actor: Actor,
    decision: ReviewDecision,
    filing: Filing,
    day: dt.date,
    items: list[str],
) -> tuple[IntegrityRecord, bool]:
    """The integrity record of this falsification and whether it was written now.

    A record entered for the plant since the filing was received (by hand, or by an earlier
    confirmation) is the same finding: it is returned, not written twice."""
    enterprise = filing.site.enterprise
    existing = session.scalars(
        select(IntegrityRecord)
        .where(
            IntegrityRecord.enterprise_id == enterprise.id,
            IntegrityRecord.recorded_on >= filing.received_on,
        )
        .order_by(IntegrityRecord.id)
    ).first()
    if existing is not None:
        return existing, False
    found = "；".join(FALSIFICATION_ITEMS[i][0] for i in items) or "审核中发现弄虚作假或隐瞒材料"
    reason = (
        f"申报 {filing.id}（{filing.year} 年）审核决定 {decision.id}：{found}。"
        f"降为最低等级 {decision.grade} 级，一年内不得申报（S1 §(三)(五)，S4 §三(四)）"
    )
    entry = record_integrity(
        session, actor=actor, enterprise=enterprise, recorded_on=day, reason=reason
    )
    return entry, True
