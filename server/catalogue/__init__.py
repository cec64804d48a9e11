"""The industry catalogue: each technical guide version's industries and grade scales, as data.

The data files in ``data/`` are reviewed like code. A guide version is part of every industry
case, so a filing made under MEE2020 keeps its meaning when MEE26 arrives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

# The nine indicator categories of RULES.md (S0, S4), in the order the guides list them.
INDICATOR_CATEGORIES: tuple[str, ...] = (
    "energy_type",
    "equipment_level",
    "treatment_technology",
    "emission_limits",
    "fugitive_emissions",
    "monitoring_level",
    "environmental_management",
    "transport_mode",
    "transport_control",
)

# Grades a city must verify on site for every applicant (rule 12); B/B- are sampled.
FULL_CHECK_GRADES = frozenset({"A+", "A", "leading"})
SAMPLED_GRADES = frozenset({"B", "B-"})


@dataclass(frozen=True)
class Industry:
    guide_version: str
    code: str
    name_zh: str
    name_en: str
    scale: tuple[str, ...]  # best grade first
    scale_basis: str  # "cited" or "illustrative"


@dataclass(frozen=True)
class GuideVersion:
    code: str
    title_zh: str
    title_en: str
    issued_by: str
    source: str
    note: str
    industries: dict[str, Industry]


class Catalogue:
    """Every guide version shipped with the system, keyed by its code."""

    def __init__(self, guides: dict[str, GuideVersion]) -> None:
        self.guides = guides

    def guide(self, code: str) -> GuideVersion | None:
        return self.guides.get(code)

    def industry(self, guide_version: str, code: str) -> Industry | None:
        guide = self.guides.get(guide_version)
        return guide.industries.get(code) if guide else None

    def industry_scales(self, guide_version: str) -> dict[str, list[str]]:
        guide = self.guides[guide_version]
        return {code: list(ind.scale) for code, ind in guide.industries.items()}

    def all_industry_codes(self) -> set[str]:
        return {code for guide in self.guides.values() for code in guide.industries}


def _load_guide(path: Path) -> GuideVersion:
    raw = json.loads(path.read_text(encoding="utf-8"))
    scales = {name: tuple(grades) for name, grades in raw["scales"].items()}
    industries = {
        item["code"]: Industry(
            guide_version=raw["guide_version"],
            code=item["code"],
            name_zh=item["name_zh"],
            name_en=item["name_en"],
            scale=scales[item["scale"]],
            scale_basis=item["scale_basis"],
        )
        for item in raw["industries"]
    }
    if len(industries) != len(raw["industries"]):
        raise ValueError(f"{path.name}: duplicate industry code")
    return GuideVersion(
        code=raw["guide_version"],
        title_zh=raw["title_zh"],
        title_en=raw["title_en"],
        issued_by=raw["issued_by"],
        source=raw["source"],
        note=raw["note"],
        industries=industries,
    )


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue, read once per process (it is immutable data)."""
    guides = [_load_guide(path) for path in sorted(DATA_DIR.glob("*.json"))]
    return Catalogue({guide.code: guide for guide in guides})


INDICATOR_NAMES_FILE = DATA_DIR / "indicators" / "names.json"


@cache
def indicator_names() -> dict[str, tuple[str, str]]:
    """(Chinese, English) name of every indicator a form verifies or a filing claims, by code."""
    raw = json.loads(INDICATOR_NAMES_FILE.read_text(encoding="utf-8"))
    return {code: (n["name_zh"], n["name_en"]) for code, n in raw["indicators"].items()}
