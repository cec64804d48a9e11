"""Evidence of normal production for the demo city's visits: CEMS data and separate metering.

For each published demo visit the plant's CEMS points get a typical flue-gas flow and hourly
HJ 212 packets over the first working day of the window; two meters (production, treatment)
get a reading every 15 minutes. The plant of the last finished visit (one in city review)
switched its treatment off for two hours, so its visit is void and a reviewer sees why. Everything goes through the real
importers, as a bureau's upload would (one corrupt packet included, refused by line).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.assignments.models import Assignment, AssignmentStatus
from server.inspections.models import Inspection
from server.reconciliation.hj212 import FLUE_GAS_FLOW, build_packet, format_cp
from server.reconciliation.imports import import_cems, import_metering, register_meter
from server.reconciliation.models import ElectricityMeter
from server.reconciliation.service import refresh
from server.registry.models import Site

TYPICAL_FLOW = 42_000.0  # m³/h, illustrative
HOURS = 8


def _packets(mn: str, start: dt.datetime, *, corrupt_one: bool) -> str:
    lines = []
    for hour in range(HOURS):
        at = start + dt.timedelta(hours=hour)
        flow = TYPICAL_FLOW * (0.92 + 0.02 * (hour % 4))
        cp = format_cp(
            at,
            {
                FLUE_GAS_FLOW: {"Avg": round(flow, 1), "Flag": "N"},
                "a34013": {"Avg": 4.1 + 0.1 * (hour % 3), "Flag": "N"},  # particulate, mg/m³
            },
        )
        fields = {"QN": f"{at:%Y%m%d%H%M%S}000", "ST": "31", "CN": "2061", "PW": "123456"}
        lines.append(build_packet({**fields, "MN": mn, "Flag": "5", "CP": cp}))
    if corrupt_one:
        # a transmission error, refused by its CRC (flipped: never the packet's own)
        lines[3] = lines[3][:-6] + f"{int(lines[3][-6:-2], 16) ^ 0xFFFF:04X}\r\n"
    return "".join(lines)


def _readings(site_id: int, start: dt.datetime, *, treatment_off: bool) -> str:
    rows = ["meter,role,timestamp,kw"]
    for slot in range(HOURS * 4):
        at = (start + dt.timedelta(minutes=15 * slot)).isoformat()
        off = treatment_off and 8 <= slot < 16
        rows.append(f"EM-{site_id}-P,production,{at},{380 + 5 * (slot % 6)}")
        rows.append(f"EM-{site_id}-T,treatment,{at},{0 if off else 55 + slot % 3}")
    return "\n".join(rows) + "\n"


def load_demo_production(session: Session, admin: Actor) -> int:
    """Import CEMS and metering data for every published demo visit; returns how many."""
    visits = session.scalars(
        select(Assignment)
        .where(Assignment.status == AssignmentStatus.published)
        .order_by(Assignment.id)
    ).all()
    # The void visit is one the team finished (a city-review plant a reviewer opens), the last
    # of them; without finished visits, the last published one.
    finished = set(session.scalars(select(Inspection.assignment_id).distinct()))
    done = [v.id for v in visits if v.id in finished]
    void_visit = done[-1] if done else (visits[-1].id if visits else None)
    for n, visit in enumerate(visits):
        site = session.get(Site, visit.site_id)
        assert site is not None  # a foreign key
        for point in site.cems_points:
            point.typical_flow = TYPICAL_FLOW
            data = _packets(point.mn, visit.window_start, corrupt_one=n == 0).encode()
            import_cems(
                session, actor=admin, site_id=site.id, data=data, filename=f"{point.mn}.hj212"
            )
        known = select(ElectricityMeter.id).where(ElectricityMeter.site_id == site.id)
        if session.scalar(known) is None:
            for role, suffix in (("production", "P"), ("treatment", "T")):
                register_meter(
                    session, actor=admin, site_id=site.id, code=f"EM-{site.id}-{suffix}", role=role
                )
        csv = _readings(site.id, visit.window_start, treatment_off=visit.id == void_visit)
        import_metering(session, actor=admin, site_id=site.id, data=csv.encode(), filename="m.csv")
    refresh(session, {v.filing_id for v in visits})
    return len(visits)
