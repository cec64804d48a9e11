"""Which grades a jurisdiction exempts from emergency measures, per pollution level.

Pure (no SQL). The national tables give measures per alert (yellow, orange, red: heavy
pollution). Shaoxing (S4 §四(三)) adds exemptions by level of pollution: in heavy pollution
A and leading plants may be exempt from the emergency reduction measures; in light or moderate
pollution B and above may be, while C, D and non-leading plants are on the emergency reduction
list. A jurisdiction's exemptions are a versioned setting (``server.review.jurisdiction``);
none stored means the national tables alone.
"""

from __future__ import annotations

from collections.abc import Mapping

HEAVY, LIGHT_MODERATE = "heavy", "light_moderate"
POLLUTION_LEVELS = (HEAVY, LIGHT_MODERATE)
LEVEL_LABELS = {
    HEAVY: ("重污染天气", "heavy pollution"),
    LIGHT_MODERATE: ("中、轻度污染天气", "light or moderate pollution"),
}

# S4 §四(三). Our reading: A+ stands with A; B- is part of the B level, as the other notices
# write "B（含B-）"; Henan's advanced level is not used in Shaoxing.
SHAOXING_EXEMPTIONS: dict[str, tuple[str, ...]] = {
    HEAVY: ("A+", "A", "leading"),
    LIGHT_MODERATE: ("A+", "A", "B", "B-", "leading"),
}
SHAOXING_SOURCE = "S4 §四(三)"

Exemptions = tuple[tuple[str, tuple[str, ...]], ...]  # ((level, grades), …), hashable


def frozen(exemptions: Mapping[str, list[str] | tuple[str, ...]] | None) -> Exemptions:
    """A settings mapping as an ordered, hashable tuple (levels in POLLUTION_LEVELS order)."""
    given = exemptions or {}
    return tuple((lv, tuple(given[lv])) for lv in POLLUTION_LEVELS if lv in given)


def problems(exemptions: Mapping[str, object]) -> list[str]:
    """What is wrong with an exemptions setting, in words (empty: nothing)."""
    out = []
    for level, grades in exemptions.items():
        if level not in POLLUTION_LEVELS:
            out.append(f"unknown pollution level {level!r}; one of {', '.join(POLLUTION_LEVELS)}")
        elif not isinstance(grades, list | tuple) or not all(isinstance(g, str) for g in grades):
            out.append(f"{level}: must be a list of grades")
    return out
