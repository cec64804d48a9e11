"""A filing's reconciliation from its inputs: visits, indicators, grades, exclusions, obligations.

Pure: ``FilingInputs`` in, the JSON-ready result out (its shape is documented in
``server.reconciliation.service``). The rules are the cores beside it: ``production`` (rule 5,
21), ``indicators`` (the items that verify each claim), ``grading`` (rules 1, 2, 6, 7, 16) and
``obligations`` (the alert tables).

Choices, each explained in the result where it applies:
- a visit whose production verdict is *not normal* is void; the grading uses the latest visit
  that is not void and has accepted inspections, and a filing whose latest such visit is void
  needs a new one;
- *unknown* production keeps the visit but blocks confirming the grade;
- falsification is an integrity record entered on or after the filing was received (found
  during this review); penalties count over the jurisdiction's period (365 days up to the day
  judged on, or that calendar year and the filing's, S4 §四(二)) and bar what its setting says
  (rule 6); downgrades count within 365 days;
- settings the forms' criteria name (the gate video retention, rule 17) come from the
  jurisdiction, and each indicator they decide says so in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from inspection_forms import Criterion, Form
from server.compliance.kinds import in_period
from server.reconciliation import emission_limits as em
from server.reconciliation.grading import (
    IndustryGrade,
    apply_exclusions,
    grade_case,
    overall_grade,
)
from server.reconciliation.hj212 import CHINA_TZ
from server.reconciliation.indicators import (
    CONTRADICTED,
    VERIFIED,
    IndicatorClaim,
    IndicatorVerdict,
    Step,
    best_grade_met,
    reconcile_indicator,
)
from server.reconciliation.inputs import CaseInput, ClaimInput, FilingInputs, VisitInput
from server.reconciliation.obligations import UnknownObligation, obligations
from server.reconciliation.production import Reason, production_verdict
from server.reconciliation.settings import exemption_step, setting_steps, settings_of

# Bumped whenever the rules below change what a result says: stored results then recompute.
CODE_VERSION = "reconciliation-3"
# Jurisdiction settings name the policies after their sources; grading after what they do.
POLICY_OF = {"each_industry": "lowest", "lowest": "lowest"} | {
    p: p for p in ("main_industry", "cross_level")
}
ONE_YEAR = dt.timedelta(days=365)


def step(item: Step | Reason) -> dict[str, Any]:
    return {
        "code": item.code,
        "message_zh": item.message_zh,
        "message_en": item.message_en,
        "data": dict(item.data),
    }


def _new_step(code: str, zh: str, en: str, **data: Any) -> dict[str, Any]:
    return {"code": code, "message_zh": zh, "message_en": en, "data": data}


def iso(value: dt.datetime) -> str:
    """An aware time as the results write it: UTC with a ``Z``."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _iso(value: dt.datetime | None) -> str | None:
    return iso(value) if value else None


# --- visits ------------------------------------------------------------------------------------


def _attestation(visit: VisitInput) -> bool | None:
    """The team's word on normal production: any member saying no is a no."""
    said = [
        i.answers.get("production_normal")
        for i in visit.inspections
        if i.status == "accepted" and isinstance(i.answers.get("production_normal"), bool)
    ]
    if False in said:
        return False
    return True if said else None


def _team_answers(visit: VisitInput) -> dict[str, dict[str, Any]]:
    team: dict[str, dict[str, Any]] = {}
    for inspection in visit.inspections:
        if inspection.status == "accepted":
            team.setdefault(f"inspector:{inspection.inspector_id}", {}).update(inspection.answers)
    return team


@dataclass(frozen=True)
class _Visit:
    visit: VisitInput
    status: str
    reasons: tuple[Reason, ...]
    accepted: int

    @property
    def void(self) -> bool:
        return self.status == "not_normal"

    def to_json(self) -> dict[str, Any]:
        v = self.visit
        return {
            "assignment_id": v.assignment_id,
            "window_start": _iso(v.window_start),
            "window_end": _iso(v.window_end),
            "members": list(v.members),
            "inspections": [
                {
                    "doc_id": i.doc_id,
                    "inspector_id": i.inspector_id,
                    "status": i.status,
                    "form_id": i.form_id,
                    "started_at": _iso(i.started_at),
                    "submitted_at": _iso(i.submitted_at),
                    "has_conflict": i.has_conflict,
                }
                for i in v.inspections
            ],
            "production": {"status": self.status, "reasons": [step(r) for r in self.reasons]},
            "void": self.void,
        }


def _judge_visit(visit: VisitInput, typical_flow: dict[str, float]) -> _Visit:
    verdict = production_verdict(
        visit.window_start,
        visit.window_end,
        cems=list(visit.cems),
        typical_flow=typical_flow,
        metering=list(visit.metering),
        attestation=_attestation(visit),
    )
    accepted = sum(1 for i in visit.inspections if i.status == "accepted")
    return _Visit(visit, verdict.status, tuple(verdict.reasons), accepted)


def _grading_visit(visits: Sequence[_Visit]) -> tuple[_Visit | None, bool, list[dict[str, Any]]]:
    """The visit the grade rests on, whether a new visit is needed, and the steps saying so."""
    done = sorted((v for v in visits if v.accepted), key=lambda v: v.visit.window_end)
    if not done:
        return (
            None,
            False,
            [
                _new_step(
                    "visit.none",
                    "无已完成的现场核查，申报指标均无法核实",
                    "No completed on-site visit: no claimed indicator can be verified",
                )
            ],
        )
    latest = done[-1]
    if latest.void:
        return (
            None,
            True,
            [
                _new_step(
                    "visit.void",
                    f"核查任务 {latest.visit.assignment_id} 检查时未正常生产，核查无效，须重新核查（规则 5）",
                    f"Visit {latest.visit.assignment_id} found production not normal: it is void "
                    "for grading and a new visit is needed (rule 5)",
                    assignment_id=latest.visit.assignment_id,
                    reasons=[r.code for r in latest.reasons],
                )
            ],
        )
    steps = [
        _new_step(
            "visit.used",
            f"依据核查任务 {latest.visit.assignment_id} 的现场核查结果",
            f"Graded on visit {latest.visit.assignment_id}",
            assignment_id=latest.visit.assignment_id,
            production=latest.status,
        )
    ]
    if latest.status == "unknown":
        steps.append(
            _new_step(
                "visit.production_unknown",
                "无法确认检查时处于正常生产状态，级别暂不能确认",
                "Normal production during the visit cannot be shown: the grade cannot be confirmed",
                assignment_id=latest.visit.assignment_id,
            )
        )
    return latest, False, steps


# --- indicators and cases ----------------------------------------------------------------------


# id(criterion) → its JSON: criteria belong to forms loaded once per process and never freed
_CRITERIA: dict[int, tuple[Criterion, dict[str, Any]]] = {}


def _criterion(criterion: Criterion) -> dict[str, Any]:
    known = _CRITERIA.get(id(criterion))
    if known is None or known[0] is not criterion:
        known = _CRITERIA[id(criterion)] = (criterion, criterion.to_dict())
    return known[1]


def _indicator_json(
    case: CaseInput, claim_id: int, claimed_value: str | None, verdict: IndicatorVerdict
) -> dict[str, Any]:
    category = verdict.indicator_code.split(".", 1)[0]
    return {
        "claim_id": claim_id,
        "indicator": verdict.indicator_code,
        "category": category,
        "claimed_grade": case.claimed_grade,
        "claimed_value": claimed_value,
        "verdict": verdict.verdict,
        "meets": None,
        "disagreement": verdict.disagreement,
        "reviewer_required": verdict.disagreement,
        "reasons": [step(r) for r in verdict.reasons],
        "decided_by": [
            {
                "form": d.form,
                "path": d.path,
                "item": d.path.rsplit(".", 1)[-1],
                "member": d.member,
                "answer": d.answer,
                "passed": d.passed,
            }
            for d in verdict.decided_by
        ],
        # each item's criterion once: a repeat group's lines and both members share it
        "criteria": {
            d.path.rsplit(".", 1)[-1]: _criterion(d.criterion) for d in verdict.decided_by
        },
        "photos_used": list(verdict.photos_used),
        "photos_discarded": [
            {"ref": p.ref, "reasons": list(p.reasons)} for p in verdict.photos_discarded
        ],
    }


def _case(
    case: CaseInput, visit: _Visit | None, inputs: FilingInputs
) -> tuple[dict[str, Any], bool]:
    forms = visit.visit.forms if visit else ()
    team = _team_answers(visit.visit) if visit else {}
    visit_date = visit.visit.window_start.astimezone(CHINA_TZ).date() if visit else None
    settings = settings_of(inputs)
    verdicts: list[IndicatorVerdict] = []
    indicators: list[dict[str, Any]] = []
    meets: dict[str, str] = {}
    for claim in case.claims:
        asked = IndicatorClaim(claim.category, claim.indicator_code, case.claimed_grade)
        verdict = reconcile_indicator(
            asked, forms, team, inputs.photo_findings, visit_date=visit_date, settings=settings
        )
        checked = emission_check(case, claim, visit.visit, inputs) if visit else None
        cems_met: str | None = None
        if checked is not None and visit is not None:
            verdict, cems_met = _with_emission(verdict, checked, case, visit.visit, inputs)
        shown = _indicator_json(case, claim.claim_id, claim.claimed_value, verdict)
        shown["reasons"] += setting_steps(verdict, settings)
        if checked is not None:
            shown["emission"] = checked.to_json()
        if checked is not None and checked.verdict == CONTRADICTED:
            if cems_met is not None:
                meets[verdict.indicator_code] = cems_met
        elif verdict.verdict == CONTRADICTED:
            met = best_grade_met(
                case.scale,
                asked,
                forms,
                team,
                inputs.photo_findings,
                visit_date=visit_date,
                settings=settings,
            )
            if met is not None:
                meets[verdict.indicator_code] = met
        verdicts.append(verdict)
        indicators.append(shown)
    graded = grade_case(case.scale, case.claimed_grade, verdicts, meets)
    # the grade each contradicted indicator holds the case at, as the weakest-link step says
    held = {
        s.data["indicator"]: s.data["meets"]
        for s in graded.explanation
        if s.code == "indicator.contradicted"
    }
    for shown in indicators:
        if shown["verdict"] == CONTRADICTED:
            shown["meets"] = held[shown["indicator"]]
    disagreements = any(v.disagreement for v in verdicts)
    return (
        {
            "case_id": case.case_id,
            "industry": case.industry,
            "guide_version": case.guide_version,
            "main": case.main,
            "scale": list(case.scale),
            "claimed_grade": case.claimed_grade,
            "grade": graded.grade,
            "confirmed": graded.confirmed,
            "decided_by": list(graded.decided_by),
            "explanation": [step(s) for s in graded.explanation],
            "indicators": indicators,
            "reviewer_required": disagreements,
        },
        graded.confirmed,
    )


# --- emission limits against CEMS data (issue 17) ------------------------------------------


def _form_limits(forms: Sequence[Form], indicator: str) -> dict[str, float]:
    """Grade → the at_most concentration the visit's forms set for this indicator."""
    found = []
    for form in forms:
        for item in form.all_items.values():
            if item.indicator != indicator:
                continue
            for criterion in item.criteria:
                for grade in criterion.grades:
                    found.append(
                        (
                            grade,
                            {"op": criterion.op, "value": criterion.value, "unit": criterion.unit},
                        )
                    )
    return em.limits_of(found)


def emission_check(
    case: CaseInput,
    claim: ClaimInput,
    visit: VisitInput,
    inputs: FilingInputs,
    *,
    keep_series: bool = False,
) -> em.LimitVerdict | None:
    """An emission-limit claim against the site's CEMS hours around the visit, or None when
    the claim is not an emission limit or names no pollutant."""
    if claim.category != "emission_limits" and not claim.indicator_code.startswith(
        "emission_limits."
    ):
        return None
    limit_claim = em.parse_claim(claim.indicator_code, claim.claimed_value, case.industry)
    if limit_claim is None:
        return None
    hours = inputs.emission_hours.get(limit_claim.pollutant, ())
    return em.check_limit(
        limit_claim,
        hours,
        visit.window_start,
        visit.window_end,
        inputs.emission_settings,
        keep_series=keep_series,
    )


def _with_emission(
    verdict: IndicatorVerdict,
    checked: em.LimitVerdict,
    case: CaseInput,
    visit: VisitInput,
    inputs: FilingInputs,
) -> tuple[IndicatorVerdict, str | None]:
    """The data decide: contradicted by the data, or by the items, is contradicted; verified
    by the data is verified; data that cannot decide leave the items' verdict as it was. When
    the data contradict, the grade met is the best lower grade whose form limit they meet."""
    data = {"pollutant": checked.claim.pollutant, "limit": checked.claim.limit}
    reason = Step(checked.code, checked.message_zh, checked.message_en, data)
    reasons = (reason, *verdict.reasons)
    met: str | None = None
    if checked.verdict == CONTRADICTED:
        new = CONTRADICTED
        limits = _form_limits(visit.forms, verdict.indicator_code)
        below = case.scale[case.scale.index(case.claimed_grade) + 1 :]
        for grade in below:
            if grade not in limits:
                continue
            lower = replace(checked.claim, limit=limits[grade], problem=None)
            again = em.check_limit(
                lower,
                inputs.emission_hours.get(lower.pollutant, ()),
                visit.window_start,
                visit.window_end,
                inputs.emission_settings,
            )
            if again.verdict != CONTRADICTED:
                met = grade
                break
    elif verdict.verdict == CONTRADICTED:
        new = CONTRADICTED
    elif checked.verdict == VERIFIED:
        new = VERIFIED
    else:
        new = verdict.verdict
    return replace(verdict, verdict=new, reasons=reasons), met


def emission_checks(
    inputs: FilingInputs,
) -> list[tuple[CaseInput, ClaimInput, VisitInput, em.LimitVerdict]]:
    """Every emission-limit claim checked on the visit the grade rests on, with the hourly
    series on the claim's basis kept (the reviewer's chart); the same numbers as ``compute``."""
    visits = [_judge_visit(v, inputs.typical_flow) for v in inputs.visits]
    visit, _, _ = _grading_visit(visits)
    if visit is None:
        return []
    out = []
    for case in inputs.cases:
        for claim in case.claims:
            checked = emission_check(case, claim, visit.visit, inputs, keep_series=True)
            if checked is not None:
                out.append((case, claim, visit.visit, checked))
    return out


# --- the plant ---------------------------------------------------------------------------------


def _main_case(cases: Sequence[CaseInput]) -> CaseInput:
    return next((c for c in cases if c.main), cases[0])


def _overall(
    inputs: FilingInputs, cases: list[dict[str, Any]]
) -> tuple[str | None, tuple[str, ...], list[dict[str, Any]]]:
    """The plant's grade before exclusions, on the scale of the case it comes from."""
    if len(cases) == 1:
        return cases[0]["grade"], tuple(cases[0]["scale"]), []
    policy = POLICY_OF.get(inputs.policy, inputs.policy)
    graded = [
        IndustryGrade(c["industry"], tuple(c["scale"]), c["grade"], main=c["main"]) for c in cases
    ]
    if policy != "lowest" and sum(1 for g in graded if g.main) != 1:
        main = _main_case(inputs.cases).industry  # a filing always names one main industry
        graded = [
            IndustryGrade(g.industry, g.scale, g.grade, main=g.industry == main) for g in graded
        ]
    result = overall_grade(graded, policy)
    steps = [step(s) for s in result.explanation]
    if result.grade is None:
        return None, (), steps
    scale = next(
        (g.scale for g in sorted(graded, key=lambda g: not g.main) if result.grade in g.scale),
        graded[0].scale,
    )
    return result.grade, scale, steps


def _exclusions(
    inputs: FilingInputs, grade: str, scale: tuple[str, ...]
) -> tuple[str, list[dict[str, Any]], list[str]]:
    on = inputs.on or inputs.received_on
    # a downgrade recorded by hand counts over 365 days (S2 §二 一年内被降级)
    downgraded = inputs.downgraded_within_year or any(
        kind == "downgraded" and on - ONE_YEAR < day <= on for kind, day in inputs.penalties
    )
    # the jurisdiction's bar says over which period penalties count (365 days / 当年)
    counted = in_period(inputs.penalties, on, inputs.penalty_bar, inputs.year)
    falsified = [reason for day, reason in inputs.integrity_records if day >= inputs.received_on]
    result = apply_exclusions(
        grade,
        scale,
        penalties_within_year=[k for k in counted if k != "downgraded"],
        downgraded_within_year=downgraded,
        jurisdiction_bars_downgraded=inputs.bars_downgraded,
        falsification=bool(falsified),
        essential_service=inputs.essential_service,
        penalty_bar=inputs.penalty_bar,
    )
    steps = [step(s) for s in result.steps]
    for shown in steps:
        if shown["code"] == "exclusion.falsification":
            shown["data"]["integrity_records"] = falsified
    return result.grade, steps, list(result.consequences)


def _obligations(
    inputs: FilingInputs, grade: str | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[dict[str, Any]]]:
    main = _main_case(inputs.cases)
    steps: list[dict[str, Any]] = []
    if inputs.late_filing and grade is not None:
        # S1 §(十七): a filing made after the deadline is managed at the lowest grade
        lowest = main.scale[-1]
        steps.append(
            _new_step(
                "obligations.late_filing",
                f"未按时上报申报材料，按最低等级 {lowest} 级落实应急减排措施（S1 §(十七)）",
                f"Filed after the batch's deadline: the emergency measures of the lowest grade, "
                f"{lowest}, apply (S1 §(十七))",
                grade=lowest,
            )
        )
        grade = lowest
    if grade is None or grade not in main.scale:
        lowest = main.scale[-1]
        steps.append(
            _new_step(
                "obligations.lowest_grade",
                f"未评定级别，按 {lowest} 级落实应急减排措施",
                f"No grade: the emergency measures of grade {lowest} apply",
                grade=lowest,
            )
        )
        grade = lowest
    try:
        measures = obligations(
            main.guide_version, main.industry, grade, inputs.pollution_exemptions
        )
    except UnknownObligation as exc:
        steps.append(
            _new_step(
                "obligations.unknown",
                "没有该行业的应急减排措施表",
                f"No emergency measures table applies: {exc}",
                industry=main.industry,
                guide_version=main.guide_version,
            )
        )
        return None, None, steps
    shown = {
        alert: {"code": m.code, "zh": m.zh, "en": m.en, "basis": m.basis, "source": m.source}
        for alert, m in measures.items()
    }
    entry = {
        **inputs.plant,
        "industry": main.industry,
        "guide_version": main.guide_version,
        "grade": grade,
        "measures": {level: m["code"] for level, m in shown.items()},
    }
    if inputs.pollution_exemptions:
        steps.append(exemption_step(inputs.pollution_exemptions, grade))
    return shown, entry, steps


def compute(inputs: FilingInputs) -> dict[str, Any]:
    """The reconciliation of one filing (see the module docstring for the choices made)."""
    visits = [_judge_visit(v, inputs.typical_flow) for v in inputs.visits]
    visit, needs_new_visit, visit_steps = _grading_visit(visits)
    cases: list[dict[str, Any]] = []
    confirmed = visit is not None and visit.status == "normal"
    for case in inputs.cases:
        shown, case_confirmed = _case(case, visit, inputs)
        cases.append(shown)
        confirmed = confirmed and case_confirmed
    explanation = list(visit_steps)
    consequences: list[str] = []
    grade, scale, steps = _overall(inputs, cases)
    explanation += steps
    if grade is not None:
        grade, steps, consequences = _exclusions(inputs, grade, scale)
        explanation += steps
    else:
        confirmed = False
    shown_obligations, entry, steps = _obligations(inputs, grade)
    explanation += steps
    explanation.append(
        _new_step(
            "result.supported_grade",
            f"证据支持的级别：{grade or '不予评级'}" + ("" if confirmed else "（待确认）"),
            f"Grade the evidence supports: {grade or 'no grade'}"
            + ("" if confirmed else " (not yet confirmed)"),
            grade=grade,
            confirmed=confirmed,
        )
    )
    return {
        "filing_id": inputs.filing_id,
        "policy": inputs.policy,
        "claimed_grade": _main_case(inputs.cases).claimed_grade,
        "supported_grade": grade,
        "confirmed": confirmed,
        "needs_new_visit": needs_new_visit,
        "consequences": consequences,
        "reviewer_required": any(c["reviewer_required"] for c in cases),
        "explanation": explanation,
        "cases": cases,
        "visits": [v.to_json() for v in visits],
        "obligations": shown_obligations,
        "emergency_list_entry": entry,
    }


def exclusions(
    inputs: FilingInputs, grade: str, scale: tuple[str, ...]
) -> tuple[str, list[dict[str, Any]], list[str]]:
    """The exclusions of rules 6, 7 and 16 applied to ``grade`` as of ``inputs.on``: the grade
    they leave, their steps and their consequences. A review decision re-checks its grade with
    this on the day it is confirmed (server.review.decision_evidence)."""
    return _exclusions(inputs, grade, scale)
