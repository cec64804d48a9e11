"""Reconciliation storage: imported CEMS and metering data, and each filing's computed result.

CEMS records (HJ 212) and metering readings are evidence of normal production (rule 5, 21);
they arrive as imports whose rejected lines are kept with the import, so nothing sent is lost.
``ReconciliationResult`` is the last computation for a filing, with the fingerprint of the
evidence it was computed from: a read whose fingerprint differs recomputes, so it is never stale.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class DataImport(Base):
    """One upload of CEMS packets or metering rows: what was kept, what was refused and why."""

    __tablename__ = "data_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # hj212 | metering
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    filename: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    accepted: Mapped[int]
    duplicates: Mapped[int]
    rejected: Mapped[int]
    # [{line|row, code, message}]: every refused line, so the sender can fix and resend it
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    gaps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CemsRecord(Base):
    """One HJ 212 data packet of a monitoring point: minute (2051), hourly (2061) or real time."""

    __tablename__ = "cems_records"
    __table_args__ = (
        UniqueConstraint("point_id", "cn", "data_time"),
        Index("ix_cems_records_point_time", "point_id", "data_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("cems_points.id"))
    import_id: Mapped[int] = mapped_column(ForeignKey("data_imports.id"), index=True)
    cn: Mapped[str] = mapped_column(String(4))
    data_time: Mapped[dt.datetime]  # UTC
    flow: Mapped[float | None] = mapped_column(Float)  # a00000 Avg (or Rtd), m³/h
    flag: Mapped[str | None] = mapped_column(String(2))  # the flow's data flag: N F M S D C T B
    # pollutant code → {"values": {"Avg": ...}, "flag": "N"}
    pollutants: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ElectricityMeter(Base):
    """A separate-metering meter (分表计电) on a production or a treatment installation."""

    __tablename__ = "electricity_meters"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(12))  # production | treatment
    line_code: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))


class MeteringReading(Base):
    __tablename__ = "metering_readings"
    __table_args__ = (
        UniqueConstraint("meter_id", "at"),
        Index("ix_metering_readings_site_at", "site_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("electricity_meters.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    import_id: Mapped[int] = mapped_column(ForeignKey("data_imports.id"), index=True)
    at: Mapped[dt.datetime]  # UTC
    kw: Mapped[float] = mapped_column(Float)


class ReconciliationResult(Base):
    """A filing's reconciliation as last computed, and the evidence fingerprint it came from.

    ``result`` is the whole answer the API and the reviewer pages show (see
    ``server.reconciliation.service``): per case and indicator the verdict with its evidence,
    the grade the evidence supports with its explanation, the production verdict per visit and
    the emergency obligations.
    """

    __tablename__ = "reconciliation_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    supported_grade: Mapped[str | None] = mapped_column(String(12))
    confirmed: Mapped[bool] = mapped_column(default=False)
    needs_new_visit: Mapped[bool] = mapped_column(default=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
