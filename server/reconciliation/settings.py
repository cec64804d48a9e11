"""The jurisdiction's settings as the reconciliation applies them, explained in words.

Pure. Rule 17: the forms' criteria name settings (``gate_video_retention_months``) whose values
are the jurisdiction's; each answer judged against one gets a step saying what was found and
what the jurisdiction asks. S4 §四(三): the exemptions by pollution level, as applied to a grade.
Issue 17: how emission-limit claims are checked against CEMS hours (the days looked back, the
share of hours above the limit tolerated, the share of valid hours required) is
``EmissionSettings``, defined beside its check in ``emission_limits``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from server.compliance.emergency import LEVEL_LABELS, SHAOXING_SOURCE
from server.reconciliation.emission_limits import EmissionSettings
from server.reconciliation.indicators import IndicatorVerdict
from server.reconciliation.inputs import FilingInputs

__all__ = ["EmissionSettings", "exemption_step", "new_step", "setting_steps", "settings_of"]


def new_step(code: str, zh: str, en: str, **data: Any) -> dict[str, Any]:
    return {"code": code, "message_zh": zh, "message_en": en, "data": data}


def settings_of(inputs: FilingInputs) -> dict[str, float]:
    """The jurisdiction's values of the settings the forms' criteria name (rule 17)."""
    return {"gate_video_retention_months": float(inputs.gate_video_retention_months)}


# What each setting a criterion names means, in words: (zh, en, zh unit, en unit, source)
SETTING_WORDS = {
    "gate_video_retention_months": (
        "门禁及装卸点视频须可随时调阅并保存",
        "gate and loading-point video must be retrievable and kept for",
        "个月",
        "month(s)",
        "规则 17，S1 §(五)",
    ),
}


def _number(answer: Any) -> Any:
    return answer.get("value") if isinstance(answer, dict) else answer


def setting_steps(verdict: IndicatorVerdict, settings: dict[str, float]) -> list[dict[str, Any]]:
    """Each answer judged against a jurisdiction setting, in words (rule 17: the retention)."""
    steps = []
    for d in verdict.decided_by:
        name = d.criterion.setting
        if name is None or d.passed is None:
            continue
        zh, en, unit_zh, unit_en, source = SETTING_WORDS.get(name, (name, name, "", "", ""))
        required, found = settings.get(name), _number(d.answer)
        shown = f"{required:g}" if isinstance(required, float) else str(required)
        if d.passed:
            text_zh = (
                f"现场可调阅 {found} {unit_zh}，达到本辖区规定（{zh} {shown} {unit_zh}，{source}）"
            )
            text_en = f"{found} {unit_en} found on site meets this jurisdiction's rule ({en} {shown} {unit_en})"
        else:
            text_zh = f"现场仅可调阅 {found} {unit_zh}，未达到本辖区规定（{zh} {shown} {unit_zh}，{source}）"
            text_en = (
                f"Only {found} {unit_en} found on site, short of this jurisdiction's rule "
                f"({en} {shown} {unit_en})"
            )
        code = "indicator.setting_met" if d.passed else "indicator.setting_not_met"
        steps.append(
            new_step(
                code,
                text_zh,
                text_en,
                setting=name,
                required=required,
                found=found,
                member=d.member,
                path=d.path,
            )
        )
    return steps


def exemption_step(exemptions: Mapping[str, Sequence[str]], grade: str) -> dict[str, Any]:
    """The jurisdiction's exemptions per pollution level, as applied to this grade."""
    levels = {lv: grade in grades for lv, grades in exemptions.items()}
    words_zh = "；".join(
        f"{LEVEL_LABELS[lv][0]}{'可豁免' if ex else '须采取减排措施'}" for lv, ex in levels.items()
    )
    words_en = "; ".join(
        f"{'exempt' if ex else 'takes measures'} in {LEVEL_LABELS[lv][1]}"
        for lv, ex in levels.items()
    )
    return new_step(
        "obligations.pollution_level_exemption",
        f"本辖区按污染程度豁免（{SHAOXING_SOURCE}）：{grade} 级{words_zh}",
        f"This jurisdiction exempts by pollution level ({SHAOXING_SOURCE}): grade {grade} is "
        f"{words_en}",
        grade=grade,
        exempt=levels,
    )
