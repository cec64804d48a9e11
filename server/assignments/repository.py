"""Assignment queries: scoped reads, inspectors with their loads, conflicts, pinned forms."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.assignments.models import (
    ACTIVE_STATUSES,
    Assignment,
    AssignmentMember,
    AssignmentStatus,
)
from server.compliance.models import ConflictDeclaration
from server.db import paginate
from server.errors import NotFound
from server.filings.models import Filing
from server.inspections.forms import forms_for_filing
from server.registry.models import Enterprise, Site
from server.sampling.models import Draw


def scoped_assignments(actor: Actor) -> Select[Assignment]:
    """Inspectors: the assignments they are members of. County reviewers: their county's, except
    those from a draw not yet published (they would reveal the selection). Others: all."""
    query = select(Assignment)
    if actor.role is Role.inspector:
        mine = select(AssignmentMember.assignment_id).where(
            AssignmentMember.user_id == actor.user_id
        )
        return query.where(Assignment.id.in_(mine))
    if actor.county is not None:
        query = (
            query.join(Site, Site.id == Assignment.site_id)
            .join(Site.enterprise)
            .outerjoin(Draw, Draw.id == Assignment.draw_id)
            .where(Enterprise.county == actor.county)
            .where((Assignment.draw_id.is_(None)) | (Draw.published_at.is_not(None)))
        )
    return query


def get_assignment(session: Session, actor: Actor, assignment_id: int) -> Assignment:
    """The assignment if the actor may see it. Raises NotFound otherwise (no existence leak)."""
    query = (
        scoped_assignments(actor)
        .where(Assignment.id == assignment_id)
        .options(selectinload(Assignment.members).selectinload(AssignmentMember.user))
    )
    assignment = session.scalar(query)
    if assignment is None:
        raise NotFound(f"assignment {assignment_id} not found")
    return assignment


def list_assignments(
    session: Session,
    actor: Actor,
    *,
    status: AssignmentStatus | None = None,
    filing_id: int | None = None,
    draw_id: int | None = None,
    user_id: int | None = None,
    offset: int,
    limit: int,
) -> tuple[list[Assignment], int]:
    query = scoped_assignments(actor).options(
        selectinload(Assignment.members).selectinload(AssignmentMember.user)
    )
    if status is not None:
        query = query.where(Assignment.status == status)
    if filing_id is not None:
        query = query.where(Assignment.filing_id == filing_id)
    if draw_id is not None:
        query = query.where(Assignment.draw_id == draw_id)
    if user_id is not None:
        members = select(AssignmentMember.assignment_id).where(AssignmentMember.user_id == user_id)
        query = query.where(Assignment.id.in_(members))
    return paginate(session, query, offset=offset, limit=limit, order_by=Assignment.id)


def active_loads(session: Session) -> dict[int, int]:
    """How many planned or published assignments each user is in."""
    query = (
        select(AssignmentMember.user_id, func.count())
        .join(AssignmentMember.assignment)
        .where(Assignment.status.in_(sorted(ACTIVE_STATUSES)))
        .group_by(AssignmentMember.user_id)
    )
    return {user_id: count for user_id, count in session.execute(query)}


def inspectors_of(session: Session, city: str) -> list[User]:
    """The city's active inspectors (blacklisted ones included: the caller says why not)."""
    query = select(User).where(User.role == Role.inspector, User.active, User.city == city)
    return list(session.scalars(query.order_by(User.id)))


def conflicted_users(session: Session, enterprise_ids: list[int]) -> dict[int, set[int]]:
    """enterprise id → ids of users who declared a conflict with it (rule 9)."""
    found: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(enterprise_ids), 500):  # keep IN lists within every driver's limit
        chunk = enterprise_ids[start : start + 500]
        query = select(ConflictDeclaration.enterprise_id, ConflictDeclaration.user_id).where(
            ConflictDeclaration.enterprise_id.in_(chunk)
        )
        for enterprise_id, user_id in session.execute(query):
            found[enterprise_id].add(user_id)
    return found


def has_active_assignment(
    session: Session, filing_id: int, *, other_than: int | None = None
) -> bool:
    query = select(Assignment.id).where(
        Assignment.filing_id == filing_id, Assignment.status.in_(sorted(ACTIVE_STATUSES))
    )
    if other_than is not None:
        query = query.where(Assignment.id != other_than)
    return session.scalar(query.limit(1)) is not None


def load_filing(session: Session, filing_id: int) -> Filing:
    query = (
        select(Filing)
        .where(Filing.id == filing_id)
        .options(
            selectinload(Filing.cases), selectinload(Filing.site).selectinload(Site.enterprise)
        )
    )
    filing = session.scalar(query)
    if filing is None:
        raise NotFound(f"filing {filing_id} not found")
    return filing


def form_pins(filing: Filing) -> list[dict[str, Any]]:
    """The published form versions for the filing's cases, as pinned on an assignment."""
    return [
        {"form_id": form.id, "version": form.version, "sha256": form.sha256}
        for form in forms_for_filing(filing)
    ]
