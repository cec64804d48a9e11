"""What a decision is checked against on the day it is taken: the filing's reconciliation as of
that day, the draw that selected it, and the rules of the notices that follow from them.

Each ``check_*`` raises a ``DecisionAgainstRule`` whose message states the rule in words, with
its source, in Chinese and in English (the API's error and the reviewer page show it as is):

- rule 12 (S4 §三(三)): a decided A, A+, leading or advanced grade, and a confirmed B or B- of a
  filing drawn for an on-site check, rests on a visit of the filing that is not void and found
  normal production (rule 5, S1 §(四)); grading down to a grade the check does not cover is
  always possible;
- rule 6 and 7 (S0 §五(二), S2 §二, S4 §四(二), S1 §(三)(五)): the penalties, the integrity record
  and the downgrade bar as of the decision day, through the reconciliation's own exclusions;
- rule 2 (S2 §二, S4 §三(二)): a plant in several industries is decided at the grade the
  jurisdiction's multi-industry policy gives, exactly as its evidence grade is;
- rule 7 (S1 §(五), S4 §三(四)): evidence of deleted video or altered vehicle records leaves one
  decision, the lowest grade with the reason ``falsification``.

Plain Python over a session; reads only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from server.filings.models import Filing
from server.reconciliation.compute import POLICY_OF, compute, exclusions
from server.reconciliation.grading import IndustryGrade, level, overall_grade
from server.reconciliation.inputs import CaseInput, FilingInputs
from server.reconciliation.loading import load_inputs
from server.review.errors import (
    ExcludedAtDecision,
    FalsificationFound,
    MultiIndustryPolicy,
    OnSiteCheckRequired,
)
from server.review.models import DecisionOutcome
from server.sampling.draw import FULL_CHECK_GRADES, SAMPLED_GRADES
from server.sampling.repository import selected_entry

# Items of the shipped forms whose failure is evidence of falsification (S1 §(五): 恶意删减视频
# 片段、篡改车辆信息 → the lowest grade, the integrity record, no filing for a year).
FALSIFICATION_ITEMS: dict[str, tuple[str, str]] = {
    "ledger_records_mismatched": (
        "电子台账记录与门禁视频不符（篡改车辆信息）",
        "electronic ledger records do not match the gate video (altered vehicle records)",
    ),
    "video_retrieved_on_site": (
        "现场无法调阅应保存的历史视频（删减视频）",
        "past video that must be kept could not be retrieved on site (deleted video)",
    ),
}
# The exclusion steps of the reconciliation that bar a grade (rules 6 and 7).
BARRING_STEPS = frozenset(
    {"exclusion.penalty_within_year", "exclusion.downgraded_within_year", "exclusion.falsification"}
)
POLICY_WORDS = {
    "main_industry": (
        "河南省规定（S2 §二）：以排放量最大的行业为主行业，其他行业须达到与主行业同等级别，否则不得评级",
        "Henan (S2 §二): the largest emitter is the main industry and every other industry must "
        "reach its level, or there is no grade",
    ),
    "cross_level": (
        "绍兴市规定（S4 §三(二)）：主要行业与参照行业结合，以交叉级别评价",
        "Shaoxing (S4 §三(二)): main and reference industries, graded at their cross level",
    ),
    "lowest": (
        "各行业分别评级，企业取最低级别（MEE26）",
        "each industry is graded alone and the plant gets the lowest (MEE26)",
    ),
}


@dataclass(frozen=True)
class DecisionEvidence:
    """The filing's reconciliation inputs and result as of the decision day."""

    day: dt.date
    inputs: FilingInputs
    result: dict[str, Any]
    drawn: bool  # selected for an on-site check in a draw (sampled or full check)

    @property
    def main(self) -> CaseInput:
        return next((c for c in self.inputs.cases if c.main), self.inputs.cases[0])

    @property
    def scale(self) -> tuple[str, ...]:
        return self.main.scale


def evidence_on(session: Session, filing: Filing, day: dt.date) -> DecisionEvidence:
    """The reconciliation of ``filing`` computed as of ``day`` (nothing stored)."""
    inputs, _fingerprint = load_inputs(session, [filing.id], on=day)[filing.id]
    drawn = selected_entry(session, filing.id) is not None
    return DecisionEvidence(day, inputs, compute(inputs), drawn)


# --- rule 12: the on-site check --------------------------------------------------------------


def _visit_problem(result: dict[str, Any]) -> tuple[str, str] | None:
    """Why the result has no valid, normal-production visit to rest a grade on; None if it has."""
    steps = {s["code"]: s for s in result["explanation"]}
    used = steps.get("visit.used")
    if used is not None and used["data"].get("production") == "normal":
        return None
    if used is not None:
        return (
            f"核查任务 {used['data']['assignment_id']} 无法证明检查时处于正常生产状态（规则 5）",
            f"visit {used['data']['assignment_id']} cannot show the plant was producing "
            "normally (rule 5)",
        )
    void = steps.get("visit.void")
    if void is not None:
        return (
            f"最近一次现场核查（任务 {void['data']['assignment_id']}）时未正常生产，核查无效（规则 5）",
            f"the latest visit ({void['data']['assignment_id']}) found production not normal "
            "and is void (rule 5)",
        )
    return ("尚无已完成的现场核查", "there is no completed on-site visit")


def check_on_site(evidence: DecisionEvidence, outcome: DecisionOutcome, grade: str | None) -> None:
    """Rule 12, S4 §三(三). Raises OnSiteCheckRequired."""
    if grade is None or outcome is DecisionOutcome.new_visit:
        return
    full = grade in FULL_CHECK_GRADES
    sampled = outcome is DecisionOutcome.confirm and grade in SAMPLED_GRADES and evidence.drawn
    if not (full or sampled):
        return
    problem = _visit_problem(evidence.result)
    if problem is None:
        return
    why_zh, why_en = problem
    if full:
        rule_zh = "申报 A 级（含 A+）和绩效引领性的企业须 100% 现场核查"
        rule_en = "every A (incl. A+) and leading applicant is verified on site"
    else:
        rule_zh = "被抽中现场核查的 B 级（含 B-）企业须经现场核查"
        rule_en = "a B (incl. B-) applicant drawn in the sample is verified on site"
    raise OnSiteCheckRequired(
        f"不能确认 {grade} 级：{rule_zh}，且须在正常生产状态下进行（规则 12，S4 §三(三)；"
        f"S1 §(四)）。本申报{why_zh}。请安排重新核查（new_visit），或降级评定。",
        f"{grade} cannot be decided: {rule_en}, while the plant is producing normally "
        f"(rule 12, S4 §三(三); S1 §(四)); here {why_en}. Ask for a new visit, or grade down.",
        errors={"grade": [f"{grade} needs a valid on-site visit in normal production"]},
    )


# --- rules 6 and 7: exclusions as of the decision day ----------------------------------------


def check_exclusions(evidence: DecisionEvidence, grade: str | None) -> list[str]:
    """Rules 6, 7 as of the decision day; the consequences (rule 16) the grade carries.
    Raises ExcludedAtDecision."""
    if grade is None or grade not in evidence.scale:
        return []
    allowed, steps, consequences = exclusions(evidence.inputs, grade, evidence.scale)
    barring = [s for s in steps if s["code"] in BARRING_STEPS]
    if allowed == grade or not barring:
        return consequences
    zh = "；".join(s["message_zh"] for s in barring)
    en = "; ".join(s["message_en"] for s in barring)
    raise ExcludedAtDecision(
        f"截至决定日 {evidence.day.isoformat()}，不能评为 {grade} 级：{zh}（规则 6、7；S0 §五(二)，"
        f"S2 §二，S4 §四(二)，S1 §(五)）。可降级评定为 {allowed} 级或以下。",
        f"as of the decision day {evidence.day.isoformat()}, {grade} is barred: {en} "
        f"(rules 6, 7; S0 §五(二), S2 §二, S4 §四(二), S1 §(五)). Grade down to {allowed} or below.",
        errors={"grade": [f"at most {allowed} on {evidence.day.isoformat()}"]},
    )


# --- rule 2: several industries -------------------------------------------------------------


def _at_most(case: CaseInput, grade: str) -> str:
    """The case's grade when the plant is decided at ``grade``: its claim, never better."""
    rank = max(level(case.claimed_grade), level(grade))
    return next((g for g in case.scale if level(g) >= rank), case.scale[-1])


def policy_grade(evidence: DecisionEvidence, grade: str) -> tuple[str | None, dict[str, Any]]:
    """The plant's grade under the jurisdiction's policy when its main industry is decided at
    ``grade`` and no other industry is better than its claim; with the policy's step."""
    main = evidence.main
    graded = [
        IndustryGrade(
            c.industry,
            c.scale,
            grade if c is main else _at_most(c, grade),
            main=c is main,
        )
        for c in evidence.inputs.cases
    ]
    policy = POLICY_OF.get(evidence.inputs.policy, evidence.inputs.policy)
    result = overall_grade(graded, policy)
    step = result.explanation[0]
    return result.grade, {"message_zh": step.message_zh, "message_en": step.message_en}


def check_multi_industry(evidence: DecisionEvidence, grade: str | None) -> None:
    """Rule 2 (S2 §二, S4 §三(二)). Raises MultiIndustryPolicy."""
    if grade is None or len(evidence.inputs.cases) < 2 or grade not in evidence.scale:
        return
    overall, step = policy_grade(evidence, grade)
    if overall == grade:
        return
    fits = [
        g
        for g in evidence.scale[evidence.scale.index(grade) + 1 :]
        if policy_grade(evidence, g)[0] == g
    ]
    policy = POLICY_OF.get(evidence.inputs.policy, evidence.inputs.policy)
    rule_zh, rule_en = POLICY_WORDS.get(policy, (policy, policy))
    fit_zh = f"可评定为：{'、'.join(fits)}" if fits else "没有可评定的等级"
    fit_en = f"grades that fit: {', '.join(fits)}" if fits else "no grade fits"
    raise MultiIndustryPolicy(
        f"不能评为 {grade} 级：{rule_zh}。{step['message_zh']}。{fit_zh}（规则 2）。",
        f"{grade} cannot be decided: {rule_en}. {step['message_en']}. {fit_en} (rule 2).",
        errors={"grade": [fit_en]},
    )


# --- rule 7: falsification found on site ------------------------------------------------------


def falsification_found(evidence: DecisionEvidence) -> list[str]:
    """The falsification items the grading visit failed, in the forms' words (zh / en)."""
    found: dict[str, None] = {}
    for case in evidence.result["cases"]:
        for indicator in case["indicators"]:
            for decided in indicator["decided_by"]:
                if decided["item"] in FALSIFICATION_ITEMS and decided["passed"] is False:
                    found.setdefault(decided["item"], None)
    return list(found)


def check_falsification(
    evidence: DecisionEvidence, outcome: DecisionOutcome, grade: str | None, codes: list[str]
) -> list[str]:
    """Rule 7 (S1 §(三)(五), S4 §三(四)): on evidence of falsification the only grade is the
    lowest, given with the reason ``falsification``; the items found. Raises FalsificationFound."""
    items = falsification_found(evidence)
    if not items or outcome is DecisionOutcome.new_visit:
        return items
    lowest = evidence.scale[-1]
    if grade == lowest and "falsification" in codes:
        return items
    zh = "；".join(FALSIFICATION_ITEMS[i][0] for i in items)
    en = "; ".join(FALSIFICATION_ITEMS[i][1] for i in items)
    raise FalsificationFound(
        f"现场核查发现弄虚作假：{zh}。对恶意删减视频、篡改车辆信息的企业直接降为最低等级 {lowest} 级，"
        "记入诚信档案，一年内不得申报（规则 7；S1 §(五)，S4 §三(四)）。"
        f"请以理由“弄虚作假”降级评定为 {lowest} 级；如对证据有疑问，请安排重新核查。",
        f"The visit found falsification: {en}. A plant that deleted video or altered vehicle "
        f"records goes straight to the lowest grade {lowest}, into the integrity record, and may "
        "not file for a year (rule 7; S1 §(五), S4 §三(四)). Grade down to "
        f"{lowest} with the reason falsification, or ask for a new visit if the evidence is in "
        "doubt.",
        errors={"grade": [f"{lowest} with reason falsification"]},
    )
