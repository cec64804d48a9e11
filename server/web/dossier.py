"""A plant's dossier: everything a reviewer weighs for one filing, read in a fixed number of
queries whatever the number of photos (photos and their findings in two, not one per photo).

Claims and their reconciliation (``server.reconciliation.service``), the visits with their
teams, inspections, photos and production data, the review state and its deadline, the
decisions so far, and a timeline of all of it. Nothing here writes, except that reading the
reconciliation recomputes it when its evidence changed (that service's rule).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from dataclasses import fields as fields_of
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from media.phash import NEAR_DUPLICATE_DISTANCE
from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.api.scope import keep_results
from server.assignments.models import Assignment, AssignmentMember
from server.assignments.repository import scoped_assignments
from server.evidence import repository as evidence_repository
from server.evidence.models import Photo, PhotoCustody, PhotoFinding, PhotoStatus
from server.filings.models import Filing, FilingStatus
from server.filings.repository import get_filing
from server.inspections.models import Inspection
from server.reconciliation.models import ReconciliationResult
from server.reconciliation.service import current_result, emission_series, production_series
from server.review.decisions import decisions_for
from server.review.grades import GradeEvent, histories
from server.review.models import ReviewDecision, ReviewTransition
from server.review.service import ReviewState, review_state
from server.syncstate.models import IngestedRevision
from server.web.chart import Chart, EmissionChart, emission_chart, production_chart
from server.web.sitemap import PhotoPlace, SiteMap, boundary_distance_m, site_map

# Events at the same moment: the document received before what the tablet was told about it.
KIND_ORDER = {
    "window": 0,
    "assignment": 1,
    "inspection": 2,
    "photos": 3,
    "received": 4,
    "feedback": 5,
}
SEVERITY_ORDER = {"critical": 3, "warning": 2, "info": 1}
OUTSIDE, UNCERTAIN = "geo.outside_boundary", "geo.boundary_uncertain"


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    kind: (
        str  # window | assignment | inspection | photos | received | feedback | workflow | decision
    )
    key: str  # an i18n message key
    # Filled into the message; ("@action", code), ("@user", id), ("@outcome", code) and the
    # like are named in the page's language when the page renders (server.web.views.dossier).
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Visit:
    assignment: Assignment
    inspections: list[Inspection]
    photos: list[PhotoRow]
    production: dict[str, Any] | None  # the result's verdict for this visit
    void: bool
    chart: Chart | None


@dataclass
class Dossier:
    filing: Filing
    state: ReviewState
    result: ReconciliationResult | None
    visits: list[Visit]
    photos: list[PhotoRow]
    site_map: SiteMap | None
    photos_without_position: int
    timeline: list[Event]
    decisions: list[ReviewDecision]
    users: dict[int, User]
    photo_ids: dict[str, int]  # photo document id -> row id, for the result's references
    # emission-limit claims against the CEMS hours (issue 17), one chart each
    emissions: list[EmissionChart] = field(default_factory=list)

    grade_history: list[GradeEvent] = field(default_factory=list)  # decided grades, oldest first

    @property
    def decided(self) -> GradeEvent | None:
        """The grade that counts now (a confirmed decision or a later downgrade), if any."""
        return self.grade_history[-1] if self.grade_history else None

    @property
    def visited(self) -> bool:
        """Whether an inspector has submitted an inspection of this plant: before that the
        evidence supports nothing, whatever was claimed."""
        return any(i.submitted_at is not None for v in self.visits for i in v.inspections)

    @property
    def supported_grade(self) -> str | None:
        """The grade the evidence supports; None before any visit or reconciliation."""
        if self.result is None or not self.visited:
            return None
        return self.result.supported_grade

    @property
    def default_outcome(self) -> tuple[str, str | None]:
        """The decision form's preselected outcome and grade, following the evidence: confirm
        only when the evidence supports the claim and is final; grade down to the supported
        grade when it is lower; otherwise (no visit, void visit, unverifiable) a new visit."""
        result = self.result.result if self.result else None
        if not self.visited or result is None or result.get("needs_new_visit"):
            return "new_visit", None
        supported, claimed = result.get("supported_grade"), result.get("claimed_grade")
        if supported and claimed and supported != claimed:
            return "grade_down", supported
        if supported == claimed and result.get("confirmed"):
            return "confirm", None
        return "new_visit", None

    def decision_closed_because(self, actor: Actor) -> tuple[str, dict[str, Any]] | None:
        """Why this actor is offered no decision form (an i18n key and its fields), or None."""
        if actor.role is not Role.city_reviewer:
            return "decision.city_only", {}
        if self.pending is not None:
            return None  # the open proposal's card says what to do
        if self.filing.status is not FilingStatus.city_review:
            key = "decision.closed_decided" if self.decided else "decision.closed_state"
            return key, {"state": ("@status", self.filing.status.value)}
        return None

    @property
    def main_case(self) -> Any:
        return next((c for c in self.filing.cases if c.is_main), None)

    @property
    def pending(self) -> ReviewDecision | None:
        return next((d for d in self.decisions if d.status.value == "proposed"), None)

    def name(self, user_id: int | None) -> str:
        user = self.users.get(user_id) if user_id is not None else None
        return user.display_name if user else "—"

    def member_name(self, member: str) -> str:
        """A result's ``inspector:<id>`` as the inspector's name."""
        _, _, raw = member.partition(":")
        return self.name(int(raw)) if raw.isdigit() else member


def worst_severity(photo: Photo | PhotoRow) -> str | None:
    worst = max((SEVERITY_ORDER.get(f.severity, 0) for f in photo.findings), default=0)
    return next((name for name, rank in SEVERITY_ORDER.items() if rank == worst), None)


def placement(photo: Photo | PhotoRow) -> str:
    codes = {f.code for f in photo.findings}
    if OUTSIDE in codes:
        return "outside"
    if UNCERTAIN in codes:
        return "uncertain"
    return "inside"


def build_dossier(session: Session, actor: Actor, filing_id: int) -> Dossier:
    """The dossier of a filing in the actor's scope. Raises NotFound (also another county's)."""
    filing = get_filing(session, actor, filing_id)
    state = review_state(session, filing)
    result = current_result(session, filing.id, keep=keep_results)  # a page never writes it
    assignments = list(
        session.scalars(
            scoped_assignments(actor)
            .where(Assignment.filing_id == filing.id)
            .options(selectinload(Assignment.members).selectinload(AssignmentMember.user))
            .order_by(Assignment.id)
        )
    )
    ids = [a.id for a in assignments]
    inspections = _inspections(session, ids)
    photos = _photos(session, ids)
    transitions = list(
        session.scalars(
            select(ReviewTransition)
            .where(ReviewTransition.filing_id == filing.id)
            .order_by(ReviewTransition.id)
        )
    )
    decisions = decisions_for(session, filing.id)
    history = histories(session, [filing.id]).get(filing.id, [])
    users = _users(session, assignments, inspections, photos, transitions, decisions, history)
    visits = [_visit(session, a, inspections, photos, result) for a in assignments]
    places = [
        PhotoPlace(p.id, p.longitude, p.latitude, p.gps_accuracy_m, placement(p), p.doc_id)
        for p in photos
        if p.status == PhotoStatus.accepted and p.longitude is not None and p.latitude is not None
    ]
    site = filing.site
    accepted = [p for p in photos if p.status == PhotoStatus.accepted]
    events = _timeline(session, assignments, inspections, photos, transitions, decisions)
    return Dossier(
        filing=filing,
        state=state,
        result=result,
        visits=visits,
        photos=photos,
        site_map=site_map(site.boundary, site.datum, places),
        photos_without_position=sum(1 for p in accepted if p.latitude is None),
        timeline=events,
        decisions=decisions,
        users=users,
        photo_ids={p.doc_id: p.id for p in photos},
        emissions=_emissions(session, filing.id, result),
        grade_history=history,
    )


def _emissions(
    session: Session, filing_id: int, result: ReconciliationResult | None
) -> list[EmissionChart]:
    """The charts of the emission-limit claims the result checked against CEMS data (their
    hourly series is read again only when the result has such a claim)."""
    checked = result is not None and any(
        "emission" in indicator
        for case in result.result.get("cases", [])
        for indicator in case.get("indicators", [])
    )
    return [emission_chart(e) for e in emission_series(session, filing_id)] if checked else []


def _inspections(session: Session, assignment_ids: list[int]) -> list[Inspection]:
    if not assignment_ids:
        return []
    query = (
        select(Inspection)
        .where(Inspection.assignment_id.in_(assignment_ids))
        .options(defer(Inspection.answers), defer(Inspection.problems))  # the result has them
    )
    return list(session.scalars(query.order_by(Inspection.id)))


@dataclass(frozen=True)
class FindingRow:
    code: str
    severity: str
    message_zh: str
    message_en: str


@dataclass
class PhotoRow:
    """What the gallery, the map and the timeline show of a photo, read as plain rows: a
    dossier may have hundreds, and the ORM's identity map costs more than the page needs."""

    id: int
    doc_id: str
    status: str
    inspector_id: int
    assignment_id: int | None
    item: str | None
    exif_taken_at: dt.datetime | None
    received_at: dt.datetime
    longitude: float | None
    latitude: float | None
    gps_accuracy_m: float | None
    rejection_code: str | None
    problem: str | None
    findings: list[FindingRow] = field(default_factory=list)


def _photos(session: Session, assignment_ids: list[int]) -> list[PhotoRow]:
    """The visits' photos in the order they were taken, each with its findings (two queries)."""
    if not assignment_ids:
        return []
    columns = [c.name for c in fields_of(PhotoRow) if c.name != "findings"]
    query = (
        select(*(getattr(Photo, name) for name in columns))
        .where(Photo.assignment_id.in_(assignment_ids))
        .order_by(Photo.exif_taken_at, Photo.id)
    )
    photos = [PhotoRow(*row) for row in session.execute(query)]
    by_id = {p.id: p for p in photos}
    findings = select(
        PhotoFinding.photo_id,
        PhotoFinding.code,
        PhotoFinding.severity,
        PhotoFinding.message_zh,
        PhotoFinding.message_en,
    ).where(
        PhotoFinding.photo_id.in_(select(Photo.id).where(Photo.assignment_id.in_(assignment_ids)))
    )
    for photo_id, *found in session.execute(findings.order_by(PhotoFinding.id)):
        by_id[photo_id].findings.append(FindingRow(*found))
    return photos


def _users(
    session: Session,
    assignments: list[Assignment],
    inspections: list[Inspection],
    photos: list[PhotoRow],
    transitions: list[ReviewTransition],
    decisions: list[ReviewDecision],
    history: list[GradeEvent],
) -> dict[int, User]:
    wanted = {m.user_id for a in assignments for m in a.members}
    wanted |= {who for event in history for who in event.by}
    wanted |= {i.inspector_id for i in inspections} | {p.inspector_id for p in photos}
    wanted |= {t.actor_id for t in transitions if t.actor_id}
    for d in decisions:
        wanted |= {d.proposed_by} | {u for u in (d.confirmed_by, d.closed_by) if u}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def _visit(
    session: Session,
    assignment: Assignment,
    inspections: list[Inspection],
    photos: list[PhotoRow],
    result: ReconciliationResult | None,
) -> Visit:
    judged = None
    if result is not None:
        judged = next(
            (v for v in result.result.get("visits", []) if v["assignment_id"] == assignment.id),
            None,
        )
    series = production_series(session, assignment.id)
    mine = [i for i in inspections if i.assignment_id == assignment.id]
    starts = [_utc(i.started_at) for i in mine if i.started_at]
    ends = [_utc(i.submitted_at) for i in mine if i.submitted_at]
    on_site = (min(starts), max(ends)) if starts and ends else None
    return Visit(
        assignment=assignment,
        inspections=mine,
        photos=[p for p in photos if p.assignment_id == assignment.id],
        production=judged["production"] if judged else None,
        void=bool(judged and judged.get("void")),
        chart=production_chart(series, on_site),
    )


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _timeline(
    session: Session,
    assignments: list[Assignment],
    inspections: list[Inspection],
    photos: list[PhotoRow],
    transitions: list[ReviewTransition],
    decisions: list[ReviewDecision],
) -> list[Event]:
    """Every dated step, oldest first; a visit's photos are summed up per inspector (taken,
    received) rather than listed one by one."""
    names = {m.user_id: m.user.display_name for a in assignments for m in a.members}
    events: list[Event] = []
    for a in assignments:
        events.append(Event(_utc(a.created_at), "assignment", "event.assignment_created"))
        events.append(Event(_utc(a.window_start), "window", "event.window_start"))
        events.append(Event(_utc(a.window_end), "window", "event.window_end"))
    for i in inspections:
        who = names.get(i.inspector_id, f"#{i.inspector_id}")
        if i.started_at:
            events.append(
                Event(_utc(i.started_at), "inspection", "event.inspection_started", {"who": who})
            )
        if i.submitted_at:
            events.append(
                Event(
                    _utc(i.submitted_at), "inspection", "event.inspection_submitted", {"who": who}
                )
            )
        status = ("@inspection_status", i.status.value)
        events.append(
            Event(
                _utc(i.received_at),
                "received",
                "event.inspection_received",
                {"who": who, "status": status},
            )
        )
    by_inspector: dict[int, list[PhotoRow]] = {}
    for p in photos:
        by_inspector.setdefault(p.inspector_id, []).append(p)
    for inspector_id, taken in by_inspector.items():
        who = names.get(inspector_id, f"#{inspector_id}")
        times = sorted(_utc(p.exif_taken_at) for p in taken if p.exif_taken_at)
        if times:
            events.append(
                Event(times[0], "photos", "event.photos_taken", {"who": who, "count": len(times)})
            )
        received = sorted(_utc(p.received_at) for p in taken)
        events.append(
            Event(
                received[-1],
                "received",
                "event.photos_received",
                {"who": who, "count": len(received)},
            )
        )
    events.extend(_feedback(session, assignments, inspections, photos))
    for step in transitions:
        fields: dict[str, Any] = {"action": ("@action", step.action)}
        events.append(Event(_utc(step.at), "workflow", "event.transition", fields))
    for d in decisions:
        fields = {
            "who": ("@user", d.proposed_by),
            "outcome": ("@outcome", d.outcome.value),
        }
        events.append(Event(_utc(d.proposed_at), "decision", "event.decision_proposed", fields))
        settled_by, settled_at = d.confirmed_by or d.closed_by, d.confirmed_at or d.closed_at
        if settled_by and settled_at:
            fields = {"who": ("@user", settled_by), "status": ("@decision_status", d.status.value)}
            events.append(Event(_utc(settled_at), "decision", "event.decision_settled", fields))
    events.sort(key=lambda e: (e.at, KIND_ORDER.get(e.kind, 9)))
    return events


def _feedback(
    session: Session,
    assignments: list[Assignment],
    inspections: list[Inspection],
    photos: list[PhotoRow],
) -> list[Event]:
    """What the tablets were told about each document (the worker's record of it), one event
    per inspector database."""
    members = {m.user_id for a in assignments for m in a.members}
    doc_ids = [i.doc_id for i in inspections] + [p.doc_id for p in photos]
    if not members or not doc_ids:
        return []
    rows = session.execute(
        select(IngestedRevision.db_name, IngestedRevision.outcome, IngestedRevision.at).where(
            IngestedRevision.db_name.in_([f"inspector-{uid}" for uid in members]),
            IngestedRevision.doc_id.in_(doc_ids),
        )
    ).all()
    grouped: dict[str, list[tuple[str, dt.datetime]]] = {}
    for db_name, outcome, at in rows:
        grouped.setdefault(db_name, []).append((outcome, _utc(at)))
    events = []
    for _db, items in sorted(grouped.items()):
        counts = sorted(Counter(outcome for outcome, _ in items).items())
        fields = {"count": len(items), "statuses": ("@statuses", counts)}
        events.append(Event(max(at for _, at in items), "feedback", "event.feedback", fields))
    return events


@dataclass
class PhotoDetail:
    photo: Photo
    filing_id: int | None
    other_uses: list[dict[str, Any]]
    custody: list[PhotoCustody]
    users: dict[int, User]
    previous: int | None = None  # the filing's photo taken before this one (the gallery's order)
    next: int | None = None
    boundary_distance: int | None = None  # metres outside the site boundary (0 inside)

    def name(self, user_id: int | None) -> str:
        user = self.users.get(user_id) if user_id is not None else None
        return user.display_name if user else "—"


def photo_detail(session: Session, actor: Actor, photo_id: int) -> PhotoDetail:
    """One photo with its findings, custody and other uses in the city. Raises NotFound
    (also outside the actor's county)."""
    photo = evidence_repository.get_photo(session, actor, photo_id)
    uses = evidence_repository.other_uses(session, photo, max_distance=NEAR_DUPLICATE_DISTANCE)
    filing_id = None
    if photo.assignment_id is not None:
        filing_id = session.scalar(
            select(Assignment.filing_id).where(Assignment.id == photo.assignment_id)
        )
    custody = evidence_repository.custody_of(session, photo.id)
    wanted = {photo.inspector_id} | {c.actor_id for c in custody if c.actor_id}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}
    detail = PhotoDetail(photo, filing_id, uses, custody, users)
    if filing_id is not None:
        visits = select(Assignment.id).where(Assignment.filing_id == filing_id)
        order = list(
            session.scalars(
                select(Photo.id)
                .where(Photo.assignment_id.in_(visits))
                .order_by(Photo.exif_taken_at, Photo.id)  # the gallery's order
            )
        )
        at = order.index(photo.id)
        detail.previous = order[at - 1] if at > 0 else None
        detail.next = order[at + 1] if at + 1 < len(order) else None
        filing = session.get(Filing, filing_id)
        if filing is not None:
            site = filing.site
            detail.boundary_distance = boundary_distance_m(
                site.boundary, site.datum, photo.longitude, photo.latitude
            )
    return detail
