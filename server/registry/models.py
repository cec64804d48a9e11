"""Registry models. One enterprise has one or more sites; each site is its own grading case (S4)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, utcnow

if TYPE_CHECKING:
    from server.filings.models import Filing


class Enterprise(Base):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    city: Mapped[str] = mapped_column(String(50))
    county: Mapped[str] = mapped_column(String(50), index=True)
    classified: Mapped[bool] = mapped_column(default=False)  # rule 15: not published
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    sites: Mapped[list[Site]] = relationship(
        back_populates="enterprise", order_by="Site.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class Site(Base):
    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("enterprise_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    # A list of GeoJSON polygons ([[ [lon, lat], ... ], holes...]) in ``datum``. A site from
    # the bureau's spreadsheet has none until the plant draws it; geofence checks then say so.
    boundary: Mapped[list[Any] | None] = mapped_column(JSON)
    datum: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    enterprise: Mapped[Enterprise] = relationship(back_populates="sites")
    lines: Mapped[list[ProductionLine]] = relationship(
        back_populates="site", order_by="ProductionLine.code", cascade="all, delete-orphan"
    )
    cems_points: Mapped[list[CemsPoint]] = relationship(
        back_populates="site", order_by="CemsPoint.mn", cascade="all, delete-orphan"
    )
    gates: Mapped[list[VehicleGate]] = relationship(
        back_populates="site", order_by="VehicleGate.code", cascade="all, delete-orphan"
    )
    filings: Mapped[list[Filing]] = relationship(back_populates="site")

    __mapper_args__ = {"version_id_col": version}


class ProductionLine(Base):
    __tablename__ = "production_lines"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    code: Mapped[str] = mapped_column(String(20))  # "L01": how forms and tablets name the line
    name: Mapped[str] = mapped_column(String(200))
    industry_code: Mapped[str | None] = mapped_column(String(50))
    # 明示牌: a step that must stop in an alert carries an equipment label (rule 18).
    stops_in_alert: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship(back_populates="lines")


class CemsPoint(Base):
    """A continuous emission monitoring point, named by its HJ 212 MN (device code)."""

    __tablename__ = "cems_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    mn: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    pollutants: Mapped[list[str]] = mapped_column(JSON, default=list)
    line_code: Mapped[str | None] = mapped_column(String(20))
    # The point's flue-gas flow (m³/h) in normal production: the level the CEMS flow during a
    # visit is compared with (rule 21). None: not registered, the flow then cannot decide.
    typical_flow: Mapped[float | None] = mapped_column(Float)

    site: Mapped[Site] = relationship(back_populates="cems_points")


class VehicleGate(Base):
    """门禁系统: a vehicle entrance with plate recognition, barrier and video (rule 17)."""

    __tablename__ = "vehicle_gates"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))

    site: Mapped[Site] = relationship(back_populates="gates")
