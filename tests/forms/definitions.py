"""Small definitions written to a temporary directory, for the loader and version tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

T = {"zh": "示例", "en": "Example"}

_MINIMAL: dict[str, Any] = {
    "id": "demo",
    "version": 1,
    "status": "draft",
    "guide": "MEE2020",
    "title": {"zh": "示例核查表", "en": "Demo checklist"},
    "industries": ["foundry"],
    "grades": ["*"],
    "sections": [
        {
            "id": "main",
            "title": dict(T),
            "items": [
                {
                    "id": "cems_present",
                    "kind": "yes_no",
                    "label": dict(T),
                    "indicator": "monitoring_level.cems_installed",
                    "criteria": [
                        {"grades": ["A"], "op": "equals", "value": True, "illustrative": True}
                    ],
                },
                {
                    "id": "site_photos",
                    "kind": "photo",
                    "label": dict(T),
                    "indicator": "fugitive_emissions.no_visible_dust",
                    "min_count": 1,
                    "max_count": 3,
                },
                {
                    "id": "lines",
                    "kind": "repeat",
                    "over": "lines",
                    "label": dict(T),
                    "items": [
                        {
                            "id": "line_running",
                            "kind": "yes_no",
                            "label": dict(T),
                            "indicator": "visit.normal_production",
                        },
                        {
                            "id": "line_load",
                            "kind": "number",
                            "label": dict(T),
                            "indicator": "visit.normal_production",
                            "unit": "%",
                            "min": 0,
                            "max": 150,
                            "show_if": {"item": "line_running", "equals": True},
                        },
                    ],
                },
                {
                    "id": "cems_calibrated_on",
                    "kind": "date",
                    "label": dict(T),
                    "indicator": "monitoring_level.cems_calibrated",
                    "show_if": {"item": "cems_present", "equals": True},
                    "criteria": [
                        {
                            "grades": ["A", "B"],
                            "op": "within_months",
                            "months": 12,
                            "source": "S2 §四",
                        }
                    ],
                },
            ],
        }
    ],
}


def minimal_form(**overrides: Any) -> dict[str, Any]:
    """A valid draft form `demo` v1 for foundry; top-level keys can be overridden."""
    data = copy.deepcopy(_MINIMAL)
    data.update(overrides)
    return data


def items(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The (mutable) item list of the minimal form's only section."""
    return data["sections"][0]["items"]


def write_form(
    directory: Path, data: dict[str, Any] | str, form_id: str = "demo", version: int = 1
) -> Path:
    """Write a definition (a dict, or YAML text as is) to `<directory>/<form_id>/<version>.yaml`."""
    path = directory / form_id / f"{version}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    )
    path.write_text(text, encoding="utf-8")
    return path
