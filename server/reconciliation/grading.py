"""The grade the evidence supports: the weakest-link rule, several industries, exclusions.

Pure functions of their inputs (RULES.md rules 1, 2, 6, 7, 16); every result carries its
explanation as `Step`s with a stable code, both languages and the data behind it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from server.compliance.kinds import DEFAULT_BAR, PenaltyBar, labels_text
from server.compliance.kinds import TOP_GRADES as _TOP_GRADES
from server.reconciliation.indicators import (
    CONTRADICTED,
    UNVERIFIABLE,
    VERIFIED,
    IndicatorVerdict,
    Step,
)

__all__ = [
    "BARRING_PENALTIES",
    "POLICIES",
    "CaseGrade",
    "Exclusion",
    "IndustryGrade",
    "OverallGrade",
    "PenaltyBar",
    "Step",
    "apply_exclusions",
    "grade_case",
    "level",
    "overall_grade",
]

# Rule 6 (S0 §五(二), S2 §二, S4 §四(二)): which penalties bar which grades over which period
# is a jurisdiction setting (``PenaltyBar``); these are the kinds of a city with none stored.
BARRING_PENALTIES = DEFAULT_BAR.kinds
# The grades rule 6 bars by default, and (rule 16) the grades that keep an essential-service
# exemption: A+ is chosen from A plants, B- is part of B ("B (incl. B-)"), and Henan's
# "advanced" level stands where the national "leading" does.
TOP_GRADES = _TOP_GRADES
# Rule 16 (S0 §五(一), S2 §三): essential-service plants keep their exemption at "B 级及以上" or
# leading. The notices write "B（含 B-）" wherever they include B-, and not here: B- does not
# keep it (docs/review.md, judgement calls).
ESSENTIAL_SERVICE_GRADES = TOP_GRADES - {"B-"}

# A common level to compare grades of different scales (rule 4): leading/advanced stand with
# A, non-leading/non-advanced with C (they are neither "at least B" nor leading, rule 16).
_LEVELS: dict[str, int] = {
    "A+": 0,
    "A": 1,
    "leading": 1,
    "advanced": 1,
    "B": 2,
    "B-": 3,
    "C": 4,
    "non_leading": 4,
    "non_advanced": 4,
    "D": 5,
}

POLICIES = ("lowest", "main_industry", "cross_level")


@dataclass(frozen=True)
class CaseGrade:
    grade: str
    confirmed: bool  # False while an indicator is unverifiable
    decided_by: tuple[str, ...]  # the indicators that set the grade
    explanation: tuple[Step, ...]


@dataclass(frozen=True)
class IndustryGrade:
    industry: str
    scale: tuple[str, ...]  # best first
    grade: str
    main: bool = False  # the main industry (largest emissions, S2 §二; S4 §三(二))


@dataclass(frozen=True)
class OverallGrade:
    grade: str | None  # None: no grade (Henan 2021, another industry below the main one)
    policy: str
    explanation: tuple[Step, ...]


class Exclusion(NamedTuple):
    grade: str
    steps: tuple[Step, ...]
    consequences: tuple[str, ...]


def level(grade: str) -> int:
    """The grade's common level, 0 best; raises ValueError for an unknown grade."""
    try:
        return _LEVELS[grade]
    except KeyError:
        raise ValueError(f"unknown grade {grade!r}") from None


def _index(scale: Sequence[str], grade: str) -> int:
    if grade not in scale:
        raise ValueError(f"grade {grade!r} is not in the scale ({', '.join(scale)})")
    return scale.index(grade)


def _contradicted_grade(
    scale: Sequence[str], claimed: str, verdict: IndicatorVerdict, met: str | None
) -> tuple[str, Step]:
    """The best grade a contradicted indicator meets: the given one, never at or above the
    claim; when none is given, the scale's lowest (nothing better is shown)."""
    below = scale[min(_index(scale, claimed) + 1, len(scale) - 1)]
    grade = scale[-1] if met is None else scale[max(_index(scale, met), _index(scale, below))]
    failed = [d.path for d in verdict.decided_by if d.passed is False]
    code = verdict.indicator_code
    step = Step(
        "indicator.contradicted",
        f"指标 {code} 未达到 {claimed} 级要求，仅达到 {grade} 级（短板原则）",
        f"Indicator {code} does not meet grade {claimed}; it meets {grade} (weakest link)",
        {
            "indicator": code,
            "claimed": claimed,
            "meets": grade,
            "failed_items": failed,
            "meets_given": met is not None,
        },
    )
    return grade, step


def grade_case(
    scale: Sequence[str],
    claimed: str,
    verdicts: Sequence[IndicatorVerdict],
    indicator_grades: Mapping[str, str] | None = None,
) -> CaseGrade:
    """The grade of one industry case under the weakest-link rule (rule 1).

    `indicator_grades` gives, per indicator, the best grade whose criteria it meets (see
    `indicators.best_grade_met`). Raises ValueError for a grade outside the scale."""
    _index(scale, claimed)
    grades = indicator_grades or {}
    steps = [
        Step(
            "grade.claimed",
            f"申报 {claimed} 级",
            f"Claimed grade {claimed}",
            {"claimed": claimed, "scale": list(scale)},
        )
    ]
    met: dict[str, str] = {}
    unverifiable: list[str] = []
    for verdict in verdicts:
        code = verdict.indicator_code
        if verdict.verdict == CONTRADICTED:
            met[code], step = _contradicted_grade(scale, claimed, verdict, grades.get(code))
            steps.append(step)
        elif verdict.verdict == UNVERIFIABLE:
            unverifiable.append(code)
            steps.append(
                Step(
                    "indicator.unverifiable",
                    f"指标 {code} 无法核实，不降级但须核实后方可确认",
                    f"Indicator {code} is unverifiable: it does not grade down but blocks confirmation",
                    {
                        "indicator": code,
                        "disagreement": verdict.disagreement,
                        "reasons": [r.code for r in verdict.reasons],
                    },
                )
            )
        elif verdict.verdict == VERIFIED:
            steps.append(
                Step(
                    "indicator.verified",
                    f"指标 {code} 已核实",
                    f"Indicator {code} verified at grade {claimed}",
                    {"indicator": code},
                )
            )
        else:
            raise ValueError(f"unknown verdict {verdict.verdict!r} for {code}")
    grade, decided_by = claimed, tuple(v.indicator_code for v in verdicts if v.verdict == VERIFIED)
    if met:
        grade = max(met.values(), key=scale.index)
        decided_by = tuple(code for code, g in met.items() if g == grade)
        steps.append(
            Step(
                "grade.weakest_link",
                f"短板原则：降级评定为 {grade} 级，由指标 {'、'.join(decided_by)} 决定",
                f"Weakest link: graded down to {grade} by {', '.join(decided_by)}",
                {"grade": grade, "claimed": claimed, "decided_by": list(decided_by)},
            )
        )
    if unverifiable:
        steps.append(
            Step(
                "grade.confirmation_blocked",
                f"{len(unverifiable)} 项指标无法核实，{grade} 级暂不能确认",
                f"{len(unverifiable)} unverifiable indicator(s) block confirming grade {grade}",
                {"grade": grade, "unverifiable": unverifiable},
            )
        )
    elif not met:
        steps.append(
            Step(
                "grade.confirmed",
                f"全部指标已核实，确认 {grade} 级",
                f"Every indicator verified: grade {grade} confirmed",
                {"grade": grade},
            )
        )
    return CaseGrade(grade, not unverifiable, decided_by, tuple(steps))


def _on_scale(scale: Sequence[str], rank: int) -> str:
    """The best grade of `scale` no better than the common level `rank`."""
    for grade in scale:
        if level(grade) >= rank:
            return grade
    return scale[-1]


def _listing(cases: Iterable[IndustryGrade]) -> dict[str, str]:
    return {case.industry: case.grade for case in cases}


def overall_grade(cases: Sequence[IndustryGrade], policy: str) -> OverallGrade:
    """The grade of a plant in several industries (rule 2); `policy` is a jurisdiction
    setting: lowest (MEE26), main_industry (Henan 2021), cross_level (Shaoxing).
    Raises ValueError for an unknown policy, no case, or not exactly one main industry."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; expected one of {', '.join(POLICIES)}")
    if not cases:
        raise ValueError("no industry case to grade")
    for case in cases:
        _index(case.scale, case.grade)
    worst = max(cases, key=lambda c: level(c.grade))
    if policy == "lowest":
        step = Step(
            "overall.lowest",
            f"各行业分别评级，取最低级别 {worst.grade}（{worst.industry}）",
            f"Each industry graded alone; overall is the lowest, {worst.grade} ({worst.industry})",
            {"grades": _listing(cases), "lowest": worst.industry},
        )
        return OverallGrade(worst.grade, policy, (step,))
    mains = [case for case in cases if case.main]
    if len(mains) != 1:
        raise ValueError(f"policy {policy!r} needs exactly one main industry, got {len(mains)}")
    main = mains[0]
    others = [case for case in cases if case is not main]
    if policy == "main_industry":
        below = [c.industry for c in others if level(c.grade) > level(main.grade)]
        data = {"main": main.industry, "grades": _listing(cases), "below_main": below}
        if below:
            step = Step(
                "overall.no_grade",
                f"主行业 {main.industry} 为 {main.grade} 级，{'、'.join(below)} 未达到同等级别，不予评级",
                f"Main industry {main.industry} is {main.grade}; {', '.join(below)} "
                "do not reach the same level: no grade",
                data,
            )
            return OverallGrade(None, policy, (step,))
        step = Step(
            "overall.main_industry",
            f"按主行业 {main.industry} 评为 {main.grade} 级，其他行业均达到同等级别",
            f"Graded by main industry {main.industry} at {main.grade}; the others reach it",
            data,
        )
        return OverallGrade(main.grade, policy, (step,))
    # cross_level, our reading of S4 §三(二): the lower of the main industry's grade and the
    # best level every reference industry reaches, expressed on the main industry's scale
    reference = max((level(c.grade) for c in others), default=level(main.grade))
    grade = _on_scale(main.scale, max(level(main.grade), reference))
    step = Step(
        "overall.cross_level",
        f"主行业 {main.industry}（{main.grade}）与参照行业取交叉级别 {grade}",
        f"Cross level of main industry {main.industry} ({main.grade}) and the reference "
        f"industries: {grade}",
        {"main": main.industry, "grades": _listing(cases), "grade": grade},
    )
    return OverallGrade(grade, policy, (step,))


def _bar_top(scale: Sequence[str], grade: str, barred: frozenset[str] = TOP_GRADES) -> str:
    """The best grade at or below `grade` that rule 6 does not bar."""
    for candidate in scale[_index(scale, grade) :]:
        if candidate not in barred:
            return candidate
    return scale[-1]


def apply_exclusions(
    grade: str,
    scale: Sequence[str],
    *,
    penalties_within_year: Sequence[str] = (),
    downgraded_within_year: bool = False,
    jurisdiction_bars_downgraded: bool = False,
    falsification: bool = False,
    essential_service: bool = False,
    penalty_bar: PenaltyBar | None = None,
) -> Exclusion:
    """The grade after the exclusions of rules 6, 7 and 16, with the steps and consequences.

    `penalties_within_year` are the kinds of the penalties in the bar's period (see
    ``server.compliance.kinds.in_period``); `penalty_bar` is the jurisdiction's setting of
    which kinds bar which grades (default: the three kinds every notice names, rule 6).
    Raises ValueError for a grade outside the scale."""
    _index(scale, grade)
    bar = penalty_bar or DEFAULT_BAR
    steps: list[Step] = []
    consequences: list[str] = []
    kinds = set(penalties_within_year)
    barring = sorted(k for k in kinds if bar.bars_kind(k))
    other = sorted(kinds - set(barring))
    rule_zh, rule_en = bar.describe()
    if other:
        steps.append(
            Step(
                "exclusion.penalty_not_barring",
                f"本辖区规则下，该类处罚（{labels_text(other, 'zh')}）不影响绩效级别；规则：{rule_zh}",
                f"Under this jurisdiction's rule these penalties ({labels_text(other, 'en')}) "
                f"bar no grade; the rule: {rule_en}",
                {"penalties": other, "source": bar.source},
            )
        )
    if barring and grade in bar.grades:
        new = _bar_top(scale, grade, bar.grades)
        steps.append(
            Step(
                "exclusion.penalty_within_year",
                f"受到行政处罚（{labels_text(barring, 'zh')}）：{rule_zh}；由 {grade} 调整为 {new}",
                f"Penalty ({labels_text(barring, 'en')}): {rule_en}; {grade} → {new}",
                {
                    "penalties": barring,
                    "from": grade,
                    "to": new,
                    "period": bar.period,
                    "source": bar.source,
                },
            )
        )
        grade = new
    if downgraded_within_year and jurisdiction_bars_downgraded and grade in TOP_GRADES:
        new = _bar_top(scale, grade)
        steps.append(
            Step(
                "exclusion.downgraded_within_year",
                f"一年内曾被降级，不得评为 A、B 级及引领性，由 {grade} 调整为 {new}",
                f"Downgraded within the past year (S2 §二): {grade} → {new}",
                {"from": grade, "to": new},
            )
        )
        grade = new
    if falsification:
        new = scale[-1]
        consequences += ["integrity_record", "no_filing_for_one_year"]
        steps.append(
            Step(
                "exclusion.falsification",
                f"弄虚作假或隐瞒材料：评为 {new} 级，记入诚信档案，一年内不得申报",
                f"Falsified or concealed material: graded {new}, entered in the integrity "
                "record, no filing for one year",
                {"from": grade, "to": new},
            )
        )
        grade = new
    if essential_service and grade not in ESSENTIAL_SERVICE_GRADES:
        consequences.append("essential_service_exemption_lost")
        steps.append(
            Step(
                "exclusion.essential_service_exemption_lost",
                f"保障类企业须达到 B 级及以上或引领性，{grade} 级不再豁免",
                f"An essential-service plant must be at least B or leading; at {grade} it "
                "loses the exemption",
                {"grade": grade},
            )
        )
    return Exclusion(grade, tuple(steps), tuple(consequences))
