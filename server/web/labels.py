"""Names of what the pages show, never the codes: indicators (the catalogue's names, else the
label of the form item verifying them), form items, answers, photo findings, forms, and the
codes and UTC stamps inside stored sentences (``words``).

Forms are immutable once published and loaded once per process, so the indexes are built once.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from inspection_forms import Form
from inspection_forms.claims import GENERATED_FORM_ID, choice_label
from server.catalogue import INDICATOR_CATEGORIES, catalogue, indicator_names
from server.clock import CHINA
from server.inspections.forms import form_catalogue
from server.review.reasons import REASON_CODES
from server.web import i18n


@cache
def _indicator_names() -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    catalogue = form_catalogue()
    for form_id in catalogue.form_ids():
        for version in catalogue.versions(form_id):
            for item in catalogue.get(form_id, version).all_items.values():
                if item.indicator and item.kind != "repeat":
                    names.setdefault(item.indicator, (item.label.zh, item.label.en))
    return names


CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "energy_type": ("能源类型", "Energy type"),
    "equipment_level": ("装备水平", "Equipment level"),
    "treatment_technology": ("污染治理技术", "Treatment technology"),
    "emission_limits": ("排放限值", "Emission limits"),
    "fugitive_emissions": ("无组织排放", "Fugitive emissions"),
    "monitoring_level": ("监测监控水平", "Monitoring level"),
    "environmental_management": ("环境管理水平", "Environmental management"),
    "transport_mode": ("运输方式", "Transport mode"),
    "transport_control": ("运输监管", "Transport control"),
    "visit": ("现场核查", "The visit"),
}


def indicator_name(code: str) -> tuple[str, str]:
    """(Chinese, English) name of an indicator: the catalogue's name, else the label of the first
    form item verifying it, else its category's name (a code is never shown)."""
    named = indicator_names().get(code) or _indicator_names().get(code)
    if named:
        return named
    zh, en = CATEGORY_NAMES.get(code.split(".", 1)[0], ("", ""))
    return (f"{zh}指标（未登记名称）", f"{en} indicator (not named in the catalogue)")


# Short names of the photo checks' findings (media/, server/evidence/); their sentences are the
# findings' own messages.
FINDING_NAMES: dict[str, tuple[str, str]] = {
    "geo.outside_boundary": ("厂区外拍摄", "taken outside the site"),
    "geo.boundary_uncertain": ("边界附近", "near the boundary"),
    "geo.no_boundary": ("厂区无边界", "site has no boundary"),
    "time.outside_visit": ("不在核查时段内", "outside the visit window"),
    "time.before_assignment": ("早于核查任务", "before the assignment"),
    "time.missing": ("无拍摄时间", "no time taken"),
    "time.offset_assumed": ("时区按北京时间推定", "time zone assumed"),
    "exif.missing": ("无拍摄信息", "no EXIF"),
    "exif.damaged": ("拍摄信息损坏", "EXIF damaged"),
    "exif.unreadable": ("拍摄信息无法读取", "EXIF unreadable"),
    "reuse.exact": ("重复使用的照片", "photo reused"),
    "reuse.near": ("与其他照片几乎相同", "near-duplicate photo"),
    "device.unregistered": ("未登记的设备", "unregistered device"),
    "device.unidentified": ("无法识别设备", "device not identified"),
    "device.mismatch": ("设备不符", "device mismatch"),
    "device.changed": ("设备变更", "device changed"),
    "device.duplicate": ("设备重复", "duplicate device"),
    "device.registered": ("已登记设备", "registered device"),
}


def finding_name(code: str | None) -> tuple[str, str]:
    """A photo finding's or refusal's short name."""
    if code and code in FINDING_NAMES:
        return FINDING_NAMES[code]
    return ("照片检查提示", "photo check")


@cache
def _items_by_key() -> dict[str, tuple[str, str]]:
    labels: dict[str, tuple[str, str]] = {}
    catalogue = form_catalogue()
    for form_id in catalogue.form_ids():
        for version in catalogue.versions(form_id):
            for key, item in catalogue.get(form_id, version).all_items.items():
                labels.setdefault(key, (item.label.zh, item.label.en))
    return labels


def photo_item_name(path: str | None) -> tuple[str, str]:
    """The form item a photo answers (``gates.G01.gate_photo``) as its label, the repeat key (a
    gate, line or CEMS point code) kept in front."""
    if not path:
        return ("—", "—")
    parts = path.split(".")
    label = _items_by_key().get(parts[-1])
    if label is None:
        return ("其他照片", "other photo")
    prefix = f"{parts[1]} · " if len(parts) == 3 else ""
    return prefix + label[0], prefix + label[1]


def form_title(form_id: str, version: int) -> tuple[str, str]:
    """A form's title (the form id only when the version is unknown to this server)."""
    if form_id == GENERATED_FORM_ID:  # pinned on its assignment, never in the catalogue
        return ("按申报指标生成的核查项", "Checklist generated from the claims")
    try:
        title = form_catalogue().get(form_id, version).title
    except LookupError:
        return (f"{form_id} v{version}", f"{form_id} v{version}")
    return title.zh, title.en


_CODE = re.compile(
    r"\b(?:" + "|".join((*INDICATOR_CATEGORIES, "visit")) + r")\.[a-z_0-9]+\b"
    r"|\b(?:geo|time|exif|reuse|device)\.[a-z_]+\b"
)
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?")


def words(text: str, english: bool) -> str:
    """A stored sentence as a person reads it: indicator and finding codes named (in 「」 in
    Chinese), ISO timestamps in China time. Sentences stored before names existed (the
    reconciliation results, photo refusals) are read through this."""

    def name(match: re.Match[str]) -> str:
        code = match.group(0)
        zh, en = (
            finding_name(code) if code.split(".")[0] in FINDING_PREFIXES else indicator_name(code)
        )
        return f"“{en}”" if english else f"「{zh}」"

    def china(match: re.Match[str]) -> str:
        try:
            value = dt.datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
        except ValueError:
            return match.group(0)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(CHINA).strftime("%m-%d %H:%M")

    text = _STAMP.sub(china, _CODE.sub(name, text))
    text = _value_words(english).sub(lambda m: _VALUE_NAMES[m.group(0)][english], text)
    return text if english else re.sub(r" ?(「[^」]*」) ?", r"\1", text)


# Codes inside stored sentences (``申报 non_leading 级``, ``按主行业 foundry``, a refusal naming
# ``new_visit`` or ``evidence_incomplete``): grades, industries, decision outcomes and reasons,
# workflow states and steps. Plain English words among them (``received``) are left alone in
# English sentences, where they already read as words.
_VALUE_NAMES: dict[str, tuple[str, str]] = {}


@cache
def _value_words(english: bool) -> re.Pattern[str]:
    if not _VALUE_NAMES:
        for guide in catalogue().guides.values():
            for code, industry in guide.industries.items():
                _VALUE_NAMES.setdefault(code, (industry.name_zh, industry.name_en))
        for table in (i18n.STATUS_LABELS, i18n.ACTION_LABELS, i18n.GRADE_LABELS):
            for code, pair in table.items():
                _VALUE_NAMES.setdefault(code, pair)
        for outcome in ("confirm", "grade_down", "new_visit"):
            zh, en = i18n.MESSAGES[f"outcome.{outcome}"]
            _VALUE_NAMES[outcome] = (f"“{zh}”", f"“{en}”")
        for code, reason in REASON_CODES.items():
            _VALUE_NAMES[code] = (f"“{reason.zh}”", f"“{reason.en}”")
    words_ = sorted(
        (c for c in _VALUE_NAMES if not english or "_" in c or c in _industry_words()),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<![A-Za-z_.])(?:" + "|".join(map(re.escape, words_)) + r")(?![A-Za-z_])")


@cache
def _industry_words() -> frozenset[str]:
    return frozenset(catalogue().all_industry_codes())


def say(zh: str | None, en: str | None) -> str:
    """A stored (Chinese, English) sentence in the page's language, through ``words``."""
    english = i18n.language() == "en"
    return words(str((en or zh) if english else (zh or en)) if (zh or en) else "", english)


FINDING_PREFIXES = frozenset({"geo", "time", "exif", "reuse", "device"})


@cache
def _form(ref: str) -> Form | None:
    form_id, _, version = ref.partition(" v")
    try:
        return form_catalogue().get(form_id, int(version))
    except (LookupError, ValueError):  # an unknown form version: the raw path is shown
        return None


# Items of the checklists generated from claims (inspection_forms.claims): their definitions
# are stored on the assignment, not in the shipped catalogue, so they are named by their role.
_GENERATED = re.compile(r"^claim_\d+_(observed|photos|note)$")
_GENERATED_NAMES = {
    "observed": ("现场核实的申报指标", "The claimed indicator as found on site"),
    "photos": ("申报指标的现场照片", "Photos of the claimed indicator"),
    "note": ("申报指标核查备注", "Note on the claimed indicator"),
}


def item_name(form_ref: str, path: str) -> tuple[str, str]:
    """(Chinese, English) label of the form item a decided-by path names (``group.key.item``),
    with the repeat key (a line, gate or CEMS point code) kept in front."""
    form = _form(form_ref)
    parts = path.split(".")
    item = form.all_items.get(parts[-1]) if form else None
    generated = _GENERATED.match(parts[-1]) if form_ref.startswith("claims v") else None
    if item is None and generated is not None:
        return _GENERATED_NAMES[generated.group(1)]
    if item is None:
        return path, path
    prefix = f"{parts[1]} · " if len(parts) == 3 else ""
    return prefix + item.label.zh, prefix + item.label.en


def answer_text(form_ref: str, path: str, answer: Any) -> tuple[str, str]:
    """An answer as a reviewer reads it: option labels, yes/no, a reading with its unit."""
    form = _form(form_ref)
    item = form.all_items.get(path.rsplit(".", maxsplit=1)[-1]) if form else None
    if isinstance(answer, bool):
        return ("是", "yes") if answer else ("否", "no")
    if item is not None and item.options:
        labels = {o.code: o.label for o in item.options}
        codes = answer if isinstance(answer, list) else [answer]
        found = [labels.get(str(c)) for c in codes]
        if all(found):
            return "、".join(x.zh for x in found if x), ", ".join(x.en for x in found if x)
    if item is None and form_ref.startswith("claims v") and isinstance(answer, str):
        named = choice_label(answer)  # a generated choice: its definition is on the assignment
        if named is not None:
            return named
    if isinstance(answer, dict) and "value" in answer:
        text = f"{answer['value']} {answer.get('unit', '')}".strip()
        return text, text
    if isinstance(answer, list):
        if answer and all(isinstance(a, str) and a.startswith("photo:") for a in answer):
            return f"{len(answer)} 张照片", f"{len(answer)} photo(s)"
        text = ", ".join(map(str, answer))
        return text, text
    return str(answer), str(answer)
