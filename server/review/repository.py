"""Queries of the review decisions: a filing's decisions, its open proposal, who may not decide."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

# Who was on a visit is the assignments' knowledge, a layer above review; reading the two
# tables (never their services) is the exception pyproject.toml's layer contract names.
from server.assignments.models import ACTIVE_STATUSES, Assignment, AssignmentMember
from server.compliance.models import ConflictDeclaration
from server.review.models import DecisionStatus, ReviewDecision, ReviewTransition


def decisions_of(session: Session, filing_id: int) -> list[ReviewDecision]:
    """Every decision on the filing, oldest first."""
    query = select(ReviewDecision).where(ReviewDecision.filing_id == filing_id)
    return list(session.scalars(query.order_by(ReviewDecision.id)))


def open_proposal(session: Session, filing_id: int) -> ReviewDecision | None:
    query = select(ReviewDecision).where(
        ReviewDecision.filing_id == filing_id, ReviewDecision.status == DecisionStatus.proposed
    )
    return session.scalars(query.limit(1)).first()


def was_on_visit(session: Session, filing_id: int, user_id: int) -> bool:
    """Whether the user is a member of any assignment of the filing, whatever its status: a
    visit cancelled half-way was still taken part in."""
    query = (
        select(AssignmentMember.id)
        .join(Assignment, Assignment.id == AssignmentMember.assignment_id)
        .where(Assignment.filing_id == filing_id, AssignmentMember.user_id == user_id)
    )
    return session.scalar(query.limit(1)) is not None


def declared_conflict(session: Session, enterprise_id: int, user_id: int) -> bool:
    query = select(ConflictDeclaration.id).where(
        ConflictDeclaration.enterprise_id == enterprise_id,
        ConflictDeclaration.user_id == user_id,
    )
    return session.scalar(query.limit(1)) is not None


def open_county_check(session: Session, filing_id: int) -> int | None:
    """The id of the county's own on-site check of the filing still planned or published
    (reason ``county_check``, server.assignments.county), if any."""
    query = select(Assignment.id).where(
        Assignment.filing_id == filing_id,
        Assignment.reason == "county_check",
        Assignment.status.in_(ACTIVE_STATUSES),
    )
    return session.scalar(query.order_by(Assignment.id).limit(1))


def earlier_lists(session: Session, filing_id: int) -> list[ReviewTransition]:
    """The filing's returns for supplement and supplements, oldest first."""
    query = select(ReviewTransition).where(
        ReviewTransition.filing_id == filing_id,
        ReviewTransition.action.in_(("return_for_supplement", "supplement")),
    )
    return list(session.scalars(query.order_by(ReviewTransition.id)))
