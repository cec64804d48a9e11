"""Importing the evidence of normal production: HJ 212 CEMS packets and separate metering CSV.

Bad lines are refused one by one with their numbers and kept in the import's record, the good
ones are stored: a sender fixes and resends only what was refused. Resending data already
stored counts it as a duplicate and changes nothing, so an import can always be retried.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.audit.service import record
from server.errors import Conflict, NotFound, ValidationFailed
from server.reconciliation import hj212, metering
from server.reconciliation.models import (
    CemsRecord,
    DataImport,
    ElectricityMeter,
    MeteringReading,
)
from server.registry.models import CemsPoint, Site
from server.registry.repository import get_site

MAX_IMPORT_BYTES = 20 * 1024 * 1024  # a month of minute data for a few points fits easily
METERING_INTERVAL = timedelta(minutes=15)  # the usual reading interval; longer pauses are gaps
IMPORTERS = (Role.county_reviewer, Role.city_reviewer, Role.admin)


class DuplicateMeter(Conflict):
    code = "meter.duplicate"


def _decode(data: bytes, what: str) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationFailed(
            f"the {what} file is {len(data)} bytes; the limit is {MAX_IMPORT_BYTES}: split it",
            errors={"file": [f"at most {MAX_IMPORT_BYTES} bytes"]},
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            f"the {what} file is not UTF-8 text (byte {exc.start}): save it as UTF-8 and resend",
            errors={"file": ["must be UTF-8 text"]},
        ) from exc


def _writable_site(session: Session, actor: Actor, site_id: int) -> Site:
    actor.require(*IMPORTERS)
    return get_site(session, actor, site_id)  # NotFound outside the actor's county


def _new_import(
    session: Session, actor: Actor, *, kind: str, site: Site, data: bytes, filename: str | None
) -> DataImport:
    row = DataImport(
        kind=kind,
        site_id=site.id,
        filename=(filename or "")[:200] or None,
        sha256=hashlib.sha256(data).hexdigest(),
        accepted=0,
        duplicates=0,
        rejected=0,
        errors=[],
        gaps=[],
        imported_by=actor.user_id,
    )
    session.add(row)
    session.flush()  # the id goes on every stored record
    return row


def _audit(session: Session, actor: Actor, row: DataImport) -> None:
    record(
        session,
        actor_id=actor.user_id,
        action=f"{row.kind}.imported",
        subject_type="site",
        subject_id=row.site_id,
        data={
            "import_id": row.id,
            "sha256": row.sha256,
            "accepted": row.accepted,
            "duplicates": row.duplicates,
            "rejected": row.rejected,
        },
    )


def import_cems(
    session: Session, *, actor: Actor, site_id: int, data: bytes, filename: str | None = None
) -> DataImport:
    """Store a site's HJ 212 packets (one a line). Raises Forbidden, NotFound, ValidationFailed."""
    site = _writable_site(session, actor, site_id)
    text = _decode(data, "HJ 212")
    points = {p.mn: p for p in site.cems_points}
    parsed = hj212.parse_stream(text, known_mns=points)
    row = _new_import(session, actor, kind="hj212", site=site, data=data, filename=filename)
    errors = [{"line": e.line, "code": e.code, "message": e.message} for e in parsed.errors]
    keys = {(points[r.mn].id, r.cn, r.data_time) for r in parsed.records}
    existing = _existing_cems(session, keys)
    fresh: list[dict[str, Any]] = []
    for rec in parsed.records:
        key = (points[rec.mn].id, rec.cn, rec.data_time)
        if key in existing:
            row.duplicates += 1
            continue
        existing.add(key)
        flow, flag = hj212.flue_gas_flow(rec)
        fresh.append(
            {
                "point_id": key[0],
                "import_id": row.id,
                "cn": rec.cn,
                "data_time": rec.data_time,
                "flow": flow,
                "flag": flag,
                "pollutants": {
                    code: {"values": p.values, "flag": p.flag} for code, p in rec.pollutants.items()
                },
            }
        )
    if fresh:
        session.execute(insert(CemsRecord), fresh)
    row.accepted, row.rejected, row.errors = len(fresh), len(errors), errors
    _audit(session, actor, row)
    return row


def _existing_cems(
    session: Session, keys: set[tuple[int, str, dt.datetime]]
) -> set[tuple[int, str, dt.datetime]]:
    if not keys:
        return set()
    point_ids = {k[0] for k in keys}
    times = [k[2] for k in keys]
    rows = session.execute(
        select(CemsRecord.point_id, CemsRecord.cn, CemsRecord.data_time).where(
            CemsRecord.point_id.in_(point_ids),
            CemsRecord.data_time >= min(times),
            CemsRecord.data_time <= max(times),
        )
    )
    return {(p, cn, t) for p, cn, t in rows} & keys


def import_metering(
    session: Session, *, actor: Actor, site_id: int, data: bytes, filename: str | None = None
) -> DataImport:
    """Store a site's separate-metering readings (CSV ``meter,role,timestamp,kw``); unknown
    meters, bad rows and repeated rows are refused by row number, gaps are reported.
    Raises Forbidden, NotFound, ValidationFailed."""
    site = _writable_site(session, actor, site_id)
    text = _decode(data, "metering")
    meters = {
        m.code: m
        for m in session.scalars(
            select(ElectricityMeter).where(ElectricityMeter.site_id == site.id)
        )
    }
    parsed = metering.parse_metering(text, known_meters={c: m.role for c, m in meters.items()})
    row = _new_import(session, actor, kind="metering", site=site, data=data, filename=filename)
    errors = [{"row": e.row, "code": e.code, "message": e.message} for e in parsed.errors]
    existing = _existing_readings(
        session, [(meters[r.meter].id, r.timestamp) for r in parsed.readings]
    )
    fresh: list[dict[str, Any]] = []
    for reading in parsed.readings:
        key = (meters[reading.meter].id, reading.timestamp)
        if key in existing:
            row.duplicates += 1
            continue
        fresh.append(
            {
                "meter_id": key[0],
                "site_id": site.id,
                "import_id": row.id,
                "at": reading.timestamp,
                "kw": reading.kw,
            }
        )
    if fresh:
        session.execute(insert(MeteringReading), fresh)
    row.accepted, row.rejected, row.errors = len(fresh), len(errors), errors
    row.gaps = [
        {
            "meter": gap.meter,
            "after": gap.after.isoformat(),
            "before": gap.before.isoformat(),
            "minutes": round(gap.duration.total_seconds() / 60, 1),
        }
        for gap in metering.gaps(parsed.readings, METERING_INTERVAL)
    ]
    _audit(session, actor, row)
    return row


def _existing_readings(
    session: Session, keys: Iterable[tuple[int, dt.datetime]]
) -> set[tuple[int, dt.datetime]]:
    wanted = set(keys)
    if not wanted:
        return set()
    times = [k[1] for k in wanted]
    rows = session.execute(
        select(MeteringReading.meter_id, MeteringReading.at).where(
            MeteringReading.meter_id.in_({k[0] for k in wanted}),
            MeteringReading.at >= min(times),
            MeteringReading.at <= max(times),
        )
    )
    return {(m, t) for m, t in rows} & wanted


def list_imports(session: Session, *, actor: Actor, site_id: int) -> list[DataImport]:
    site = _writable_site(session, actor, site_id)
    return list(
        session.scalars(
            select(DataImport).where(DataImport.site_id == site.id).order_by(DataImport.id.desc())
        )
    )


def register_meter(
    session: Session,
    *,
    actor: Actor,
    site_id: int,
    code: str,
    role: str,
    line_code: str | None = None,
    name: str | None = None,
) -> ElectricityMeter:
    """Register a separate-metering meter. Raises Forbidden, NotFound, ValidationFailed,
    DuplicateMeter."""
    site = _writable_site(session, actor, site_id)
    if role not in metering.ROLES:
        raise ValidationFailed(
            f"role {role!r} is not production or treatment",
            errors={"role": ["must be production or treatment"]},
        )
    if line_code is not None and line_code not in {line.code for line in site.lines}:
        raise ValidationFailed(
            f"site {site.id} has no production line {line_code!r}",
            errors={"line_code": ["must be one of the site's lines"]},
        )
    if session.scalar(select(ElectricityMeter.id).where(ElectricityMeter.code == code)):
        raise DuplicateMeter(f"meter {code!r} is already registered")
    meter = ElectricityMeter(site_id=site.id, code=code, role=role, line_code=line_code, name=name)
    session.add(meter)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="meter.registered",
        subject_type="site",
        subject_id=site.id,
        data={"meter_id": meter.id, "code": code, "role": role},
    )
    return meter


def list_meters(session: Session, *, actor: Actor, site_id: int) -> list[ElectricityMeter]:
    site = _writable_site(session, actor, site_id)
    return list(
        session.scalars(
            select(ElectricityMeter)
            .where(ElectricityMeter.site_id == site.id)
            .order_by(ElectricityMeter.code)
        )
    )


def set_typical_flow(
    session: Session, *, actor: Actor, site_id: int, mn: str, typical_flow: float | None
) -> CemsPoint:
    """Register a CEMS point's typical flue-gas flow (m³/h). Raises Forbidden, NotFound,
    ValidationFailed."""
    site = _writable_site(session, actor, site_id)
    point = next((p for p in site.cems_points if p.mn == mn), None)
    if point is None:
        raise NotFound(f"site {site.id} has no CEMS point with MN {mn}")
    if typical_flow is not None and not typical_flow > 0:
        raise ValidationFailed(
            "the typical flow must be a positive number of m³/h",
            errors={"typical_flow": ["must be > 0"]},
        )
    point.typical_flow = typical_flow
    record(
        session,
        actor_id=actor.user_id,
        action="cems_point.typical_flow_set",
        subject_type="site",
        subject_id=site.id,
        data={"mn": mn, "typical_flow": typical_flow},
    )
    return point


def import_and_reconcile(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    site_id: int,
    data: bytes,
    filename: str | None = None,
) -> tuple[DataImport, int]:
    """Import CEMS (``hj212``) or metering data, then recompute the site's reconciliations so
    no result is stale; returns the import and how many filings were recomputed.
    Raises what the importers raise."""
    from server.reconciliation.service import refresh_for_site  # the service loads imports' rows

    importer = import_cems if kind == "hj212" else import_metering
    row = importer(session, actor=actor, site_id=site_id, data=data, filename=filename)
    if row.accepted == 0 and row.duplicates == 0 and row.rejected:
        raise ValidationFailed(
            f"no line of the {kind} file could be kept; fix the lines named and resend",
            errors={"lines": row.errors[:200]},
        )
    return row, refresh_for_site(session, row.site_id)
