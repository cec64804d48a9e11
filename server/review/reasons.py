"""The reason codes of city review decisions, and which outcome each may justify. Pure data.

A decision gives at least one code; each must be one its outcome allows. The labels are what
reviewer pages and the API show (``GET /api/review/reason-codes``).
"""

from __future__ import annotations

from dataclasses import dataclass

from server.review.models import DecisionOutcome

_O = DecisionOutcome


@dataclass(frozen=True)
class ReasonCode:
    code: str
    zh: str
    en: str
    outcomes: frozenset[DecisionOutcome]
    rule: str = ""  # the rule of RULES.md or the notice it cites, when there is one


_CODES = (
    ReasonCode(
        "evidence_supports_claim",
        "现场核查证据支持申报等级",
        "the on-site evidence supports the claimed grade",
        frozenset({_O.confirm}),
    ),
    ReasonCode(
        "documents_verified",
        "申报材料经核实真实、完整、规范",
        "the filing's documents were found genuine, complete and well-formed",
        frozenset({_O.confirm}),
        "S4 §三(二)",
    ),
    ReasonCode(
        "indicator_not_met",
        "有差异化指标未达到申报等级要求（短板原则）",
        "an indicator does not meet the claimed grade (weakest-link rule)",
        frozenset({_O.grade_down}),
        "rule 1",
    ),
    ReasonCode(
        "emission_limits_exceeded",
        "排放浓度超过申报等级的限值",
        "emissions exceed the limits of the claimed grade",
        frozenset({_O.grade_down}),
        "rule 1",
    ),
    ReasonCode(
        "monitoring_not_networked",
        "在线监测设施未安装、未校准或未联网",
        "continuous emission monitoring is missing, not calibrated or not networked",
        frozenset({_O.grade_down}),
        "rule 20",
    ),
    ReasonCode(
        "penalty_within_year",
        "一年内因未批先建、超许可排放或未运行自动监控受到处罚，不得评为A、B或绩效引领性",
        "penalised within a year for building before approval, exceeding permit limits or not "
        "running automatic monitoring: not A, B or leading",
        frozenset({_O.grade_down}),
        "rule 6",
    ),
    ReasonCode(
        "downgraded_within_year",
        "一年内曾被降级，不得评为A、B或绩效引领性",
        "downgraded within the past year: not A, B or leading (Henan)",
        frozenset({_O.grade_down}),
        "rule 6, S2 §二",
    ),
    ReasonCode(
        "falsification",
        "弄虚作假或隐瞒材料，评为最低等级",
        "falsified or concealed material: the lowest grade",
        frozenset({_O.grade_down}),
        "rule 7",
    ),
    ReasonCode(
        "photos_not_valid",
        "现场照片不能作为有效证据（时间、位置或设备不符）",
        "the visit's photos are not valid evidence (time, place or device do not fit)",
        frozenset({_O.grade_down, _O.new_visit}),
    ),
    ReasonCode(
        "production_not_normal",
        "核查时企业未处于正常生产状态，核查无效，须重新核查",
        "the plant was not producing normally during the visit: the check is void and must be redone",
        frozenset({_O.new_visit}),
        "rule 5",
    ),
    ReasonCode(
        "evidence_incomplete",
        "现场核查证据不完整",
        "the on-site evidence is incomplete",
        frozenset({_O.new_visit}),
    ),
    ReasonCode(
        "indicator_unverifiable",
        "有指标在现场无法核实",
        "an indicator could not be verified on site",
        frozenset({_O.new_visit}),
    ),
    ReasonCode(
        "team_disagreement",
        "核查组成员意见不一致",
        "the inspection team disagrees",
        frozenset({_O.new_visit}),
    ),
)
REASON_CODES: dict[str, ReasonCode] = {reason.code: reason for reason in _CODES}

# Rule 6: a penalty (or, in Henan, a downgrade) within a year bars these grades. Henan's
# "advanced" level is its local industries' leading level (S0 §三(三)).
BARRED_AFTER_PENALTY = frozenset({"A+", "A", "B", "B-", "leading", "advanced"})
PENALTY_CODES = frozenset({"penalty_within_year", "downgraded_within_year"})


def allowed_for(outcome: DecisionOutcome) -> list[str]:
    """The codes that may justify ``outcome``, in catalogue order."""
    return [reason.code for reason in _CODES if outcome in reason.outcomes]
