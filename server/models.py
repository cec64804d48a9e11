"""Every model, imported once so that metadata (Alembic, tests) sees all tables."""

from server.accounts.models import Role, SignInFailures, User, WebSession
from server.assignments.models import Assignment, AssignmentMember, AssignmentStatus
from server.audit.models import AuditEvent
from server.compliance.models import (
    ConflictDeclaration,
    ConflictKind,
    IntegrityRecord,
    Penalty,
    PenaltyKind,
)
from server.db import Base
from server.evidence.models import Device, Photo, PhotoCustody, PhotoFinding
from server.filings.models import (
    Filing,
    FilingStatus,
    IndicatorClaim,
    IndustryCase,
    SupportingDocument,
)
from server.inspections.models import (
    Inspection,
    InspectionRevision,
    InspectionStatus,
)
from server.reconciliation.models import (
    CemsRecord,
    DataImport,
    ElectricityMeter,
    MeteringReading,
    ReconciliationResult,
)
from server.registry.models import CemsPoint, Enterprise, ProductionLine, Site, VehicleGate
from server.review.downgrade_models import CheckKind, GradeDowngrade
from server.review.models import (
    JurisdictionSettings,
    ReviewBatch,
    ReviewDecision,
    ReviewTransition,
)
from server.sampling.models import Draw, DrawEntry
from server.syncstate.models import (
    AssignmentPush,
    IngestedRevision,
    OutboxDocument,
    SyncCheckpoint,
    SyncFailure,
)

__all__ = [
    "Assignment",
    "AssignmentMember",
    "AssignmentPush",
    "AssignmentStatus",
    "AuditEvent",
    "Base",
    "CemsPoint",
    "CemsRecord",
    "CheckKind",
    "ConflictDeclaration",
    "ConflictKind",
    "DataImport",
    "Device",
    "Draw",
    "DrawEntry",
    "ElectricityMeter",
    "Enterprise",
    "Filing",
    "FilingStatus",
    "GradeDowngrade",
    "IndicatorClaim",
    "IndustryCase",
    "IngestedRevision",
    "Inspection",
    "InspectionRevision",
    "InspectionStatus",
    "IntegrityRecord",
    "JurisdictionSettings",
    "MeteringReading",
    "OutboxDocument",
    "Penalty",
    "PenaltyKind",
    "Photo",
    "PhotoCustody",
    "PhotoFinding",
    "ProductionLine",
    "ReconciliationResult",
    "ReviewBatch",
    "ReviewDecision",
    "ReviewTransition",
    "Role",
    "SignInFailures",
    "Site",
    "SupportingDocument",
    "SyncCheckpoint",
    "SyncFailure",
    "User",
    "VehicleGate",
    "WebSession",
]
