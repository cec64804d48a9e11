"""Penalty, integrity and conflict-of-interest records (rules 6, 7 and 9)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.accounts.models import User
from server.compliance.kinds import PenaltyKind
from server.db import Base, utcnow
from server.registry.models import Enterprise

__all__ = ["ConflictDeclaration", "ConflictKind", "IntegrityRecord", "Penalty", "PenaltyKind"]


class Penalty(Base):
    """An administrative penalty (行政处罚); which kinds bar which grades is a jurisdiction
    setting (rule 6, ``server.compliance.kinds``)."""

    __tablename__ = "penalties"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    kind: Mapped[PenaltyKind] = mapped_column(Enum(PenaltyKind, native_enum=False, length=40))
    decided_on: Mapped[dt.date]
    document_no: Mapped[str | None] = mapped_column(String(100))  # 处罚决定书文号
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()


class IntegrityRecord(Base):
    """诚信档案: falsified material; lowest grade and no application for a year (rule 7)."""

    __tablename__ = "integrity_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    recorded_on: Mapped[dt.date]
    barred_until: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()


class ConflictKind(enum.StrEnum):
    """Ties that bar a person from reviewing or inspecting an enterprise (S2 §二)."""

    third_party_service = "third_party_service"  # the person's firm served the plant
    acceptance_expert = "acceptance_expert"  # expert in its environmental acceptance
    cleaner_production_audit = "cleaner_production_audit"
    employment = "employment"
    other = "other"


class ConflictDeclaration(Base):
    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[ConflictKind] = mapped_column(Enum(ConflictKind, native_enum=False, length=40))
    description: Mapped[str | None] = mapped_column(Text)
    declared_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    user: Mapped[User] = relationship()
