"""What a plant must do in a yellow, orange or red alert, per guide version, industry and grade.

The tables are versioned data in ``data/obligations/<guide_version>.json`` (RULES.md, "Grade →
obligations in an alert"): one table per industry where a source gives it (cement clinker,
MEE2020), else the guide file's `default` table, which is marked `"basis": "illustrative"`.

A jurisdiction's exemptions per pollution level are a setting (``server.compliance.emergency``)
applied over the tables: Shaoxing (S4 §四(三)) exempts A and leading plants in heavy pollution
(every alert level) and B and above in light or moderate pollution, where C, D and non-leading
plants are on the emergency reduction list. The guide files keep the variant as a note too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from server.catalogue import catalogue
from server.compliance.emergency import HEAVY, LIGHT_MODERATE, SHAOXING_SOURCE

DATA_DIR = Path(__file__).parent / "data" / "obligations"
ALERTS = ("yellow", "orange", "red")  # heavy-pollution alert levels III, II, I
# S4 §四(三): what an exempt plant and a listed one do, in words of the notice
EXEMPT = ("exempt", "可豁免采取应急减排措施", "may be exempt from the emergency reduction measures")
LISTED = (
    "on_reduction_list",
    "纳入污染天气应急减排清单，落实清单所列减排措施",
    "on the pollution-weather emergency reduction list: takes the measures it lists",
)


class UnknownObligation(LookupError):
    """No obligations table for this guide version, industry or grade."""


@dataclass(frozen=True)
class Measure:
    code: str
    zh: str
    en: str
    basis: str  # "cited" or "illustrative"
    source: str


@dataclass(frozen=True)
class JurisdictionNote:
    jurisdiction: str
    source: str
    zh: str
    en: str
    exempt: dict[str, tuple[str, ...]]  # pollution level -> exempt grades


@cache
def _guide(guide_version: str) -> dict[str, Any]:
    path = DATA_DIR / f"{guide_version}.json"
    if not path.is_file():
        raise UnknownObligation(f"no obligations data for guide version {guide_version!r}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _cited(measure: tuple[str, str, str], source: str) -> Measure:
    code, zh, en = measure
    return Measure(code=code, zh=zh, en=en, basis="cited", source=source)


def obligations(
    guide_version: str,
    industry: str,
    grade: str,
    exemptions: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Measure]:
    """The measures per alert level, `{"yellow": …, "orange": …, "red": …}`, and, where the
    jurisdiction sets exemptions for light or moderate pollution, `"light_moderate"` too.

    `exemptions` maps a pollution level (heavy, light_moderate) to the grades exempt in it
    (S4 §四(三)). Raises UnknownObligation for an unknown guide version, industry or grade."""
    measures = _table(guide_version, industry, grade)
    given = exemptions or {}
    if grade in given.get(HEAVY, ()):
        measures = {alert: _cited(EXEMPT, SHAOXING_SOURCE) for alert in ALERTS}
    if LIGHT_MODERATE in given:
        exempt = grade in given[LIGHT_MODERATE]
        measures[LIGHT_MODERATE] = _cited(EXEMPT if exempt else LISTED, SHAOXING_SOURCE)
    return measures


def _table(guide_version: str, industry: str, grade: str) -> dict[str, Measure]:
    known = catalogue().industry(guide_version, industry)
    if known is None:
        raise UnknownObligation(f"unknown industry {industry!r} in guide {guide_version!r}")
    if grade not in known.scale:
        raise UnknownObligation(
            f"grade {grade!r} is not in the scale of industry {industry!r} "
            f"({', '.join(known.scale)})"
        )
    data = _guide(guide_version)
    table = data["industries"].get(industry, data["default"])
    row = table["grades"].get(grade)
    if row is None:
        raise UnknownObligation(f"no obligations for grade {grade!r} of {industry!r}")
    measures = data["measures"]
    return {
        alert: Measure(
            code=row[alert],
            zh=measures[row[alert]]["zh"],
            en=measures[row[alert]]["en"],
            basis=table["basis"],
            source=table["source"],
        )
        for alert in ALERTS
    }


def jurisdiction_note(guide_version: str, jurisdiction: str) -> JurisdictionNote:
    """A jurisdiction's variant of the tables; raises UnknownObligation when there is none."""
    note = _guide(guide_version).get("jurisdiction_notes", {}).get(jurisdiction)
    if note is None:
        raise UnknownObligation(f"no note for {jurisdiction!r} in guide {guide_version!r}")
    exempt = {level: tuple(grades) for level, grades in note["exempt"].items()}
    return JurisdictionNote(jurisdiction, note["source"], note["zh"], note["en"], exempt)
