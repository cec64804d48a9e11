"""Every model, imported once so that metadata (Alembic, tests) sees all tables."""

from server.accounts.models import Role, User
from server.audit.models import AuditEvent
from server.compliance.models import (
    ConflictDeclaration,
    ConflictKind,
    IntegrityRecord,
    Penalty,
    PenaltyKind,
)
from server.db import Base
from server.filings.models import (
    Filing,
    FilingStatus,
    IndicatorClaim,
    IndustryCase,
    SupportingDocument,
)
from server.registry.models import CemsPoint, Enterprise, ProductionLine, Site, VehicleGate

__all__ = [
    "AuditEvent",
    "Base",
    "CemsPoint",
    "ConflictDeclaration",
    "ConflictKind",
    "Enterprise",
    "Filing",
    "FilingStatus",
    "IndicatorClaim",
    "IndustryCase",
    "IntegrityRecord",
    "Penalty",
    "PenaltyKind",
    "ProductionLine",
    "Role",
    "Site",
    "SupportingDocument",
    "User",
    "VehicleGate",
]
