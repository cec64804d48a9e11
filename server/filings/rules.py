"""Checks of a filing's content against the catalogue: pure functions, no session."""

from __future__ import annotations

import re
from typing import Any

from server.catalogue import INDICATOR_CATEGORIES, catalogue

_INDICATOR_CODE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")


def case_problems(case: dict[str, Any], where: str) -> dict[str, list[str]]:
    """Problems of one industry case: guide version, industry, grade on its scale, claims."""
    errors: dict[str, list[str]] = {}
    guide = catalogue().guide(case["guide_version"])
    if guide is None:
        known = ", ".join(sorted(catalogue().guides))
        errors[f"{where}.guide_version"] = [
            f"unknown guide version {case['guide_version']}; known: {known}"
        ]
        return errors
    industry = guide.industries.get(case["industry_code"])
    if industry is None:
        errors[f"{where}.industry_code"] = [
            f"unknown industry {case['industry_code']} in guide {guide.code}"
        ]
    elif case["claimed_grade"] not in industry.scale:
        errors[f"{where}.claimed_grade"] = [
            f"{case['claimed_grade']} is not on the scale of {industry.code} under {guide.code}: "
            f"{' / '.join(industry.scale)}"
        ]
    seen: set[str] = set()
    for index, claim in enumerate(case.get("claims", [])):
        for field, messages in claim_problems(claim).items():
            errors.setdefault(f"{where}.claims.{index}.{field}", []).extend(messages)
        if claim["indicator_code"] in seen:
            errors.setdefault(f"{where}.claims.{index}.indicator_code", []).append(
                f"{claim['indicator_code']} is claimed twice"
            )
        seen.add(claim["indicator_code"])
    return errors


def claim_problems(claim: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    category = claim.get("category")
    code = claim.get("indicator_code", "")
    if category not in INDICATOR_CATEGORIES:
        errors["category"] = [f"must be one of {', '.join(INDICATOR_CATEGORIES)}"]
    if not _INDICATOR_CODE.match(code):
        errors["indicator_code"] = ["must look like <category>.<name>, lower case"]
    elif category in INDICATOR_CATEGORIES and not code.startswith(f"{category}."):
        errors["indicator_code"] = [f"must start with its category: {category}."]
    return errors


def filing_problems(cases: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Problems across a filing's cases: none, duplicates, not exactly one main industry."""
    errors: dict[str, list[str]] = {}
    if not cases:
        return {"cases": ["a filing claims a grade in at least one industry"]}
    for index, case in enumerate(cases):
        errors.update(case_problems(case, f"cases.{index}"))
    codes = [case["industry_code"] for case in cases]
    if len(set(codes)) != len(codes):
        errors.setdefault("cases", []).append("an industry appears twice")
    mains = sum(1 for case in cases if case.get("is_main", len(cases) == 1))
    if mains != 1:
        errors.setdefault("cases", []).append(
            f"exactly one industry must be the main one (主行业); {mains} are marked"
        )
    return errors
