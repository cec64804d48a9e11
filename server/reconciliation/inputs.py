"""What a filing's reconciliation is computed from, as plain values (no SQL, no Flask).

``server.reconciliation.loading`` fills these from the database in bulk; ``compute`` turns
them into the result. Keeping the two apart lets the benchmark time loading alone, and lets the
worked cases of the rules be written without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from inspection_forms import Form
from server.compliance.kinds import DEFAULT_BAR, PenaltyBar
from server.reconciliation.emission_limits import EmissionSettings, Hour
from server.reconciliation.hj212 import Record
from server.reconciliation.indicators import PhotoFinding
from server.reconciliation.metering import Reading


@dataclass(frozen=True)
class ClaimInput:
    claim_id: int
    category: str
    indicator_code: str
    claimed_value: str | None = None


@dataclass(frozen=True)
class CaseInput:
    case_id: int
    industry: str
    guide_version: str
    claimed_grade: str
    main: bool
    scale: tuple[str, ...]
    claims: tuple[ClaimInput, ...]


@dataclass(frozen=True)
class InspectionInput:
    doc_id: str
    inspector_id: int
    status: str  # draft | accepted | rejected | withdrawn
    form_id: str | None
    answers: dict[str, Any]
    started_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    has_conflict: bool = False


@dataclass(frozen=True)
class VisitInput:
    assignment_id: int
    window_start: dt.datetime
    window_end: dt.datetime
    forms: tuple[Form, ...]
    members: tuple[int, ...]
    inspections: tuple[InspectionInput, ...]
    cems: tuple[Record, ...] = ()
    metering: tuple[Reading, ...] = ()


@dataclass(frozen=True)
class FilingInputs:
    filing_id: int
    year: int
    received_on: dt.date
    essential_service: bool
    policy: str  # the jurisdiction's multi-industry policy, as jurisdiction settings name it
    cases: tuple[CaseInput, ...]
    visits: tuple[VisitInput, ...] = ()
    photo_findings: dict[str, list[PhotoFinding]] = field(default_factory=dict)
    typical_flow: dict[str, float] = field(default_factory=dict)  # MN → m³/h
    penalties: tuple[tuple[str, dt.date], ...] = ()  # (kind, decided on)
    integrity_records: tuple[tuple[dt.date, str], ...] = ()  # (recorded on, reason)
    downgraded_within_year: bool = False
    bars_downgraded: bool = False
    penalty_bar: PenaltyBar = DEFAULT_BAR  # the jurisdiction's rule 6 (kinds, grades, period)
    gate_video_retention_months: int = 6  # the jurisdiction's rule 17 (S1 §(五): 6 months)
    # the jurisdiction's grades exempt per pollution level (S4 §四(三)); empty: national tables
    pollution_exemptions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    on: dt.date | None = None  # the day exclusions are judged on (China time)
    # Received after its batch's deadline: managed at the lowest grade (S1 §(十七), review.register)
    late_filing: bool = False
    plant: dict[str, Any] = field(default_factory=dict)  # names for the emergency list entry
    # HJ 212 hourly averages per pollutant code at the site's CEMS points, over each visit
    # window and the ``emission_settings.lookback_days`` before it (emission-limit claims)
    emission_hours: dict[str, tuple[Hour, ...]] = field(default_factory=dict)
    emission_settings: EmissionSettings = field(default_factory=EmissionSettings)
