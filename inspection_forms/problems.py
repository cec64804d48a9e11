"""Errors of the forms package: answer problems, definition errors, unknown forms.

A `Problem` is one thing wrong with a filled inspection (bilingual, for the inspector);
a `DefinitionProblem` is one thing wrong with a form definition file (English, for the
engineer reviewing it). Both are reported all at once, never only the first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

# code -> (Chinese template, English template); placeholders are filled by `problem()`.
MESSAGES: dict[str, tuple[str, str]] = {
    "document.wrong_type": (
        "核查记录应为 JSON 对象",
        "the inspection document must be a JSON object",
    ),
    "document.invalid": ("{field} 缺失或格式不正确", "{field} is missing or malformed"),
    "form.unknown": ("未知的核查表 {form_id}", "unknown form '{form_id}'"),
    "form.unknown_version": (
        "核查表 {form_id} 没有版本 {version}（已有版本：{known}）",
        "form '{form_id}' has no version {version} (known versions: {known})",
    ),
    "form.mismatch": (
        "记录所用核查表为 {got}，而校验所用为 {expected}",
        "the document is for form {got}, but was validated against {expected}",
    ),
    "answer.unknown_item": (
        "核查表 {form} 中没有此项：{item}",
        "form {form} has no item '{item}' here",
    ),
    "answer.required": ("必填项未填写", "required item is not answered"),
    "answer.hidden": (
        "显示条件（{condition}）不满足，此项不应填写",
        "answered although its condition ({condition}) is not met",
    ),
    "answer.wrong_type": ("应为{expected_zh}", "expected {expected_en}"),
    "answer.out_of_range": (
        "{got} 超出允许范围（{range}）",
        "{got} is outside the allowed range ({range})",
    ),
    "answer.unit": ("单位应为 {expected}，实际为 {got}", "unit must be {expected}, got {got}"),
    "answer.unknown_option": ("无此选项：{got}", "not an option of this item: {got}"),
    "answer.duplicate": ("重复填写：{got}", "given more than once: {got}"),
    "answer.too_long": ("文字过长（最多 {max} 字）", "text too long (at most {max} characters)"),
    "answer.bad_format": ("格式不正确，应为{expected_zh}", "malformed, expected {expected_en}"),
    "answer.missing_field": ("缺少字段 {field}", "missing field '{field}'"),
    "answer.unknown_field": ("不允许的字段 {field}", "field '{field}' is not allowed here"),
    "answer.not_attested": ("核查人员未确认", "the inspector did not attest"),
    "photo.too_few": (
        "至少需要 {min} 张照片，实际 {got} 张",
        "at least {min} photos required, got {got}",
    ),
    "photo.too_many": (
        "最多 {max} 张照片，实际 {got} 张",
        "at most {max} photos allowed, got {got}",
    ),
    "photo.bad_reference": (
        "照片引用格式不正确：{got}（应为 photo:<编号>）",
        "malformed photo reference {got} (expected photo:<id>)",
    ),
    "photo.duplicate": ("同一照片重复引用：{got}", "photo referenced more than once: {got}"),
    "repeat.unknown_key": (
        "企业登记信息中没有{registry_zh} {key}",
        "the plant has no {registry_en} '{key}'",
    ),
    "repeat.missing_key": ("{registry_zh} {key} 未填写", "{registry_en} '{key}' is not answered"),
}

REGISTRY_NAMES: dict[str, tuple[str, str]] = {
    "lines": ("生产线", "production line"),
    "gates": ("车辆出入口", "vehicle gate"),
    "cems_points": ("在线监测点位", "CEMS point"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with a filled inspection, at a path such as `answers.lines.L01.running`."""

    path: str
    code: str
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


def problem(path: str, code: str, **params: Any) -> Problem:
    """Build a Problem from the message catalogue; unknown placeholders are a programming error."""
    zh, en = MESSAGES[code]
    return Problem(path, code, zh.format(**params), en.format(**params))


class DefinitionProblem(NamedTuple):
    """One thing wrong with a definition: file (relative to the definitions directory),
    path inside it (`sections[1].items[3].max_count`, empty for the whole file), message."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class DefinitionError(Exception):
    """Raised when definitions do not load; carries every problem found, in file order."""

    def __init__(self, errors: Iterable[DefinitionProblem]) -> None:
        self.errors: list[DefinitionProblem] = list(errors)
        lines = "\n".join(f"  {error}" for error in self.errors)
        super().__init__(f"{len(self.errors)} problem(s) in form definitions:\n{lines}")


class UnknownForm(LookupError):
    """No such form, or no such version of it. `version` is None when the form itself is unknown."""

    code = "form.unknown"

    def __init__(self, form_id: str, version: int | None, known_versions: Iterable[int] = ()):
        self.form_id = form_id
        self.version = version
        self.known_versions = sorted(known_versions)
        if version is None or not self.known_versions:
            message = f"unknown form '{form_id}'"
            if version is not None:
                message += f" (asked for version {version})"
        else:
            self.code = "form.unknown_version"
            known = ", ".join(str(v) for v in self.known_versions)
            message = f"form '{form_id}' has no version {version} (known versions: {known})"
        super().__init__(message)

    def to_problem(self) -> Problem:
        if self.code == "form.unknown":
            return problem("form_id", "form.unknown", form_id=self.form_id)
        known = ", ".join(str(v) for v in self.known_versions)
        return problem(
            "form_version",
            "form.unknown_version",
            form_id=self.form_id,
            version=self.version,
            known=known,
        )
