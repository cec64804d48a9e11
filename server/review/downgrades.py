"""Downgrades after a later check (rule 14, S4 §三(四)): the new grade, its reason and evidence.

"对在后期抽查、日常检查、监督执法过程中被发现达不到相应绩效评级指标要求的，进行降级处理"
(S4 §三(四)). A city reviewer records which check found it (``CheckKind``), what is no longer
met (``reason``) and the check's record (``evidence``); the grade must be on the main industry's
scale and below the grade that counts now, so a filing can be downgraded again after another
check. Hidden facts or false material (S4 §三(四), S1 §(三)(五)) lower it straight to the lowest
grade and enter the integrity record, which bars filing for a year (rule 7).

The step goes through the workflow (decided/downgraded → downgraded), so who, when and why are
in the transitions and the audit chain. These functions flush, never commit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.audit.service import record
from server.compliance.service import record_integrity
from server.errors import Conflict, ValidationFailed
from server.filings.repository import get_filing
from server.review.decision_rules import main_case, scale_of
from server.review.downgrade_models import CheckKind, GradeDowngrade
from server.review.errors import DecisionRefused
from server.review.grades import histories
from server.review.service import authorize, downgrade_by
from server.review.workflow import Action, step_for

MAX_TEXT = 2000


class DowngradeRefused(DecisionRefused, ValidationFailed):
    code = "downgrade.refused"


class NothingToDowngrade(DecisionRefused, Conflict):
    """Only a filing with a decided grade can be downgraded."""

    code = "downgrade.no_decided_grade"


def _text(value: str | None, field: str, zh: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DowngradeRefused(
            f"降级须写明{zh}", f"a downgrade needs its {field}", errors={field: ["required"]}
        )
    if len(text) > MAX_TEXT:
        raise DowngradeRefused(
            f"{zh}不能超过 {MAX_TEXT} 个字符",
            f"the {field} is at most {MAX_TEXT} characters",
            errors={field: [f"at most {MAX_TEXT} characters"]},
        )
    return text


def _check_kind(value: CheckKind | str) -> CheckKind:
    try:
        return CheckKind(value)
    except ValueError:
        known = ", ".join(k.value for k in CheckKind)
        raise DowngradeRefused(
            f"未知的核查类型 {value!r}；可选：后期抽查、日常检查、监督执法（{known}）",
            f"unknown check kind {value!r}; one of {known} (S4 §三(四))",
            errors={"check_kind": [f"one of {known}"]},
        ) from None


def downgrade_filing(
    session: Session,
    *,
    actor: Actor,
    filing_id: int,
    grade: str,
    check_kind: CheckKind | str,
    reason: str,
    evidence: str,
    falsification: bool = False,
    on: dt.date | None = None,
) -> GradeDowngrade:
    """Downgrade a decided filing after a later check; returns the recorded downgrade.

    Raises NotFound (outside the actor's county), Forbidden (not a city reviewer),
    NothingToDowngrade, DowngradeRefused (grade, kind, reason or evidence), IllegalTransition,
    ValidationFailed (a day in the future or before the filing's last step).
    """
    filing = get_filing(session, actor, filing_id)
    authorize(actor, step_for(Action.downgrade), filing.site.enterprise.county)
    kind = _check_kind(check_kind)
    reason_text = _text(reason, "reason", "理由（哪项指标不再满足）")
    evidence_text = _text(evidence, "evidence", "核查证据（核查日期、记录编号、发现的情况）")
    history = histories(session, [filing.id]).get(filing.id)
    if not history:
        raise NothingToDowngrade(
            f"申报 {filing.id} 尚无审定级别，不能降级；请先完成市级审核决定",
            f"filing {filing.id} has no decided grade to lower; it must be decided first",
        )
    current = history[-1].grade
    scale = scale_of(main_case(filing))
    below = list(scale[scale.index(current) + 1 :]) if current in scale else list(scale)
    if falsification:
        below = [scale[-1]] if scale[-1] in below else []
    if grade not in below:
        why_zh = (
            "隐瞒情况或提供虚假材料的，直接降为最低等级（S4 §三(四)）；" if falsification else ""
        )
        why_en = (
            "false material lowers it straight to the lowest grade (S4 §三(四)); "
            if falsification
            else ""
        )
        raise DowngradeRefused(
            f"{why_zh}降级后的等级须低于现在的审定级别 {current}："
            f"{'、'.join(below) or '没有更低的等级'}",
            f"{why_en}the new grade must be below the decided grade {current}: "
            f"{', '.join(below) or 'there is none lower'}",
            errors={"grade": [f"one of: {', '.join(below)}" if below else "none lower"]},
        )
    outcome = downgrade_by(
        session,
        actor=actor,
        filing=filing,
        on=on,
        reason=f"{kind.value}: {current} → {grade}: {reason_text}",
    )
    effective_on = outcome.transition.effective_on
    integrity = None
    if falsification:
        integrity = record_integrity(
            session,
            actor=actor,
            enterprise=filing.site.enterprise,
            recorded_on=effective_on,
            reason=f"申报 {filing.id} 降级：{reason_text}（{evidence_text}）",
        )
    row = GradeDowngrade(
        filing_id=filing.id,
        from_grade=current,
        grade=grade,
        check_kind=kind,
        reason=reason_text,
        evidence=evidence_text,
        falsification=falsification,
        integrity_record_id=integrity.id if integrity else None,
        effective_on=effective_on,
        decided_by=actor.user_id,
        transition_id=outcome.transition.id,
    )
    session.add(row)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="filing.downgraded",
        subject_type="filing",
        subject_id=filing.id,
        data={
            "downgrade_id": row.id,
            "from": current,
            "to": grade,
            "check_kind": kind.value,
            "reason": reason_text,
            "evidence": evidence_text,
            "falsification": falsification,
            "integrity_record_id": row.integrity_record_id,
            "effective_on": effective_on.isoformat(),
            "transition_id": outcome.transition.id,
        },
    )
    return row
