"""Chinese labels the exported lists show: grades, review states, yes/no, industries."""

from __future__ import annotations

from server.catalogue import catalogue
from server.filings.models import FilingKind, FilingStatus, IndustryCase

YES, NO = "是", "否"
NONE = "—"  # an empty value a reader should notice, not a blank cell
NO_GRADE = "不予评级"  # graded, and no grade given (rule 2: an industry below the main one)

# The grade scales of RULES.md: letters stay letters (A级), the two-level scales get their
# names from the notices (S0 §三(三), S4 §二).
_GRADE_NAMES = {
    "leading": "绩效引领性",
    "non_leading": "非引领性",
    "advanced": "绩效先进性",
    "non_advanced": "非绩效先进性",
}

# The review states as a bureau names them (S4 §三).
STATUS_NAMES: dict[FilingStatus, str] = {
    FilingStatus.received: "已受理",
    FilingStatus.county_review: "县级初审中",
    FilingStatus.returned: "退回补正",
    FilingStatus.forwarded: "已报市局",
    FilingStatus.city_review: "市级审核中",
    FilingStatus.decided: "已审定",
    FilingStatus.withdrawn: "已撤回",
    FilingStatus.downgraded: "已降级",
}

# Why a site filed again within the year (S0 §五(一), S2 §七, S4 §三(四)).
KIND_NAMES: dict[FilingKind, str] = {
    FilingKind.initial: "首次申报",
    FilingKind.refiling: "撤回后重新申报",
    FilingKind.dynamic_adjustment: "动态调整申报",
    FilingKind.higher_grade: "申请更高级别重新申报",
}

# The later checks that may lower a grade (S4 §三(四)).
CHECK_NAMES = {
    "sampled_check": "后期抽查",
    "routine_inspection": "日常检查",
    "enforcement": "监督执法",
}


def grade_name(grade: str | None) -> str:
    """``A`` → ``A级``, ``B-`` → ``B-级``, ``leading`` → ``绩效引领性``; None → an empty mark."""
    if grade is None:
        return NONE
    return _GRADE_NAMES.get(grade, f"{grade}级")


def yes_no(value: bool) -> str:
    return YES if value else NO


def industry_name(guide_version: str, code: str) -> str:
    """The industry's Chinese name as its guide writes it, or the code when it is unknown."""
    industry = catalogue().industry(guide_version, code)
    return industry.name_zh if industry else code


def any_industry_name(code: str) -> str:
    """The industry's Chinese name in the newest guide that has it (a site with no filing has
    no guide version of its own), or the code when none does."""
    for guide in reversed(list(catalogue().guides)):
        name = industry_name(guide, code)
        if name != code:
            return name
    return code


def main_first(cases: list[IndustryCase]) -> list[IndustryCase]:
    """The main industry (主行业) first, the others in the order they were filed."""
    return sorted(cases, key=lambda case: (not case.is_main, case.id))


def industries_text(cases: list[IndustryCase]) -> str:
    """``铸造`` for one industry; ``铸造（主行业）；工业涂装`` for several (S2 §二, S4 §三(二))."""
    ordered = main_first(cases)
    names = [industry_name(case.guide_version, case.industry_code) for case in ordered]
    if len(names) > 1 and ordered[0].is_main:
        names[0] += "（主行业）"
    return "；".join(names)


def claimed_text(cases: list[IndustryCase]) -> str:
    """``A级`` for one industry; ``铸造 A级；工业涂装 B级`` for several."""
    ordered = main_first(cases)
    if len(ordered) == 1:
        return grade_name(ordered[0].claimed_grade)
    return "；".join(
        f"{industry_name(case.guide_version, case.industry_code)} {grade_name(case.claimed_grade)}"
        for case in ordered
    )
