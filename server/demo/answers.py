"""Answers a demo inspector gives on the common and foundry checklists (version 1 of each).

A plant that meets grade A nearly everywhere; in the second demo visit (``variant`` 1) one gate
has no plate recognition, so the dossier shows an indicator the evidence contradicts. Photo
references name the member's demo photos by what they show (``line``, ``fugitive``, ``gate``,
``cems``, ``signboard``); one photo may answer several items, as on a real visit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection_forms import PlantContext

PhotoRefs = dict[str, list[str]]


def _meter(value: float, unit: str, meter_id: str, photo: str | None = None) -> dict[str, Any]:
    reading: dict[str, Any] = {"value": value, "unit": unit, "meter_id": meter_id}
    if photo is not None:
        reading["photo"] = photo
    return reading


def _line(n: int, photos: PhotoRefs) -> dict[str, Any]:
    line_photo = photos["line"][0]
    return {
        "line_matches_permit": True,
        "line_in_reduction_list": True,
        "line_running": True,
        "line_load_percent": 82 + n,
        "line_production_record_photo": [line_photo],
        "production_meter_start": _meter(18_240.5 + 40 * n, "kWh", f"EM-P{n + 1:02d}", line_photo),
        "production_meter_end": _meter(18_391.2 + 40 * n, "kWh", f"EM-P{n + 1:02d}"),
        "treatment_meter_start": _meter(4_410.0 + 10 * n, "kWh", f"EM-T{n + 1:02d}", line_photo),
        "treatment_meter_end": _meter(4_446.8 + 10 * n, "kWh", f"EM-T{n + 1:02d}"),
        "treatment_running": True,
        "treatment_photo": [line_photo],
        "equipment_labels_present": True,
    }


def common_answers(
    context: PlantContext,
    photos: PhotoRefs,
    *,
    started: dt.datetime,
    ended: dt.datetime,
    inspector: str,
    variant: int,
) -> dict[str, Any]:
    """A complete common checklist for the plant's lines, gates and CEMS points."""
    cems = photos.get("cems") or photos["line"]
    last_gate = context.gates[-1] if context.gates else None
    answers: dict[str, Any] = {
        "visit_started_at": started.isoformat(),
        "production_normal": True,
        "plant_representative": "刘建国，安环部部长",
        "separate_metering_installed": True,
        "lines": {code: _line(n, photos) for n, code in enumerate(context.lines)},
        "no_odour_workshop": True,
        "no_odour_yard": True,
        "no_dust_floors": True,
        "no_dust_walls": True,
        "no_dust_equipment": True,
        "storage_enclosed": True,
        "fugitive_photos": photos["fugitive"][:2],
        "fugitive_notes": "车间地面、墙面及设备表面无可见积尘。",
        "public_signboard_at_gate": True,
        "public_signboard_photo": photos["signboard"][:1],
        "equipment_label_photos": photos["line"][:1],
        "cems_present": bool(context.cems_points),
        "dcs_data_months": 13,
        "gate_video_months": 7,
        "gates": {
            code: {
                "plate_recognition": not (variant == 1 and code == last_gate),
                "automatic_barrier": True,
                "records_kept": True,
                "blocks_banned_vehicles": True,
                "gate_photo": photos["gate"][:1],
            }
            for code in context.gates
        },
        "loading_points_video": True,
        "loading_points_video_photos": photos["gate"][:1],
        "video_retrieved_on_site": True,
        "ledger_records_checked": 10,
        "ledger_records_mismatched": 0,
        "ledger_has_emission_stage": True,
        "share_china_vi_or_new_energy": 86.0,
        "share_china_v": 14.0,
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
        "management_notes": "环评、验收、排污许可及治理设施台账齐全。",
        "visit_ended_at": ended.isoformat(),
        "inspector_attestation": {"attested": True, "by": inspector, "at": ended.isoformat()},
    }
    if context.cems_points:
        answers["cems_data_months"] = 14
        answers["cems_points"] = {
            code: {
                "cems_running": True,
                "cems_networked": True,
                "cems_flow_rate": _meter(52_300 + 900 * n, "m3/h", code),
                "cems_last_calibration": (started.date() - dt.timedelta(days=62)).isoformat(),
                "cems_analyser_photo": cems[:1],
                "cems_screen_photo": cems[:1],
            }
            for n, code in enumerate(context.cems_points)
        }
    return answers


def foundry_answers(
    context: PlantContext,
    photos: PhotoRefs,
    *,
    started: dt.datetime,
    ended: dt.datetime,
    inspector: str,
    variant: int,
) -> dict[str, Any]:
    """A complete foundry checklist: electric melting, bag filters, RTO, low emissions."""
    cems = photos.get("cems") or photos["line"]
    return {
        "melting_energy": "electricity",
        "heat_treatment_energy": "natural_gas",
        "foundry_lines": {
            code: {
                "furnace_type": "induction",
                "moulding_process": "resin_sand",
                "line_equipment_photo": photos["line"][:1],
            }
            for code in context.lines
        },
        "melting_dust_collector": "bag_filter",
        "voc_treatment": "rto",
        "treatment_equipment_photos": cems[:1],
        "emission_evidence": "cems_screen",
        "pm_concentration": _meter(6.2, "mg/m3", "CEMS", cems[0]),
        "nox_concentration": _meter(38.0, "mg/m3", "CEMS", cems[0]),
        "sand_handling_enclosed": True,
        "pouring_fume_captured": True,
        "shakeout_enclosed": True,
        "cleaning_enclosed": True,
        "foundry_fugitive_photos": photos["fugitive"][:2],
        "melting_stack_cems": True,
        "process_parameters_recorded": True,
    }
