"""A filing's reconciliation: claims against findings, the supported grade, normal production.

``current_result(session, filing_id)`` returns the stored ``ReconciliationResult``, recomputing
it first when the evidence changed since (its fingerprint differs) — so a read is never stale.
Storing what was recomputed is a cache: a reader hands it to ``keep`` (which may skip it when
the database is busy) and never fails because it could not be written; the worker and the CLI
store in their own transaction (``refresh``).
``result.result`` is a JSON object:

    {
      "filing_id": 12, "computed_at": "...Z", "policy": "lowest",
      "claimed_grade": "A",                      # the main industry's claim
      "supported_grade": "B" | null,             # the plant's grade on the evidence
      "confirmed": false,                        # false while an indicator is unverifiable
      "needs_new_visit": false,                  # a visit without normal production
      "explanation": [Step, ...],                # overall + exclusions
      "cases": [{
          "case_id": 3, "industry": "foundry", "guide_version": "MEE2020",
          "main": true, "scale": ["A", "B", "C", "D"],
          "claimed_grade": "A", "grade": "B", "confirmed": false,
          "decided_by": ["energy.melting_energy"], "explanation": [Step, ...],
          "indicators": [{
              "claim_id": 7, "indicator": "energy.melting_energy", "category": "energy",
              "claimed_grade": "A", "claimed_value": "...",
              "verdict": "verified" | "contradicted" | "unverifiable",
              "meets": "B" | null, "disagreement": false, "reviewer_required": false,
              "reasons": [Step, ...],
              "decided_by": [{"form", "path", "item", "member", "answer", "passed"}],
              "criteria": {"<item id>": {"op", "value" | "values", "label", "source", ...}},
              "photos_used": ["photo doc id", ...],
              "photos_discarded": [{"ref": "photo doc id", "reasons": ["geo.outside_boundary"]}],
              # emission-limit claims only (issue 17): the claim against the CEMS hours
              "emission": {"pollutant": "a21026", "limit": 35.0, "unit": "mg/m³",
                           "oxygen_ref": 18.0 | null, "oxygen_source": "claim" | "GB …" | null,
                           "basis": "zs" | "converted" | "measured" | "mixed" | "none",
                           "verdict": ..., "points": ["MN"], "step": Step,
                           "visit" | "before": {"start", "end", "expected_hours",
                               "hours_with_data", "gap_hours", "valid_hours",
                               "excluded": {"F": 1, "no_oxygen": 2}, "hours_above",
                               "share_above", "maximum", "maximum_at", "maximum_point",
                               "mean"}},
          }],
      }],
      "visits": [{
          "assignment_id": 5, "window_start": "...Z", "window_end": "...Z",
          "inspections": [{"doc_id", "inspector_id", "status"}],
          "production": {"status": "normal" | "not_normal" | "unknown",
                         "reasons": [Step, ...]},
          "void": false,                         # not normal: void for grading
      }],
      "obligations": {"yellow": Measure, "orange": Measure, "red": Measure} | null,
      "emergency_list_entry": {...} | null,
    }

where ``Step`` is ``{"code", "message_zh", "message_en", "data"}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.assignments.models import Assignment
from server.assignments.repository import get_assignment
from server.audit.service import record
from server.clock import china_today
from server.db import utcnow
from server.errors import NotFound
from server.filings.models import Filing
from server.filings.repository import get_filing
from server.reconciliation.compute import compute, emission_checks, iso
from server.reconciliation.loading import CHUNK, load_inputs
from server.reconciliation.models import (
    CemsRecord,
    ElectricityMeter,
    MeteringReading,
    ReconciliationResult,
)
from server.registry.models import CemsPoint, Enterprise, Site


@dataclass
class _Computed:
    """A result computed from the evidence as read, not stored yet; ``previous`` is the stored
    fingerprint it replaces (None: there was none), so it is stored only if still unchanged."""

    filing_id: int
    previous: str | None
    values: dict[str, Any]

    def transient(self) -> ReconciliationResult:
        return ReconciliationResult(filing_id=self.filing_id, **self.values)


@dataclass
class Current:
    """Every asked filing's current result: stored, or computed just now (``pending``)."""

    results: dict[int, ReconciliationResult] = field(default_factory=dict)
    pending: list[_Computed] = field(default_factory=list)


def _compute_chunk(session: Session, ids: list[int], day: dt.date, current: Current) -> None:
    loaded = load_inputs(session, ids, on=day)
    stored = {
        r.filing_id: r
        for r in session.scalars(
            select(ReconciliationResult)
            .where(ReconciliationResult.filing_id.in_(loaded))
            .execution_options(populate_existing=True)
        )
    }
    now = utcnow()
    for filing_id, (inputs, fingerprint) in loaded.items():
        old = stored.get(filing_id)
        if old is not None and old.fingerprint == fingerprint:
            current.results[filing_id] = old
            continue
        result = compute(inputs)
        result["computed_at"] = iso(now)
        result["fingerprint"] = fingerprint
        values = {
            "fingerprint": fingerprint,
            "computed_at": now,
            "supported_grade": result["supported_grade"],
            "confirmed": result["confirmed"],
            "needs_new_visit": result["needs_new_visit"],
            "result": result,
        }
        computed = _Computed(filing_id, old.fingerprint if old is not None else None, values)
        current.pending.append(computed)
        current.results[filing_id] = computed.transient()


def read_current(
    session: Session, filing_ids: Iterable[int], *, on: dt.date | None = None
) -> Current:
    """The current result of each filing without writing anything: the stored one when its
    evidence is unchanged, else computed now (in ``pending``, for :func:`store` to keep)."""
    day = on or china_today()
    ids = sorted(set(filing_ids))
    current = Current()
    for start in range(0, len(ids), CHUNK):
        _compute_chunk(session, ids[start : start + CHUNK], day, current)
    return current


def store(session: Session, pending: Iterable[_Computed]) -> int:
    """Keep computed results, each with an audit event. A result someone else stored since it
    was read (another request, the worker) is skipped: its stored fingerprint changed, or its
    row appeared. Returns how many were kept."""
    kept: list[_Computed] = []
    fresh: dict[int, _Computed] = {}
    for computed in pending:
        if computed.previous is None:
            fresh[computed.filing_id] = computed
            continue
        changed = session.execute(
            update(ReconciliationResult)
            .where(
                ReconciliationResult.filing_id == computed.filing_id,
                ReconciliationResult.fingerprint == computed.previous,
            )
            .values(**computed.values)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount:  # type: ignore[attr-defined]
            kept.append(computed)
    if fresh:
        inserted = _insert_new(session, [{"filing_id": k, **c.values} for k, c in fresh.items()])
        kept.extend(fresh[filing_id] for filing_id in sorted(inserted))
    for computed in kept:
        values = computed.values
        record(
            session,
            actor_id=None,
            action="reconciliation.computed",
            subject_type="filing",
            subject_id=computed.filing_id,
            data={k: values[k] for k in ("fingerprint", "supported_grade", "confirmed")}
            | {"needs_new_visit": values["needs_new_visit"]},
        )
    session.flush()  # the audit events; the request scope or the worker's batch commits
    return len(kept)


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> set[int]:
    """Insert the rows no one has inserted meanwhile; the filing ids inserted."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(ReconciliationResult)
    elif dialect == "sqlite":
        statement = sqlite.insert(ReconciliationResult)
    else:  # pragma: no cover - the two engines the project runs on
        session.execute(insert(ReconciliationResult), rows)
        return {row["filing_id"] for row in rows}
    statement = statement.on_conflict_do_nothing(
        index_elements=[ReconciliationResult.filing_id]
    ).returning(ReconciliationResult.filing_id)
    return set(session.scalars(statement, rows))


def _refresh_chunk(session: Session, ids: list[int], day: dt.date) -> int:
    """Recompute the filings of ``ids`` whose fingerprint changed and store them; how many."""
    current = Current()
    _compute_chunk(session, ids, day, current)
    return store(session, current.pending)


def refresh_all(session: Session, filing_ids: Iterable[int], *, on: dt.date | None = None) -> int:
    """Bring the stored results of many filings up to date, a chunk at a time so memory stays
    bounded; returns how many were computed again (their fingerprint had changed)."""
    day = on or china_today()
    ids = sorted(set(filing_ids))
    return sum(
        _refresh_chunk(session, ids[start : start + CHUNK], day)
        for start in range(0, len(ids), CHUNK)
    )


def refresh(
    session: Session, filing_ids: Iterable[int], *, on: dt.date | None = None
) -> dict[int, ReconciliationResult]:
    """Bring the stored results of ``filing_ids`` up to date with their evidence; returns them.

    Only filings whose evidence fingerprint changed are computed again; each new result is
    appended to the audit log with its fingerprint. For a whole city use ``refresh_all``."""
    ids = sorted(set(filing_ids))
    refresh_all(session, ids, on=on)
    return {
        r.filing_id: r
        for r in session.scalars(
            select(ReconciliationResult)
            .where(ReconciliationResult.filing_id.in_(ids))
            .execution_options(populate_existing=True)
        )
    }


# How a reader keeps what it computed: given the pending results, store them somewhere (the
# request scope does it in a short transaction of its own, skipped if the database is busy).
Keep = Callable[[list[_Computed]], object]


def current_result(
    session: Session, filing_id: int, *, keep: Keep | None = None
) -> ReconciliationResult | None:
    """The filing's result, computed first when its evidence changed; None: no such filing.

    Without ``keep`` a newly computed result is stored in ``session`` (a writer's path); a
    reader passes ``keep`` and never writes in its own transaction."""
    current = read_current(session, [filing_id])
    if current.pending:
        if keep is None:
            store(session, current.pending)
        else:
            keep(current.pending)
    return current.results.get(filing_id)


def reconciliation_for(
    session: Session, *, actor: Actor, filing_id: int, keep: Keep | None = None
) -> ReconciliationResult:
    """The current result for a reviewer in scope. Raises Forbidden, NotFound."""
    actor.require(*REVIEWER_ROLES)
    filing = get_filing(session, actor, filing_id)  # NotFound outside the actor's county
    result = current_result(session, filing.id, keep=keep)
    assert result is not None  # the filing exists
    return result


def refresh_for_assignments(session: Session, assignment_ids: Iterable[int]) -> int:
    """Recompute the filings of these visits (the worker calls this after ingesting evidence)."""
    ids = set(assignment_ids)
    if not ids:
        return 0
    filing_ids = set(session.scalars(select(Assignment.filing_id).where(Assignment.id.in_(ids))))
    return len(refresh(session, filing_ids))


def refresh_for_site(session: Session, site_id: int) -> int:
    """Recompute a site's filings that have visits (after CEMS or metering data arrive)."""
    filing_ids = set(
        session.scalars(
            select(Filing.id)
            .join(Assignment, Assignment.filing_id == Filing.id)
            .where(Filing.site_id == site_id)
        )
    )
    return len(refresh(session, filing_ids))


def production_series(session: Session, assignment_id: int) -> dict[str, Any]:
    """Flue-gas flow and electricity over a visit's window, for a chart. Raises NotFound."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(f"assignment {assignment_id} not found")
    start, end = assignment.window_start, assignment.window_end
    flow = [
        {"t": iso(t), "mn": mn, "flow": value, "flag": flag, "cn": cn}
        for t, mn, value, flag, cn in session.execute(
            select(
                CemsRecord.data_time, CemsPoint.mn, CemsRecord.flow, CemsRecord.flag, CemsRecord.cn
            )
            .join(CemsPoint, CemsRecord.point_id == CemsPoint.id)
            .where(
                CemsPoint.site_id == assignment.site_id,
                CemsRecord.data_time >= start,
                CemsRecord.data_time <= end,
            )
            .order_by(CemsRecord.data_time)
        )
    ]
    power = [
        {"t": iso(t), "meter": code, "role": role, "kw": kw}
        for t, code, role, kw in session.execute(
            select(
                MeteringReading.at, ElectricityMeter.code, ElectricityMeter.role, MeteringReading.kw
            )
            .join(ElectricityMeter, MeteringReading.meter_id == ElectricityMeter.id)
            .where(
                MeteringReading.site_id == assignment.site_id,
                MeteringReading.at >= start,
                MeteringReading.at <= end,
            )
            .order_by(MeteringReading.at)
        )
    ]
    return {"window_start": iso(start), "window_end": iso(end), "flow": flow, "power": power}


def emission_series(
    session: Session, filing_id: int, *, on: dt.date | None = None
) -> list[dict[str, Any]]:
    """Each emission-limit claim of a filing checked against its CEMS hours on the visit the
    grade rests on, with the hourly series on the claim's basis, for the reviewer's chart."""
    loaded = load_inputs(session, [filing_id], on=on or china_today()).get(filing_id)
    if loaded is None:
        return []
    out = []
    for case, claim, visit, checked in emission_checks(loaded[0]):
        out.append(
            {
                "case_id": case.case_id,
                "claim_id": claim.claim_id,
                "indicator": claim.indicator_code,
                "claimed_value": claim.claimed_value,
                "assignment_id": visit.assignment_id,
                "check": checked.to_json(),
                "series": [
                    {"mn": mn, "t": iso(t), "value": value, "excluded": why}
                    for mn, t, value, why in checked.series
                ],
            }
        )
    return out


def production_for(
    session: Session, *, actor: Actor, assignment_id: int, keep: Keep | None = None
) -> dict[str, Any]:
    """A visit's production verdict (from the filing's current result) and its data series.
    Raises Forbidden, NotFound."""
    actor.require(*REVIEWER_ROLES)
    assignment = get_assignment(session, actor, assignment_id)
    result = reconciliation_for(session, actor=actor, filing_id=assignment.filing_id, keep=keep)
    visit = next((v for v in result.result["visits"] if v["assignment_id"] == assignment.id), None)
    return {
        "assignment_id": assignment.id,
        "filing_id": assignment.filing_id,
        "verdict": visit["production"] if visit else None,
        "void": bool(visit and visit["void"]),
        "series": production_series(session, assignment.id),
    }


def filings_needing_new_visit(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """The filings in the actor's scope whose latest visit was void (production not normal),
    oldest first: each needs a new on-site visit (rule 5). Raises Forbidden."""
    actor.require(*REVIEWER_ROLES)
    query = (
        select(ReconciliationResult, Enterprise.name, Enterprise.county, Site.name)
        .join(Filing, ReconciliationResult.filing_id == Filing.id)
        .join(Site, Filing.site_id == Site.id)
        .join(Enterprise, Site.enterprise_id == Enterprise.id)
        .where(ReconciliationResult.needs_new_visit.is_(True))
        .order_by(ReconciliationResult.computed_at, ReconciliationResult.filing_id)
    )
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    return [
        {
            "filing_id": result.filing_id,
            "enterprise": enterprise,
            "county": county,
            "site": site,
            "computed_at": result.computed_at,
            "void_visits": [v["assignment_id"] for v in result.result["visits"] if v["void"]],
            "reasons": [
                step for step in result.result["explanation"] if step["code"] == "visit.void"
            ],
        }
        for result, enterprise, county, site in session.execute(query)
    ]
