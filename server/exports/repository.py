"""Export queries: the filings of a list, their decisions and visits, photos, the audit slice.

Every query is scoped by the actor's county (a county reviewer sees only theirs) and built as
one statement over a subquery of the chosen filings, so a city's 5,000 filings are a handful
of queries, not one per plant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from server.accounts.actor import Actor
from server.assignments.models import Assignment
from server.audit.models import AuditEvent
from server.evidence.models import Photo, PhotoCustody
from server.filings.models import Filing, IndustryCase
from server.inspections.models import Inspection, InspectionStatus
from server.registry.models import Enterprise, Site
from server.review import grades
from server.review.batches import get_batch
from server.review.grades import GradeEvent, Standing
from server.review.models import DecisionStatus, ReviewBatch, ReviewDecision


@dataclass(frozen=True)
class ExportFilter:
    county: str | None = None
    industry: str | None = None  # any industry case of the filing
    batch_id: int | None = None  # the batch of the filing's year and main industry
    year: int | None = None


def _placed(actor: Actor) -> Select[int]:
    query = select(Filing.id).join(Filing.site).join(Site.enterprise)
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    return query


def filing_ids(session: Session, actor: Actor, filters: ExportFilter) -> Select[int]:
    """The ids of the filings the filters choose in the actor's scope, as a statement.

    Raises NotFound for a batch that does not exist.
    """
    query = _placed(actor)
    conditions: list[ColumnElement[bool]] = []
    if filters.county:
        conditions.append(Enterprise.county == filters.county)
    if filters.year is not None:
        conditions.append(Filing.year == filters.year)
    if filters.industry:
        case = select(IndustryCase.id).where(
            IndustryCase.filing_id == Filing.id, IndustryCase.industry_code == filters.industry
        )
        conditions.append(exists(case))
    if filters.batch_id is not None:
        batch = get_batch(session, actor, filters.batch_id)
        main = select(IndustryCase.id).where(
            IndustryCase.filing_id == Filing.id,
            IndustryCase.is_main,
            IndustryCase.industry_code.in_(batch.industries),
        )
        conditions += [Filing.year == batch.year, Enterprise.city == batch.city, exists(main)]
    return query.where(*conditions)


def filings(session: Session, chosen: Select[int]) -> list[Filing]:
    """The chosen filings with their site, enterprise and industry cases."""
    query = (
        select(Filing)
        .join(Filing.site)
        .join(Site.enterprise)
        .where(Filing.id.in_(chosen.scalar_subquery()))
        .options(
            contains_eager(Filing.site).contains_eager(Site.enterprise),
            selectinload(Filing.cases),
        )
        .order_by(Filing.id)
    )
    return list(session.scalars(query).unique())


def confirmed_decisions(session: Session, chosen: Select[int]) -> dict[int, ReviewDecision]:
    """Per filing, its latest confirmed decision (a proposal alone decides nothing)."""
    query = (
        select(ReviewDecision)
        .where(
            ReviewDecision.filing_id.in_(chosen.scalar_subquery()),
            ReviewDecision.status == DecisionStatus.confirmed,
        )
        .order_by(ReviewDecision.filing_id, ReviewDecision.confirmed_at, ReviewDecision.id)
    )
    return {decision.filing_id: decision for decision in session.scalars(query)}


def latest_grades(session: Session, chosen: Select[int]) -> dict[int, GradeEvent]:
    """Per filing, the decided grade that counts (the latest of its grade history)."""
    return grades.latest_grades(session, chosen)


def standings(session: Session, chosen_filings: list[Filing]) -> dict[int, Standing]:
    """Per filing, whether it stands for its site's year (a site may file again, S4 §三(四))."""
    return grades.standings(session, chosen_filings)


def visited(session: Session, chosen: Select[int]) -> set[int]:
    """The filings checked on site: an accepted inspection on one of their assignments."""
    query = (
        select(Assignment.filing_id)
        .join(Inspection, Inspection.assignment_id == Assignment.id)
        .where(
            Assignment.filing_id.in_(chosen.scalar_subquery()),
            Inspection.status == InspectionStatus.accepted,
        )
        .distinct()
    )
    return set(session.scalars(query))


def batches(session: Session, places: Iterable[tuple[str, int]]) -> list[ReviewBatch]:
    """The review batches of these (city, year) pairs."""
    wanted = set(places)
    if not wanted:
        return []
    match = or_(*(and_(ReviewBatch.city == c, ReviewBatch.year == y) for c, y in wanted))
    return list(session.scalars(select(ReviewBatch).where(match).order_by(ReviewBatch.id)))


def decisions_of(session: Session, filing_id: int) -> list[ReviewDecision]:
    query = select(ReviewDecision).where(ReviewDecision.filing_id == filing_id)
    return list(session.scalars(query.order_by(ReviewDecision.id)))


@dataclass(frozen=True)
class PhotoFilter:
    county: str | None = None
    year: int | None = None
    filing_id: int | None = None
    assignment_id: int | None = None


def located_photos(
    session: Session, actor: Actor, filters: PhotoFilter
) -> list[tuple[Photo, Assignment, Site]]:
    """Accepted photos of visits in the actor's scope, with their visit and site."""
    query = (
        select(Photo, Assignment, Site)
        .join(Assignment, Assignment.id == Photo.assignment_id)
        .join(Filing, Filing.id == Assignment.filing_id)
        .join(Site, Site.id == Assignment.site_id)
        .join(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Photo.status == "accepted")
        .options(selectinload(Photo.findings))
        .order_by(Photo.id)
    )
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    if filters.county:
        query = query.where(Enterprise.county == filters.county)
    if filters.year is not None:
        query = query.where(Filing.year == filters.year)
    if filters.filing_id is not None:
        query = query.where(Assignment.filing_id == filters.filing_id)
    if filters.assignment_id is not None:
        query = query.where(Photo.assignment_id == filters.assignment_id)
    return [(photo, assignment, site) for photo, assignment, site in session.execute(query)]


def assignments_of(session: Session, filing_id: int) -> list[Assignment]:
    query = select(Assignment).where(Assignment.filing_id == filing_id)
    return list(session.scalars(query.order_by(Assignment.id)))


def photos_of(session: Session, assignment_ids: list[int]) -> list[Photo]:
    """Every photo of these visits, whatever became of it, with its findings."""
    if not assignment_ids:
        return []
    query = (
        select(Photo)
        .where(Photo.assignment_id.in_(assignment_ids))
        .options(selectinload(Photo.findings))
        .order_by(Photo.id)
    )
    return list(session.scalars(query))


def inspections_of(session: Session, assignment_ids: list[int]) -> list[Inspection]:
    if not assignment_ids:
        return []
    query = select(Inspection).where(Inspection.assignment_id.in_(assignment_ids))
    return list(session.scalars(query.order_by(Inspection.id)))


def custody_of(session: Session, photo_ids: list[int]) -> list[PhotoCustody]:
    if not photo_ids:
        return []
    query = select(PhotoCustody).where(PhotoCustody.photo_id.in_(photo_ids))
    return list(session.scalars(query.order_by(PhotoCustody.id)))


def claim_ids(filing: Filing) -> list[int]:
    return [claim.id for case in filing.cases for claim in case.claims]


def audit_slice(session: Session, subjects: dict[str, list[int]]) -> list[AuditEvent]:
    """Every audit event whose subject is one of ``subjects`` (type → ids), in chain order."""
    matches = [
        and_(AuditEvent.subject_type == kind, AuditEvent.subject_id.in_(ids))
        for kind, ids in subjects.items()
        if ids
    ]
    query = select(AuditEvent).where(or_(false(), *matches)).order_by(AuditEvent.seq)
    return list(session.scalars(query))
