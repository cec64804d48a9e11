"""What a plant must do in a yellow, orange or red alert, per guide version, industry and grade.

The tables are versioned data in ``data/obligations/<guide_version>.json`` (RULES.md, "Grade →
obligations in an alert"): one table per industry where a source gives it (cement clinker,
MEE2020), else the guide file's `default` table, which is marked `"basis": "illustrative"`.
Jurisdiction variants (Shaoxing, S4 §四(三)) are notes beside the tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from server.catalogue import catalogue

DATA_DIR = Path(__file__).parent / "data" / "obligations"
ALERTS = ("yellow", "orange", "red")


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


def obligations(guide_version: str, industry: str, grade: str) -> dict[str, Measure]:
    """The measures per alert level, `{"yellow": …, "orange": …, "red": …}`.
    Raises UnknownObligation for an unknown guide version, industry or grade."""
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
