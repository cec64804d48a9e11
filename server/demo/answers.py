"""Answers a demo inspector gives on the common and foundry checklists (version 1 of each).

A plant that meets grade A nearly everywhere; in the second demo visit (``variant`` 1) one gate
has no plate recognition, so the dossier shows an indicator the evidence contradicts. Photo
references name the member's demo photos by what they show (``line``, ``fugitive``, ``gate``,
``cems``, ``signboard``); one photo may answer several items, as on a real visit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection_forms import Criterion, Form, Item, PlantContext

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


def _met_number(item: Item, criterion: Criterion | None) -> float:
    """A number inside the item's range that meets its criterion (if it has one)."""
    value: float = item.minimum if item.minimum is not None else 0
    if criterion is not None and criterion.op == "equals":
        return criterion.value
    if criterion is not None and criterion.value is None and criterion.op == "at_least":
        value = item.maximum if item.maximum is not None else 10_000  # a setting's threshold
    elif criterion is not None and criterion.value is not None:
        if criterion.op in ("at_least", "greater_than"):
            value = max(
                value, float(criterion.value) + (1 if criterion.op == "greater_than" else 0)
            )
        elif criterion.op in ("at_most", "less_than"):
            value = float(criterion.value) * 0.8  # comfortably under the limit
    if item.maximum is not None:
        value = min(value, item.maximum)
    if item.minimum is not None:
        value = max(value, item.minimum)
    return int(value) if item.integer else round(value, 2)


def _met_choice(item: Item, criterion: Criterion | None) -> Any:
    codes = [o.code for o in item.options]
    if criterion is not None and criterion.op == "equals":
        return criterion.value
    if criterion is not None and criterion.op == "one_of" and criterion.values:
        return criterion.values[0]
    if criterion is not None and criterion.op == "none_of":
        return next((c for c in codes if c not in criterion.values), codes[0])
    return codes[0]


def _met_choices(item: Item, criterion: Criterion | None) -> list[Any]:
    codes = [o.code for o in item.options]
    if criterion is not None and criterion.op == "includes_all":
        chosen = list(criterion.values)
    elif criterion is not None and criterion.op == "none_of":
        chosen = [c for c in codes if c not in criterion.values][:1]
    else:
        chosen = codes[: max(item.min_selected, 1)]
    return chosen[: item.max_selected] if item.max_selected else chosen


class _Visit:
    """What a generic checklist's answers draw on: the member's photos, in turn, and the visit's
    times."""

    def __init__(self, photos: PhotoRefs, started: dt.datetime, inspector: str) -> None:
        self.photos = [ref for refs in photos.values() for ref in refs]
        self.turn = 0
        self.started = started
        self.inspector = inspector

    def some_photos(self, count: int) -> list[str]:
        chosen = []
        for _ in range(max(count, 1)):
            chosen.append(self.photos[self.turn % len(self.photos)])
            self.turn += 1
        return list(dict.fromkeys(chosen))  # one photo answers an item once

    def answer(self, item: Item, grade: str) -> Any:
        criterion = item.criterion_for(grade)
        kind = item.kind
        if kind == "yes_no":
            return criterion.value if criterion is not None and criterion.op == "equals" else True
        if kind == "single_choice":
            return _met_choice(item, criterion)
        if kind == "multiple_choice":
            return _met_choices(item, criterion)
        if kind == "number":
            return _met_number(item, criterion)
        if kind == "text" and criterion is not None and criterion.op == "equals":
            return criterion.value
        if kind == "meter":
            reading = _met_number(item, criterion)
            return _meter(reading, item.unit or "", "M-01", self.some_photos(1)[0])
        if kind == "photo":
            return self.some_photos(item.min_count)
        if kind == "date":
            return self.started.date().isoformat()
        if kind == "datetime":
            return self.started.isoformat()
        if kind == "attestation":
            return {"attested": True, "by": self.inspector, "at": self.started.isoformat()}
        return "现场核实，与申报一致。"  # text

    def fill(self, items: tuple[Item, ...], grade: str, context: PlantContext) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for item in items:
            if not all(c.holds(answers.get(c.item)) for c in item.conditions):
                continue
            if item.kind == "repeat":
                keys = getattr(context, item.over or "lines")
                answers[item.id] = {key: self.fill(item.items, grade, context) for key in keys}
            else:
                answers[item.id] = self.answer(item, grade)
        return answers


def answers_meeting(
    form: Form,
    grade: str,
    context: PlantContext,
    photos: PhotoRefs,
    *,
    started: dt.datetime,
    inspector: str,
) -> dict[str, Any]:
    """Any checklist (an industry's form, or the items generated from the plant's claims)
    answered as an inspector who found the plant as it claims: every shown item answered so that
    its criterion at ``grade`` is met, photos taken from the member's demo photos in turn."""
    return _Visit(photos, started, inspector).fill(tuple(form.items.values()), grade, context)
