"""What a decision may say, checked without a session: the outcome, reason codes for it, the
grade on the main industry's scale, the comment and the evidence fields.

Each check raises a catalogued ``DecisionRefused`` naming the field and what would fit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from server.catalogue import catalogue
from server.filings.models import Filing, IndustryCase
from server.review.errors import (
    DecisionGradeInvalid,
    DecisionInputInvalid,
    ReasonNotForOutcome,
    ReasonRequired,
    UnknownReasonCode,
)
from server.review.models import DecisionOutcome
from server.review.reasons import BARRED_AFTER_PENALTY, PENALTY_CODES, REASON_CODES, allowed_for

MAX_COMMENT = 2000
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


def outcome_of(value: DecisionOutcome | str) -> DecisionOutcome:
    try:
        return DecisionOutcome(value)
    except ValueError:
        known = ", ".join(o.value for o in DecisionOutcome)
        raise DecisionInputInvalid(
            f"未知的决定类型 {value!r}；可选：{known}",
            f"unknown outcome {value!r}; one of {known}",
            errors={"outcome": [f"one of {known}"]},
        ) from None


def reason_codes_for(outcome: DecisionOutcome, codes: Iterable[str] | None) -> list[str]:
    """The codes, without repeats, in the order given. Raises ReasonRequired,
    UnknownReasonCode, ReasonNotForOutcome."""
    chosen = list(dict.fromkeys(code.strip() for code in codes or [] if code.strip()))
    allowed = allowed_for(outcome)
    if not chosen:
        raise ReasonRequired(
            f"请至少选择一个理由代码；{outcome.value} 可用：{'、'.join(allowed)}",
            f"give at least one reason code; {outcome.value} allows: {', '.join(allowed)}",
            errors={"reason_codes": ["at least one"]},
        )
    unknown = [code for code in chosen if code not in REASON_CODES]
    if unknown:
        raise UnknownReasonCode(
            f"未知的理由代码：{'、'.join(unknown)}；{outcome.value} 可用：{'、'.join(allowed)}",
            f"unknown reason code(s) {', '.join(unknown)}; {outcome.value} allows: {', '.join(allowed)}",
            errors={"reason_codes": [f"unknown: {code}" for code in unknown]},
        )
    misplaced = [code for code in chosen if outcome not in REASON_CODES[code].outcomes]
    if misplaced:
        raise ReasonNotForOutcome(
            f"理由代码 {'、'.join(misplaced)} 不适用于 {outcome.value}；可用：{'、'.join(allowed)}",
            f"reason code(s) {', '.join(misplaced)} do not justify {outcome.value}; "
            f"it allows: {', '.join(allowed)}",
            errors={"reason_codes": [f"not for {outcome.value}: {code}" for code in misplaced]},
        )
    return chosen


def main_case(filing: Filing) -> IndustryCase:
    """The filing's main industry case: the one its grade is decided on (S2 §二)."""
    return next((case for case in filing.cases if case.is_main), filing.cases[0])


def scale_of(case: IndustryCase) -> tuple[str, ...]:
    industry = catalogue().industry(case.guide_version, case.industry_code)
    if industry is None:
        raise DecisionGradeInvalid(
            f"目录中没有 {case.guide_version} 的行业 {case.industry_code}，无法判断等级",
            f"the catalogue has no industry {case.industry_code} under {case.guide_version}; "
            "its grade scale is unknown",
        )
    return industry.scale


def decided_grade(
    outcome: DecisionOutcome, grade: str | None, case: IndustryCase, codes: list[str]
) -> str | None:
    """The decided grade for the outcome. Raises DecisionGradeInvalid saying what fits."""
    claimed, scale = case.claimed_grade, scale_of(case)
    grade = (grade or "").strip() or None
    if outcome is DecisionOutcome.new_visit:
        if grade is not None:
            raise DecisionGradeInvalid(
                "重新核查不确定等级；请不要填写等级",
                "a new visit decides no grade; leave grade empty",
                errors={"grade": ["leave empty for new_visit"]},
            )
        return None
    if outcome is DecisionOutcome.confirm:
        if grade not in (None, claimed):
            raise DecisionGradeInvalid(
                f"确认决定的等级即申报等级 {claimed}；如需降级请选择 grade_down",
                f"confirm keeps the claimed grade {claimed}; to grade down choose grade_down",
                errors={"grade": [f"must be {claimed} or empty"]},
            )
        return claimed
    below = list(scale[scale.index(claimed) + 1 :]) if claimed in scale else []
    lowest = scale[-1]
    if "falsification" in codes:
        below = [lowest] if lowest in below else []
    if PENALTY_CODES & set(codes):
        below = [g for g in below if g not in BARRED_AFTER_PENALTY]
    if grade in below:
        return grade
    if not below:
        zh = f"申报等级 {claimed} 之下没有可降至的等级（本行业等级：{'、'.join(scale)}）"
        en = f"no grade on the scale {', '.join(scale)} fits below the claimed {claimed}"
    else:
        zh = f"降级后的等级须为本行业等级中低于申报等级 {claimed} 的：{'、'.join(below)}"
        en = f"grade_down needs a grade below the claimed {claimed} that fits the reasons: {', '.join(below)}"
    raise DecisionGradeInvalid(
        zh, en, errors={"grade": [f"one of: {', '.join(below)}" if below else en]}
    )


def clean_comment(
    comment: str | None, *, required_for: tuple[str, str] | None = None
) -> str | None:
    text = (comment or "").strip() or None
    if text is None and required_for is not None:
        zh, en = required_for
        raise DecisionInputInvalid(
            f"{zh}需要在 comment 中说明理由",
            f"{en} needs a comment saying why",
            errors={"comment": ["required"]},
        )
    if text is not None and len(text) > MAX_COMMENT:
        raise DecisionInputInvalid(
            f"说明不能超过 {MAX_COMMENT} 个字符",
            f"the comment is at most {MAX_COMMENT} characters",
            errors={"comment": [f"at most {MAX_COMMENT} characters"]},
        )
    return text


def check_evidence(
    case: IndustryCase, supported_grade: str | None, fingerprint: str | None
) -> None:
    if supported_grade is not None and supported_grade not in scale_of(case):
        raise DecisionInputInvalid(
            f"证据支持的等级 {supported_grade} 不在本行业等级中",
            f"supported_grade {supported_grade} is not on the industry's scale",
            errors={"supported_grade": [f"one of: {', '.join(scale_of(case))}"]},
        )
    if fingerprint is not None and not _FINGERPRINT.match(fingerprint):
        raise DecisionInputInvalid(
            "证据指纹须为64位十六进制 SHA-256",
            "evidence_fingerprint is a SHA-256: 64 lower-case hex characters",
            errors={"evidence_fingerprint": ["64 lower-case hex characters"]},
        )
