"""The emergency measures follow the decided grade, not only the evidence.

The reconciliation computes what the evidence supports (``supported_grade``) and the emergency
list entry for it. Once a city review decision is confirmed, or a later check downgraded the
plant (rule 14, S4 §三(四)), that decided grade is the plant's grade: its alert obligations and
its emergency reduction list entry (应急减排清单, S0 §四(五)) are those of the decided grade.
This is applied when a result is shown, so the stored result (a cache keyed on the evidence)
stays what the evidence supports.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from server.reconciliation.compute import iso
from server.reconciliation.obligations import ALERTS, UnknownObligation, obligations
from server.review.grades import latest_grades


def with_decided_grade(session: Session, filing_id: int, result: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``result`` whose obligations and emergency list entry follow the filing's
    decided grade when it has one; ``decided_grade`` says which grade and where it came from."""
    shown = dict(result)
    latest = latest_grades(session, [filing_id]).get(filing_id)
    entry = result.get("emergency_list_entry")
    if latest is None:
        shown["decided_grade"] = None
        if entry is not None:
            shown["emergency_list_entry"] = {**entry, "grade_basis": "evidence"}
        return shown
    shown["decided_grade"] = {
        "grade": latest.grade,
        "source": latest.source,
        "at": iso(latest.at),
        "decision_id": latest.decision_id,
        "downgrade_id": latest.downgrade_id,
    }
    if entry is None:
        return shown
    try:
        measures = obligations(entry["guide_version"], entry["industry"], latest.grade)
    except UnknownObligation:
        return shown
    table = {
        alert: {"code": m.code, "zh": m.zh, "en": m.en, "basis": m.basis, "source": m.source}
        for alert, m in measures.items()
    }
    shown["obligations"] = table
    shown["emergency_list_entry"] = {
        **entry,
        "grade": latest.grade,
        "grade_basis": "decided",
        "supported_grade": result.get("supported_grade"),
        "measures": {alert: table[alert]["code"] for alert in ALERTS},
    }
    return shown
