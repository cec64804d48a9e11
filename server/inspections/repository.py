"""Reading the inspection record: reviewers in their scope, inspectors their own."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.assignments.models import Assignment
from server.db import paginate
from server.errors import NotFound
from server.evidence.models import Photo
from server.filings.models import Filing
from server.inspections.models import Inspection, InspectionStatus
from server.registry.models import Enterprise, Site


def _scoped(actor: Actor) -> Select[Inspection]:
    query = select(Inspection)
    if actor.role not in REVIEWER_ROLES:
        return query.where(Inspection.inspector_id == actor.user_id)
    if actor.county is not None:
        query = (
            query.join(Assignment, Assignment.id == Inspection.assignment_id)
            .join(Filing, Filing.id == Assignment.filing_id)
            .join(Site, Site.id == Filing.site_id)
            .join(Enterprise, Enterprise.id == Site.enterprise_id)
            .where(Enterprise.county == actor.county)
        )
    return query


def list_inspections(
    session: Session,
    actor: Actor,
    *,
    assignment_id: int | None,
    status: InspectionStatus | None,
    conflicted: bool | None,
    offset: int,
    limit: int,
) -> tuple[list[Inspection], int]:
    query = _scoped(actor)
    if assignment_id is not None:
        query = query.where(Inspection.assignment_id == assignment_id)
    if status is not None:
        query = query.where(Inspection.status == status)
    if conflicted is not None:
        query = query.where(Inspection.has_conflict.is_(conflicted))
    return paginate(session, query, offset=offset, limit=limit, order_by=Inspection.id)


def get_inspection(session: Session, actor: Actor, inspection_id: int) -> Inspection:
    query = (
        _scoped(actor)
        .where(Inspection.id == inspection_id)
        .options(selectinload(Inspection.revisions))
    )
    inspection = session.scalar(query)
    if inspection is None:
        raise NotFound(f"inspection {inspection_id} not found in your scope")
    return inspection


def photos_of(session: Session, inspection: Inspection) -> list[Photo]:
    query = select(Photo).where(Photo.inspection_doc_id == inspection.doc_id).order_by(Photo.id)
    return list(session.scalars(query))
