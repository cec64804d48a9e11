"""Test data for the forms package: industry scales and realistic filled inspections.

Shared by the tests and by bench/bench_forms.py. Plain functions, no pytest fixtures.
"""

from __future__ import annotations

from typing import Any

from inspection_forms import PlantContext
from server.catalogue import catalogue

# The shipped definitions are checked against every guide's scales (issue 17), as the server does.
GUIDE_SCALES: dict[str, dict[str, list[str]]] = {
    guide: catalogue().industry_scales(guide) for guide in ("MEE2020", "HENAN2020", "MEE26")
}

# Test-only default for definitions written by the tests; the server passes the catalogue's.
SCALES: dict[str, list[str]] = {
    "foundry": ["A", "B", "C", "D"],
    "packaging_printing": ["A", "B", "C", "D"],
    "industrial_coating": ["A", "B", "C", "D"],
    "cement": ["A", "B", "C", "D"],
    "ceramics": ["leading", "non_leading"],
}


class _Photos:
    """Hands out distinct photo references, as a tablet would."""

    def __init__(self) -> None:
        self.count = 0

    def take(self, n: int = 1) -> list[str]:
        refs = [f"photo:{self.count + i:04d}-3f9c2a" for i in range(n)]
        self.count += n
        return refs

    def one(self) -> str:
        return self.take()[0]


def _meter(value: float, photo: str | None = None) -> dict[str, Any]:
    reading: dict[str, Any] = {"value": value, "unit": "kWh", "meter_id": "EM-07"}
    if photo is not None:
        reading["photo"] = photo
    return reading


def _line(n: int, photos: _Photos) -> dict[str, Any]:
    return {
        "line_matches_permit": True,
        "line_in_reduction_list": True,
        "line_running": True,
        "line_load_percent": 85 + n,
        "line_production_record_photo": photos.take(1),
        "production_meter_start": _meter(10234.5 + n, photos.one()),
        "production_meter_end": _meter(10390.1 + n),
        "treatment_meter_start": _meter(2210.0 + n, photos.one()),
        "treatment_meter_end": _meter(2241.7 + n),
        "treatment_running": True,
        "treatment_photo": photos.take(1),
        "equipment_labels_present": True,
    }


def plant_context(lines: int = 6, gates: int = 4, cems_points: int = 3) -> PlantContext:
    return PlantContext(
        lines=[f"L{n:02d}" for n in range(1, lines + 1)],
        gates=[f"G{n:02d}" for n in range(1, gates + 1)],
        cems_points=[f"MN3301020000{n:02d}" for n in range(1, cems_points + 1)],
    )


def common_document(context: PlantContext) -> dict[str, Any]:
    """A complete, valid inspection on the common form v1 for the given plant."""
    photos = _Photos()
    answers: dict[str, Any] = {
        "visit_started_at": "2024-07-16T09:05:00+08:00",
        "production_normal": True,
        "plant_representative": "王伟，环保主管",
        "separate_metering_installed": True,
        "lines": {code: _line(n, photos) for n, code in enumerate(context.lines)},
        "no_odour_workshop": True,
        "no_odour_yard": True,
        "no_dust_floors": True,
        "no_dust_walls": True,
        "no_dust_equipment": True,
        "storage_enclosed": True,
        "fugitive_photos": photos.take(2),
        "fugitive_notes": "原料棚东侧地面有少量积尘，已要求清扫。",
        "public_signboard_at_gate": True,
        "public_signboard_photo": photos.take(1),
        "equipment_label_photos": photos.take(2),
        "cems_present": True,
        "cems_points": {
            code: {
                "cems_running": True,
                "cems_networked": True,
                "cems_flow_rate": {"value": 182400 + 1000 * n, "unit": "m3/h"},
                "cems_last_calibration": "2024-03-28",
                "cems_analyser_photo": photos.take(1),
                "cems_screen_photo": photos.take(1),
            }
            for n, code in enumerate(context.cems_points)
        },
        "cems_data_months": 14,
        "dcs_data_months": 13,
        "gate_video_months": 7,
        "gates": {
            code: {
                "plate_recognition": True,
                "automatic_barrier": True,
                "records_kept": True,
                "blocks_banned_vehicles": True,
                "gate_photo": photos.take(1),
            }
            for code in context.gates
        },
        "loading_points_video": True,
        "loading_points_video_photos": photos.take(1),
        "video_retrieved_on_site": True,
        "ledger_records_checked": 8,
        "ledger_records_mismatched": 0,
        "ledger_has_emission_stage": True,
        "share_china_vi_or_new_energy": 82.5,
        "share_china_v": 17.5,
        "share_china_iv_or_older": 0,
        "vehicle_share_basis": "ledger",
        "nonroad_machinery_compliant": True,
        "records_present": [
            "eia_approval",
            "acceptance",
            "discharge_permit",
            "treatment_ledger",
            "maintenance_records",
            "monitoring_reports",
            "emergency_plan",
        ],
        "environmental_staff": True,
        "management_notes": "台账齐全。",
        "visit_ended_at": "2024-07-16T11:40:00+08:00",
        "inspector_attestation": {
            "attested": True,
            "by": "inspector:0042",
            "at": "2024-07-16T11:38:12+08:00",
        },
    }
    return {
        "_id": "inspection:7d1c0e4a",
        "type": "inspection",
        "schema_version": 1,
        "form_id": "common",
        "form_version": 1,
        "answers": answers,
    }


def count_answers(answers: dict[str, Any]) -> tuple[int, int]:
    """(answered items, photo references) of an answers object, repeat entries included."""
    items = photos = 0
    for value in answers.values():
        if isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()) and value:
            for entry in value.values():
                inner_items, inner_photos = count_answers(entry)
                items += inner_items
                photos += inner_photos
            continue
        items += 1
        if isinstance(value, list):
            photos += sum(1 for v in value if isinstance(v, str) and v.startswith("photo:"))
        elif isinstance(value, dict) and "photo" in value:
            photos += 1
    return items, photos
