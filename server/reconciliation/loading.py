"""Loading what reconciliation needs from SQL, in bulk: a few queries per chunk of filings.

Each filing's ``FilingInputs`` comes with a fingerprint of everything it was built from (row
versions, revisions, counts), so a stored result can tell cheaply whether it is still current.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspection_forms import Form
from server.assignments.checklist import pinned_forms
from server.assignments.county import CITY_REASONS
from server.assignments.models import Assignment, AssignmentMember, AssignmentStatus
from server.catalogue import catalogue
from server.compliance.models import IntegrityRecord, Penalty
from server.evidence.models import Photo, PhotoFinding, PhotoStatus
from server.filings.models import Filing, IndicatorClaim, IndustryCase
from server.inspections.models import Inspection
from server.reconciliation import emission_limits as em
from server.reconciliation.compute import CODE_VERSION
from server.reconciliation.hj212 import CN_HOURLY, Pollutant, Record
from server.reconciliation.indicators import PhotoFinding as Finding
from server.reconciliation.inputs import (
    CaseInput,
    ClaimInput,
    FilingInputs,
    InspectionInput,
    VisitInput,
)
from server.reconciliation.metering import Reading
from server.reconciliation.models import CemsRecord, ElectricityMeter, MeteringReading
from server.registry.models import CemsPoint, Enterprise, ProductionLine, Site
from server.review.jurisdiction import JurisdictionRules, rules_for
from server.review.models import DecisionOutcome, DecisionStatus, ReviewDecision
from server.review.register import batch_index, late_in

CHUNK = 500  # filings per round of queries: IN lists stay well under every engine's limit
ONE_YEAR = dt.timedelta(days=365)


class PhotoEvidence(dict[str, list[Finding]]):
    """Findings per photo doc id; a photo the answers name but the server never stored is
    no evidence (``photo.missing``) rather than a photo with no findings."""

    def get(self, key: str, default: Any = None) -> list[Finding]:
        found = super().get(key)
        return found if found is not None else [Finding("photo.missing")]


@dataclass
class _Digest:
    parts: list[Any] = field(default_factory=list)

    def add(self, *values: Any) -> None:
        self.parts.append(values)

    def hexdigest(self) -> str:
        text = json.dumps(self.parts, default=str, separators=(",", ":"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def load_inputs(
    session: Session, filing_ids: Iterable[int], *, on: dt.date
) -> dict[int, tuple[FilingInputs, str]]:
    """Every filing's inputs and fingerprint; filings that do not exist are left out."""
    ids = sorted(set(filing_ids))
    out: dict[int, tuple[FilingInputs, str]] = {}
    rules: dict[str, JurisdictionRules] = {}
    for chunk in _chunks(ids):
        out.update(_load_chunk(session, chunk, on, rules))
    return out


def _forms(pins: list[dict[str, Any]]) -> tuple[Form, ...]:
    return pinned_forms(pins)  # shipped versions, and the checklist generated from the claims


def _load_chunk(
    session: Session, ids: list[int], on: dt.date, rules: dict[str, JurisdictionRules]
) -> dict[int, tuple[FilingInputs, str]]:
    chunk = _Chunk(session, ids, on)
    return {
        filing.id: chunk.build(filing, site, enterprise, rules)
        for filing, site, enterprise in chunk.filings
    }


class _Chunk:
    """The rows of one chunk of filings, each kind read in one query, grouped by owner."""

    def __init__(self, session: Session, ids: list[int], on: dt.date) -> None:
        self.session, self.on = session, on
        self.filings = session.execute(
            select(Filing, Site, Enterprise)
            .join(Site, Filing.site_id == Site.id)
            .join(Enterprise, Site.enterprise_id == Enterprise.id)
            .where(Filing.id.in_(ids))
        ).all()
        site_ids = {site.id for _, site, _ in self.filings}
        enterprise_ids = {e.id for _, _, e in self.filings}
        self._filing_rows(ids)
        self._visit_rows()
        self._production_rows(site_ids)
        self._emission_rows()
        self._compliance_rows(site_ids, enterprise_ids)
        self.batches = batch_index(session, {(e.city, f.year) for f, _, e in self.filings})

    def _filing_rows(self, ids: list[int]) -> None:
        self.cases: dict[int, list[IndustryCase]] = defaultdict(list)
        for case in self.session.scalars(
            select(IndustryCase).where(IndustryCase.filing_id.in_(ids)).order_by(IndustryCase.id)
        ):
            self.cases[case.filing_id].append(case)
        case_ids = [c.id for cs in self.cases.values() for c in cs]
        self.claims: dict[int, list[IndicatorClaim]] = defaultdict(list)
        for claim in self.session.scalars(
            select(IndicatorClaim)
            .where(IndicatorClaim.case_id.in_(case_ids))
            .order_by(IndicatorClaim.id)
        ):
            self.claims[claim.case_id].append(claim)
        self.assignments: dict[int, list[Assignment]] = defaultdict(list)
        for assignment in self.session.scalars(
            select(Assignment)
            .where(Assignment.filing_id.in_(ids), Assignment.status != AssignmentStatus.cancelled)
            # the county's own check is not the city's visit (S4 §三(二)/(三), assignments.county)
            .where(Assignment.reason.in_(CITY_REASONS))
            .order_by(Assignment.id)
        ):
            self.assignments[assignment.filing_id].append(assignment)

    def _visit_rows(self) -> None:
        ids = [a.id for a_s in self.assignments.values() for a in a_s]
        self.windows = [
            (a.window_start, a.window_end) for a_s in self.assignments.values() for a in a_s
        ]
        self.members: dict[int, list[int]] = defaultdict(list)
        self.inspections: dict[int, list[Any]] = defaultdict(list)
        self.photos: dict[int, list[Any]] = defaultdict(list)
        self.findings: dict[int, list[Finding]] = defaultdict(list)
        if not ids:
            return
        for aid, uid in self.session.execute(
            select(AssignmentMember.assignment_id, AssignmentMember.user_id)
            .where(AssignmentMember.assignment_id.in_(ids))
            .order_by(AssignmentMember.user_id)
        ):
            self.members[aid].append(uid)
        for row in self.session.execute(
            select(
                Inspection.assignment_id,
                Inspection.doc_id,
                Inspection.inspector_id,
                Inspection.status,
                Inspection.form_id,
                Inspection.answers,
                Inspection.started_at,
                Inspection.submitted_at,
                Inspection.has_conflict,
                Inspection.current_rev,
            )
            .where(Inspection.assignment_id.in_(ids))
            .order_by(Inspection.id)
        ):
            self.inspections[row.assignment_id].append(row)
        for row in self.session.execute(
            select(
                Photo.id, Photo.assignment_id, Photo.doc_id, Photo.status, Photo.evaluated_at
            ).where(Photo.assignment_id.in_(ids))
        ):
            self.photos[row.assignment_id].append(row)
        photo_ids = [p.id for ps in self.photos.values() for p in ps]
        for start in range(0, len(photo_ids), 5 * CHUNK):
            for pid, code, severity in self.session.execute(
                select(PhotoFinding.photo_id, PhotoFinding.code, PhotoFinding.severity).where(
                    PhotoFinding.photo_id.in_(photo_ids[start : start + 5 * CHUNK])
                )
            ):
                self.findings[pid].append(Finding(code, severity))

    def _production_rows(self, site_ids: set[int]) -> None:
        points = list(
            self.session.scalars(select(CemsPoint).where(CemsPoint.site_id.in_(site_ids)))
        )
        self.typical: dict[int, dict[str, float]] = defaultdict(dict)
        for p in points:
            if p.typical_flow:
                self.typical[p.site_id][p.mn] = p.typical_flow
        self.cems: dict[int, list[Any]] = defaultdict(list)  # site → (id, mn, cn, time, values)
        self.power: dict[int, list[Any]] = defaultdict(list)  # site → (id, site, meter, role, …)
        if not self.windows:
            return
        start, end = min(w[0] for w in self.windows), max(w[1] for w in self.windows)
        point_site = {p.id: (p.site_id, p.mn) for p in points}
        if point_site:
            for row in self.session.execute(
                select(
                    CemsRecord.id,
                    CemsRecord.point_id,
                    CemsRecord.cn,
                    CemsRecord.data_time,
                    CemsRecord.pollutants,
                ).where(
                    CemsRecord.point_id.in_(point_site),
                    CemsRecord.data_time >= start,
                    CemsRecord.data_time <= end,
                )
            ):
                site_id, mn = point_site[row.point_id]
                self.cems[site_id].append((row.id, mn, row.cn, row.data_time, row.pollutants))
        for row in self.session.execute(
            select(
                MeteringReading.id,
                MeteringReading.site_id,
                ElectricityMeter.code,
                ElectricityMeter.role,
                MeteringReading.at,
                MeteringReading.kw,
            )
            .join(ElectricityMeter, MeteringReading.meter_id == ElectricityMeter.id)
            .where(
                MeteringReading.site_id.in_(site_ids),
                MeteringReading.at >= start,
                MeteringReading.at <= end,
            )
        ):
            self.power[row.site_id].append(tuple(row))

    def _emission_rows(self) -> None:
        """The hourly averages of every pollutant an emission-limit claim of the chunk names,
        at the claiming sites' CEMS points, over the visit windows and the days before them:
        one query, the values read out of the packets' JSON by the database."""
        self.settings = em.EmissionSettings()
        # site → pollutant code → hours
        self.hours: dict[int, dict[str, list[em.Hour]]] = defaultdict(lambda: defaultdict(list))
        self.hour_ids: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
        site_of = {f.id: site.id for f, site, _ in self.filings}
        case_site = {c.id: site_of[fid] for fid, cs in self.cases.items() for c in cs}
        case_industry = {c.id: c.industry_code for cs in self.cases.values() for c in cs}
        codes: set[str] = set()
        sites: set[int] = set()
        for case_id, claims in self.claims.items():
            for c in claims:
                if c.category != "emission_limits" and not c.indicator_code.startswith(
                    "emission_limits."
                ):
                    continue
                parsed = em.parse_claim(c.indicator_code, c.claimed_value, case_industry[case_id])
                if parsed is not None:
                    codes.add(parsed.pollutant)
                    sites.add(case_site[case_id])
        windows = [
            (a.window_start, a.window_end)
            for fid, a_s in self.assignments.items()
            if site_of.get(fid) in sites
            for a in a_s
        ]
        if not codes or not windows:
            return
        lookback = dt.timedelta(days=self.settings.lookback_days)
        start, end = min(w[0] for w in windows) - lookback, max(w[1] for w in windows)
        point_site = {
            pid: (sid, mn)
            for pid, sid, mn in self.session.execute(
                select(CemsPoint.id, CemsPoint.site_id, CemsPoint.mn).where(
                    CemsPoint.site_id.in_(sites)
                )
            )
        }
        if not point_site:
            return
        ordered = sorted(codes)
        p = CemsRecord.pollutants

        def value(code: str, *path: str) -> Any:
            legacy = em.POLLUTANTS[code].legacy if code in em.POLLUTANTS else ""
            first = p[(code, *path)]
            if not legacy:
                return first.as_float() if path[0] == "values" else first.as_string()
            second = p[(legacy, *path)]
            if path[0] == "values":
                return func.coalesce(first.as_float(), second.as_float())
            return func.coalesce(first.as_string(), second.as_string())

        columns = [
            *(
                col
                for code in ordered
                for col in (
                    value(code, "values", "Avg"),
                    value(code, "values", "ZsAvg"),
                    value(code, "flag"),
                )
            ),
            func.coalesce(
                p[(em.OXYGEN, "values", "Avg")].as_float(),
                p[(em.OXYGEN_LEGACY, "values", "Avg")].as_float(),
            ),
            func.coalesce(
                p[(em.OXYGEN, "flag")].as_string(), p[(em.OXYGEN_LEGACY, "flag")].as_string()
            ),
        ]
        query = (
            select(CemsRecord.id, CemsRecord.point_id, CemsRecord.data_time, *columns)
            .where(
                CemsRecord.point_id.in_(point_site),
                CemsRecord.cn == CN_HOURLY,
                CemsRecord.data_time >= start,
                CemsRecord.data_time < end,
            )
            .order_by(CemsRecord.data_time, CemsRecord.point_id)
        )
        width = len(ordered)
        rows = self.session.execute(query).all()
        # a month of hours is hundreds of thousands of small tuples per chunk: the collector
        # would walk them again and again while they are made, for nothing (none is a cycle)
        collecting = gc.isenabled()
        gc.disable()
        try:
            for row in rows:
                site_id, mn = point_site[row[1]]
                at = row[2]
                self.hour_ids[site_id].append((row[0], at))
                o2, o2_flag = row[3 + 3 * width], row[4 + 3 * width]
                by_code = self.hours[site_id]
                for i, code in enumerate(ordered):
                    avg, zs, flag = row[3 + 3 * i], row[4 + 3 * i], row[5 + 3 * i]
                    if avg is None and zs is None and flag is None:
                        continue  # the packet does not carry this pollutant
                    by_code[code].append(em.Hour(mn, at, avg, zs, flag, o2, o2_flag))
        finally:
            if collecting:
                gc.enable()

    def _emission_inputs(
        self, site_id: int, assignments: list[Assignment], digest: _Digest
    ) -> dict[str, tuple[em.Hour, ...]]:
        by_code = self.hours.get(site_id)
        lookback = dt.timedelta(days=self.settings.lookback_days)
        spans = [(a.window_start - lookback, a.window_end) for a in assignments]
        rows = self.hour_ids.get(site_id, [])
        if len(spans) == 1 and rows and spans[0][0] <= rows[0][1] and rows[-1][1] < spans[0][1]:
            inside = None  # every hour read for the site is in the filing's one visit span
            ids = [i for i, _ in rows]
        else:
            ids = [i for i, at in rows if any(s <= at < e for s, e in spans)]
            inside = spans
        digest.add("cems_hours", self.settings.lookback_days, len(ids), max(ids, default=0))
        if not by_code:
            return {}
        if inside is None:
            return {code: tuple(hours) for code, hours in by_code.items()}
        return {
            code: tuple(h for h in hours if any(s <= h.at < e for s, e in inside))
            for code, hours in by_code.items()
        }

    def _compliance_rows(self, site_ids: set[int], enterprise_ids: set[int]) -> None:
        self.penalties: dict[int, list[Penalty]] = defaultdict(list)
        for penalty in self.session.scalars(
            select(Penalty).where(Penalty.enterprise_id.in_(enterprise_ids)).order_by(Penalty.id)
        ):
            self.penalties[penalty.enterprise_id].append(penalty)
        self.integrity: dict[int, list[IntegrityRecord]] = defaultdict(list)
        for entry in self.session.scalars(
            select(IntegrityRecord)
            .where(IntegrityRecord.enterprise_id.in_(enterprise_ids))
            .order_by(IntegrityRecord.id)
        ):
            self.integrity[entry.enterprise_id].append(entry)
        # site → (filing, when) of confirmed grade-downs: Henan bars them for a year (S2 §二)
        self.downgrades: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
        for site_id, filing_id, at in self.session.execute(
            select(Filing.site_id, Filing.id, ReviewDecision.confirmed_at)
            .join(ReviewDecision, ReviewDecision.filing_id == Filing.id)
            .where(
                Filing.site_id.in_(site_ids),
                ReviewDecision.outcome == DecisionOutcome.grade_down,
                ReviewDecision.status == DecisionStatus.confirmed,
            )
        ):
            if at is not None:
                self.downgrades[site_id].append((filing_id, at))
        self.stopping: dict[int, list[str]] = defaultdict(list)
        for site_id, code in self.session.execute(
            select(ProductionLine.site_id, ProductionLine.code)
            .where(ProductionLine.site_id.in_(site_ids), ProductionLine.stops_in_alert.is_(True))
            .order_by(ProductionLine.code)
        ):
            self.stopping[site_id].append(code)

    # --- one filing ------------------------------------------------------------------------

    def _case_inputs(self, filing: Filing, digest: _Digest) -> tuple[CaseInput, ...]:
        out = []
        for case in self.cases[filing.id]:
            digest.add("case", case.id, case.industry_code, case.claimed_grade, case.is_main)
            claims = self.claims[case.id]
            digest.add("claims", [(c.id, c.version) for c in claims])
            scale = catalogue().industry_scales(case.guide_version).get(case.industry_code)
            out.append(
                CaseInput(
                    case_id=case.id,
                    industry=case.industry_code,
                    guide_version=case.guide_version,
                    claimed_grade=case.claimed_grade,
                    main=case.is_main,
                    scale=tuple(scale or (case.claimed_grade,)),
                    claims=tuple(
                        ClaimInput(c.id, c.category, c.indicator_code, c.claimed_value)
                        for c in claims
                    ),
                )
            )
        return tuple(out)

    def _photo_evidence(self, assignment_id: int, evidence: PhotoEvidence, digest: _Digest) -> None:
        for photo in self.photos[assignment_id]:
            codes = list(self.findings.get(photo.id, []))
            if photo.status == PhotoStatus.rejected:
                codes.append(Finding("photo.rejected"))
            elif photo.status == PhotoStatus.withdrawn:
                codes.append(Finding("photo.withdrawn"))
            evidence[photo.doc_id] = codes
            digest.add("photo", photo.doc_id, photo.status, str(photo.evaluated_at))

    def _visit(self, assignment: Assignment, site_id: int, digest: _Digest) -> VisitInput:
        digest.add("visit", assignment.id, assignment.version, str(assignment.status))
        rows = self.inspections[assignment.id]
        digest.add("inspections", [(r.doc_id, r.current_rev, str(r.status)) for r in rows])
        start, end = assignment.window_start, assignment.window_end
        cems = [r for r in self.cems.get(site_id, []) if start <= r[3] <= end]
        power = [r for r in self.power.get(site_id, []) if start <= r[4] <= end]
        digest.add("cems", len(cems), max((r[0] for r in cems), default=0))
        digest.add("power", len(power), max((r[0] for r in power), default=0))
        return VisitInput(
            assignment_id=assignment.id,
            window_start=start,
            window_end=end,
            forms=_forms(assignment.form_pins),
            members=tuple(self.members[assignment.id]),
            inspections=tuple(
                InspectionInput(
                    doc_id=r.doc_id,
                    inspector_id=r.inspector_id,
                    status=str(getattr(r.status, "value", r.status)),
                    form_id=r.form_id,
                    answers=r.answers or {},
                    started_at=r.started_at,
                    submitted_at=r.submitted_at,
                    has_conflict=r.has_conflict,
                )
                for r in rows
            ),
            cems=tuple(_record(r) for r in cems),
            metering=tuple(Reading(r[2], r[3], r[4], r[5]) for r in power),
        )

    def _late(self, filing: Filing, enterprise: Enterprise) -> bool:
        main = next((c for c in self.cases[filing.id] if c.is_main), None)
        return main is not None and (
            late_in(
                self.batches,
                city=enterprise.city,
                year=filing.year,
                main_industry=main.industry_code,
                received_on=filing.received_on,
            )
            is not None
        )

    def build(
        self,
        filing: Filing,
        site: Site,
        enterprise: Enterprise,
        rules: dict[str, JurisdictionRules],
    ) -> tuple[FilingInputs, str]:
        digest = _Digest()
        digest.add(CODE_VERSION, self.on.isoformat(), filing.id, filing.essential_service)
        digest.add(str(filing.received_on), filing.year)
        city = rules.get(enterprise.city)
        if city is None:
            city = rules[enterprise.city] = rules_for(self.session, enterprise.city, self.on)
        digest.add(city.version, city.multi_industry, city.bars_downgraded)
        digest.add(
            city.penalty_bar_kinds,
            city.penalty_bar_grades,
            city.penalty_bar_period,
            city.gate_video_retention_months,
            sorted(city.pollution_exemptions.items()),
        )
        cases = self._case_inputs(filing, digest)
        evidence = PhotoEvidence()
        visits = []
        for assignment in self.assignments[filing.id]:
            self._photo_evidence(assignment.id, evidence, digest)
            visits.append(self._visit(assignment, site.id, digest))
        emission_hours = self._emission_inputs(site.id, self.assignments[filing.id], digest)
        penalties = self.penalties.get(enterprise.id, [])
        integrity = self.integrity.get(enterprise.id, [])
        digest.add("penalties", [(p.id, str(p.kind), str(p.decided_on)) for p in penalties])
        digest.add("integrity", [(r.id, str(r.recorded_on)) for r in integrity])
        downgraded = any(
            fid != filing.id and at.date() > self.on - ONE_YEAR
            for fid, at in self.downgrades.get(site.id, [])
        )
        typical = self.typical.get(site.id, {})
        digest.add("downgraded", downgraded, sorted(typical.items()))
        late = self._late(filing, enterprise)
        digest.add("late", late)
        inputs = FilingInputs(
            filing_id=filing.id,
            year=filing.year,
            received_on=filing.received_on,
            essential_service=filing.essential_service,
            policy=city.multi_industry,
            cases=cases,
            visits=tuple(visits),
            photo_findings=evidence,
            typical_flow=typical,
            penalties=tuple((str(p.kind.value), p.decided_on) for p in penalties),
            integrity_records=tuple((r.recorded_on, r.reason) for r in integrity),
            downgraded_within_year=downgraded,
            bars_downgraded=city.bars_downgraded,
            penalty_bar=city.penalty_bar,
            gate_video_retention_months=city.gate_video_retention_months,
            pollution_exemptions=city.pollution_exemptions,
            on=self.on,
            late_filing=late,
            emission_hours=emission_hours,
            emission_settings=self.settings,
            plant={
                "enterprise": enterprise.name,
                "credit_code": enterprise.credit_code,
                "county": enterprise.county,
                "site": site.name,
                "lines_stopping_in_alert": self.stopping.get(site.id, []),
            },
        )
        return inputs, digest.hexdigest()


def _record(row: tuple[Any, ...]) -> Record:
    _id, mn, cn, data_time, pollutants = row
    return Record(
        mn=mn,
        cn=cn,
        data_time=data_time,
        pollutants={
            code: Pollutant(dict(p.get("values") or {}), p.get("flag"))
            for code, p in (pollutants or {}).items()
        },
    )
