"""Checklists generated from a filing's claims, for the claims no shipped form verifies.

Every claimed indicator must be verifiable on site (issue 17). Where the industry's forms have
no item for a claim at its grade, `checklist_definition()` writes one section per claim, in the
ordinary definition format: what the plant claims (in the labels), what the inspector observed
(typed to the claim: yes/no, a number or reading with its unit, a choice), the photos the
category calls for, and a note. The definition goes through the same schema, checks and build
as a shipped file (`build_checklist()`), and its digest is pinned with the assignment.

Pure: the claims in, a definition (dict) and a `Form` out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from inspection_forms.build import build_form
from inspection_forms.checks import check_definition
from inspection_forms.loader import RESERVED_FORM_ID
from inspection_forms.model import Form
from inspection_forms.problems import DefinitionError, DefinitionProblem
from inspection_forms.schema import FORM_SCHEMA, flatten_errors
from inspection_forms.versions import content_digest

GENERATED_FORM_ID = RESERVED_FORM_ID
CLAIM_SOURCE = "申报材料所述 / as the filing claims"


@dataclass(frozen=True, slots=True)
class ClaimSpec:
    """One claim of a filing, as the generator needs it."""

    claim_id: int
    industry: str
    guide_version: str
    grade: str  # the case's claimed grade
    category: str
    indicator: str  # `category.name`
    claimed_value: str | None = None
    statement: str | None = None


@dataclass(frozen=True, slots=True)
class Category:
    """What a category's generated items ask for."""

    zh: str
    en: str
    photo_min: int  # photos the category calls for
    photo_zh: str
    photo_en: str
    default_op: str  # a number claimed without a sign: a limit (at_most) or a share (at_least)
    default_unit: str


CATEGORIES: dict[str, Category] = {
    "energy_type": Category(
        "能源类型",
        "Energy type",
        1,
        "燃料/能源供应设施照片",
        "photo of the fuel or energy supply",
        "at_least",
        "%",
    ),
    "equipment_level": Category(
        "装备水平",
        "Equipment level",
        1,
        "生产设备及铭牌照片",
        "photo of the equipment and its nameplate",
        "at_least",
        "%",
    ),
    "treatment_technology": Category(
        "污染治理技术",
        "Treatment technology",
        2,
        "治理设施及其运行状态照片",
        "photos of the treatment plant and its running state",
        "at_least",
        "%",
    ),
    "emission_limits": Category(
        "排放限值",
        "Emission limits",
        1,
        "在线监测屏幕或监测报告照片",
        "photo of the CEMS screen or the monitoring report",
        "at_most",
        "mg/m3",
    ),
    "fugitive_emissions": Category(
        "无组织排放",
        "Fugitive emissions",
        2,
        "车间、料场现场照片",
        "photos of the workshops and the yard",
        "at_most",
        "mg/m3",
    ),
    "monitoring_level": Category(
        "监测监控水平",
        "Monitoring level",
        1,
        "监测监控设施或数据界面照片",
        "photo of the monitoring equipment or its data screen",
        "at_least",
        "%",
    ),
    "environmental_management": Category(
        "环境管理水平",
        "Environmental management",
        1,
        "台账、制度或标牌照片",
        "photo of the records, rules or boards",
        "at_least",
        "%",
    ),
    "transport_mode": Category(
        "运输方式",
        "Transport mode",
        1,
        "运输台账或车辆照片",
        "photo of the transport ledger or vehicles",
        "at_least",
        "%",
    ),
    "transport_control": Category(
        "运输监管",
        "Transport control",
        1,
        "门禁、视频监控或电子台账照片",
        "photo of the gate system, the video or the electronic ledger",
        "at_least",
        "%",
    ),
}

# HJ 212-2017 pollutant codes by the words an emission-limit indicator or claim uses.
POLLUTANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a21026", ("so2", "sulphur", "sulfur", "二氧化硫")),
    ("a21002", ("nox", "nitrogen_oxide", "氮氧化物")),
    ("a34013", ("particulate", "pm", "dust", "颗粒物", "烟尘", "粉尘")),
    ("a24088", ("nmhc", "非甲烷总烃")),
    ("a21001", ("ammonia", "nh3", "氨")),
)

_YES = frozenset({"是", "有", "符合", "已", "已安装", "yes", "y", "true", "met", "达到"})
_NO = frozenset({"否", "无", "没有", "不符合", "no", "n", "false", "not_met"})
_NUMBER = re.compile(
    r"^\s*(?P<sign>≤|<=|<|＜|≥|>=|>|＞|不高于|不超过|低于|不低于|至少|高于)?\s*"
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>.*?)\s*$"
)
_AT_MOST = frozenset({"≤", "<=", "<", "＜", "不高于", "不超过", "低于"})
_UNITS = {
    "mg/m³": "mg/m3",
    "mg/m3": "mg/m3",
    "mg/nm3": "mg/m3",
    "mg/nm³": "mg/m3",
    "%": "%",
    "％": "%",
    "℃": "°C",
    "°c": "°C",
    "°C": "°C",
    "个月": "months",
    "月": "months",
    "months": "months",
    "年": "years",
    "m": "m",
    "米": "m",
}
# Choices the inspector picks from, per category, with the words a claim names them by.
_CHOICES: dict[str, tuple[tuple[str, str, str, tuple[str, ...]], ...]] = {
    "energy_type": (
        ("electricity", "电", "electricity", ("电", "electric")),
        ("natural_gas", "天然气", "natural gas", ("天然气", "natural_gas", "natural gas", "lng")),
        ("lpg", "液化石油气", "LPG", ("液化石油气", "lpg")),
        ("coke_oven_gas", "焦炉煤气", "coke-oven gas", ("焦炉煤气",)),
        ("biomass", "生物质", "biomass", ("生物质", "biomass")),
        ("coal", "煤", "coal", ("煤", "coal")),
        ("heavy_oil", "重油", "heavy oil", ("重油", "heavy oil")),
    ),
    "transport_mode": (
        ("rail", "铁路", "rail", ("铁路", "rail")),
        ("waterway", "水路", "waterway", ("水路", "waterway", "ship")),
        ("pipeline", "管道", "pipeline", ("管道", "pipeline")),
        ("belt_conveyor", "管状带式输送机", "belt conveyor", ("皮带", "带式", "conveyor")),
        ("new_energy_trucks", "新能源车辆", "new-energy trucks", ("新能源", "new energy")),
        ("china_vi_trucks", "国六车辆", "China VI trucks", ("国六", "国vi", "china vi")),
    ),
}
_OTHER = ("other", "其他", "other")


def choice_label(code: str) -> tuple[str, str] | None:
    """(Chinese, English) of an option code the generated choices use, or None."""
    for choices in _CHOICES.values():
        for option, zh, en, _ in choices:
            if option == code:
                return zh, en
    return {
        "as_claimed": ("与申报一致", "as claimed"),
        "differs": ("与申报不一致", "differs from the claim"),
        _OTHER[0]: _OTHER[1:],
    }.get(code)


class NoGenerator(ValueError):
    """A claim whose category has no generator: it could not be verified, so it is refused."""

    def __init__(self, claims: Sequence[ClaimSpec]) -> None:
        self.claims = tuple(claims)
        names = ", ".join(f"{c.indicator} (claim {c.claim_id})" for c in self.claims)
        super().__init__(f"no checklist item can be generated for: {names}")


def pollutant_of(spec: ClaimSpec) -> str | None:
    """The HJ 212 code an emission-limit claim names: a code in its words, else the pollutant
    its indicator name or its Chinese words name."""
    words = f"{spec.statement or ''} {spec.claimed_value or ''}".lower()
    name = spec.indicator.split(".", 1)[-1].lower()
    tokens = set(name.split("_"))
    for code, _ in POLLUTANTS:
        if code in words or code in name:
            return code
    for code, keys in POLLUTANTS:
        for key in keys:
            if key.isascii() and (key in tokens or ("_" in key and key in name)):
                return code
            if not key.isascii() and key in words:
                return code
    return None


@dataclass(frozen=True, slots=True)
class Observed:
    """How the claimed value is observed: kind yes_no (value: bool), number (op, value, unit),
    or choice (codes: the claimed options)."""

    kind: str
    value: Any = None
    op: str = ""
    unit: str = ""
    codes: tuple[str, ...] = ()


def parse_claimed(category: str, claimed: str | None) -> Observed:
    """What kind of observation a claimed value calls for."""
    text = (claimed or "").strip()
    lowered = text.lower()
    if not text or lowered in _YES:
        return Observed("yes_no", True)
    if lowered in _NO:
        return Observed("yes_no", False)
    match = _NUMBER.match(text)
    if match:
        spec = CATEGORIES[category]
        sign, unit = match["sign"], match["unit"].strip()
        normal = _UNITS.get(unit, _UNITS.get(unit.lower(), unit)) if unit else spec.default_unit
        op = ("at_most" if sign in _AT_MOST else "at_least") if sign else spec.default_op
        if normal in ("months", "years", "°C") and not sign:
            op = "at_least"
        number = float(match["value"])
        value = int(number) if number.is_integer() else number
        return Observed("number", value, op, normal or spec.default_unit)
    known = _CHOICES.get(category, ())
    codes = tuple(code for code, _, _, words in known if any(w in lowered for w in words))
    if codes:
        return Observed("choice", codes=codes)
    return Observed("choice", codes=("as_claimed",))


def _claimed_text(spec: ClaimSpec) -> tuple[str, str]:
    """What the plant claims, in words: its statement and value; without a statement, the
    category's name (never the indicator's code)."""
    category = CATEGORIES[spec.category]
    value = spec.claimed_value or ""
    if spec.statement:
        both = " ".join(part for part in (spec.statement, value) if part)
        return both, both
    return (
        f"{category.zh}申报指标 {value or '符合'}".strip(),
        f"the claimed {category.en.lower()} indicator {value or 'met'}".strip(),
    )


def _observed_item(spec: ClaimSpec, prefix: str, observed: Observed) -> dict[str, Any]:
    zh, en = _claimed_text(spec)
    item: dict[str, Any] = {
        "id": f"{prefix}_observed",
        "label": {"zh": f"现场核实：{zh}", "en": f"Found on site: {en}"},
        "help": {
            "zh": f"企业申报：{zh}（{spec.grade} 级）。请记录现场实际情况。",
            "en": f"The plant claims: {en} (grade {spec.grade}). Record what you find.",
        },
        "indicator": spec.indicator,
    }
    rule: dict[str, Any] = {"grades": [spec.grade], "source": CLAIM_SOURCE}
    claim: dict[str, Any] = {
        "claim_id": spec.claim_id,
        "industry": spec.industry,
        "claimed_value": spec.claimed_value,
        "statement": spec.statement,
    }
    if observed.kind == "yes_no":
        item["kind"] = "yes_no"
        rule.update(op="equals", value=observed.value)
    elif observed.kind == "number":
        meter = spec.category == "emission_limits"
        item.update(kind="meter" if meter else "number", unit=observed.unit, min=0)
        if meter:
            item["photo_required"] = True  # the CEMS screen (or report) the reading was read from
            item["help"] = {
                "zh": f"企业申报：{zh}（{spec.grade} 级）。请读取在线监测屏幕（或监测报告）上的"
                "小时均值，并拍摄该屏幕。",
                "en": f"The plant claims: {en} (grade {spec.grade}). Read the hourly average on "
                "the CEMS screen (or the monitoring report) and photograph it.",
            }
        rule.update(op=observed.op, value=observed.value, unit=observed.unit)
        if meter:
            claim.update(limit=observed.value, unit=observed.unit)
    else:
        options = [
            {"code": code, "label": {"zh": label_zh, "en": label_en}}
            for code, label_zh, label_en, _ in _CHOICES.get(spec.category, ())
        ]
        if observed.codes == ("as_claimed",):
            options = [
                {
                    "code": "as_claimed",
                    "label": {"zh": f"与申报一致：{zh}", "en": f"as claimed: {en}"},
                },
                {
                    "code": "differs",
                    "label": {"zh": "与申报不一致", "en": "differs from the claim"},
                },
            ]
        else:
            code, label_zh, label_en = _OTHER
            options.append({"code": code, "label": {"zh": label_zh, "en": label_en}})
        item.update(kind="single_choice", options=options)
        rule.update(op="one_of", values=list(observed.codes))
    if spec.category == "emission_limits":
        pollutant = pollutant_of(spec)
        if pollutant is not None:
            claim["pollutant"] = pollutant
    item["criteria"] = [rule]
    item["claim"] = {
        key: value
        for key, value in claim.items()
        if value is not None or key in ("claimed_value", "statement")
    }
    return item


def claim_section(spec: ClaimSpec) -> dict[str, Any]:
    """The section verifying one claim. Raises NoGenerator for a category with no generator."""
    category = CATEGORIES.get(spec.category)
    if category is None:
        raise NoGenerator([spec])
    prefix = f"claim_{spec.claim_id}"
    zh, en = _claimed_text(spec)
    observed = parse_claimed(spec.category, spec.claimed_value)
    return {
        "id": prefix,
        "title": (
            {"zh": f"{category.zh}：{zh}", "en": f"{category.en}: {en}"}
            if spec.statement
            else {"zh": zh, "en": en[0].upper() + en[1:]}
        ),
        "items": [
            _observed_item(spec, prefix, observed),
            {
                "id": f"{prefix}_photos",
                "kind": "photo",
                "label": {"zh": category.photo_zh, "en": category.photo_en.capitalize()},
                "indicator": spec.indicator,
                "min_count": category.photo_min,
                "max_count": 6,
                "criteria": [
                    {"grades": [spec.grade], "op": "all_photos_inside_site", "source": CLAIM_SOURCE}
                ],
            },
            {
                "id": f"{prefix}_note",
                "kind": "text",
                "label": {"zh": "备注", "en": "Note"},
                "indicator": spec.indicator,
                "required": False,
                "max_length": 2000,
            },
        ],
    }


def checklist_definition(specs: Sequence[ClaimSpec], *, version: int) -> dict[str, Any]:
    """The definition of the generated checklist for `specs` (version: the assignment's id).

    Raises NoGenerator naming every claim whose category has no generator."""
    missing = [spec for spec in specs if spec.category not in CATEGORIES]
    if missing:
        raise NoGenerator(missing)
    guides = sorted({spec.guide_version for spec in specs})
    return {
        "id": GENERATED_FORM_ID,
        "version": version,
        "status": "published",
        "guide": guides[0],
        "guides": guides,
        "title": {"zh": "申报指标核查表", "en": "Checklist of the filing's claims"},
        "description": {
            "zh": "依据企业申报内容生成：行业核查表未覆盖的每项申报指标各有一节。",
            "en": "Generated from the filing: one section per claimed indicator that the "
            "industry's forms do not verify.",
        },
        "industries": ["*"],
        "grades": ["*"],
        "sections": [claim_section(spec) for spec in specs],
    }


def build_checklist(definition: Mapping[str, Any]) -> Form:
    """The `Form` of a generated definition, through the shipped forms' schema and checks.

    Raises DefinitionError when it is not a valid definition (a stored one altered by hand)."""
    file = f"{GENERATED_FORM_ID}/{definition.get('version')}"
    try:
        data = FORM_SCHEMA.load(dict(definition))
    except ValidationError as exc:
        raise DefinitionError(
            [DefinitionProblem(file, where, msg) for where, msg in flatten_errors(exc.messages)]
        ) from exc
    found = check_definition(
        data, form_id=GENERATED_FORM_ID, version=str(data["version"]), scales={}
    )
    if found:
        raise DefinitionError([DefinitionProblem(file, where, msg) for where, msg in found])
    return build_form(data, sha256=content_digest(definition), file=file)
