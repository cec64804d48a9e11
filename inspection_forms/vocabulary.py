"""The fixed words of form definitions: grades, indicator categories, item kinds, registries."""

from __future__ import annotations

import re
from dataclasses import dataclass

# System-wide grade codes (best first within each scale). A form that applies to every
# industry (`industries: ["*"]`) may state criteria for any of them.
GRADE_CODES: tuple[str, ...] = (
    "A+",
    "A",
    "B",
    "B-",
    "C",
    "D",
    "leading",
    "non_leading",
    "advanced",
    "non_advanced",
)

# The nine indicator categories of the technical guides (RULES.md glossary, S0, S4) ...
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
# ... plus `visit`, for what no filing claims but every check needs: normal production
# (rule 5, S1 §(四)), the visit window, the inspector's attestation.
VISIT_CATEGORY = "visit"

INDICATOR_RE = re.compile(
    r"^(?:" + "|".join((*INDICATOR_CATEGORIES, VISIT_CATEGORY)) + r")\.[a-z][a-z0-9_]*$"
)
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
PHOTO_REF_RE = re.compile(r"^photo:[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")

ANSWER_KINDS: tuple[str, ...] = (
    "yes_no",
    "single_choice",
    "multiple_choice",
    "number",
    "text",
    "date",
    "datetime",
    "photo",
    "meter",
    "attestation",
)
REPEAT_KIND = "repeat"
ITEM_KINDS: tuple[str, ...] = (*ANSWER_KINDS, REPEAT_KIND)

# What a repeat group may repeat over: the plant registry's lists (PlantContext fields).
REGISTRIES: tuple[str, ...] = ("lines", "gates", "cems_points")

WILDCARD = "*"


@dataclass(frozen=True, slots=True)
class Text:
    """A label in both languages."""

    zh: str
    en: str

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}
