"""Recording penalties, integrity records and conflict declarations, and reading them back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.accounts.models import Role, User
from server.audit.service import record
from server.clock import china_today
from server.compliance.models import (
    ConflictDeclaration,
    ConflictKind,
    IntegrityRecord,
    Penalty,
    PenaltyKind,
)
from server.db import paginate
from server.errors import NotFound, ValidationFailed
from server.registry.models import Enterprise

# Rule 7: no application for one year after falsification.
BAR_AFTER_FALSIFICATION = dt.timedelta(days=365)


def record_penalty(
    session: Session,
    *,
    actor: Actor,
    enterprise: Enterprise,
    kind: PenaltyKind,
    decided_on: dt.date,
    document_no: str | None = None,
    description: str | None = None,
) -> Penalty:
    """Record an administrative penalty (rule 6). Raises Forbidden, ValidationFailed."""
    actor.require(*REVIEWER_ROLES)
    actor.require_county(enterprise.county)
    if decided_on > china_today():
        raise ValidationFailed("penalty in the future", errors={"decided_on": ["is in the future"]})
    penalty = Penalty(
        enterprise=enterprise,
        kind=kind,
        decided_on=decided_on,
        document_no=document_no,
        description=description,
    )
    session.add(penalty)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="penalty.recorded",
        subject_type="enterprise",
        subject_id=enterprise.id,
        data={"penalty_id": penalty.id, "kind": kind.value, "decided_on": decided_on.isoformat()},
    )
    return penalty


def record_integrity(
    session: Session,
    *,
    actor: Actor,
    enterprise: Enterprise,
    recorded_on: dt.date,
    reason: str,
    barred_until: dt.date | None = None,
) -> IntegrityRecord:
    """Enter falsification in the integrity record (rule 7); bars applications for a year."""
    actor.require(Role.city_reviewer, Role.admin)
    barred_until = barred_until or recorded_on + BAR_AFTER_FALSIFICATION
    if barred_until < recorded_on:
        raise ValidationFailed(
            "bar ends before it starts", errors={"barred_until": ["is before recorded_on"]}
        )
    entry = IntegrityRecord(
        enterprise=enterprise, recorded_on=recorded_on, barred_until=barred_until, reason=reason
    )
    session.add(entry)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="integrity.recorded",
        subject_type="enterprise",
        subject_id=enterprise.id,
        data={"record_id": entry.id, "barred_until": barred_until.isoformat()},
    )
    return entry


def declare_conflict(
    session: Session,
    *,
    actor: Actor,
    enterprise: Enterprise,
    user_id: int,
    kind: ConflictKind,
    declared_on: dt.date,
    description: str | None = None,
) -> ConflictDeclaration:
    """Declare that a person served an enterprise (rule 9).

    Anyone may declare their own conflicts; reviewers and admins may record anyone's.
    Raises Forbidden, NotFound.
    """
    if user_id != actor.user_id:
        actor.require(*REVIEWER_ROLES)
    if session.get(User, user_id) is None:
        raise NotFound(f"user {user_id} not found")
    declaration = ConflictDeclaration(
        enterprise=enterprise,
        user_id=user_id,
        kind=kind,
        declared_on=declared_on,
        description=description,
    )
    session.add(declaration)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="conflict.declared",
        subject_type="enterprise",
        subject_id=enterprise.id,
        data={"declaration_id": declaration.id, "user_id": user_id, "kind": kind.value},
    )
    return declaration


def list_penalties(
    session: Session, actor: Actor, *, enterprise_id: int | None, offset: int, limit: int
) -> tuple[list[Penalty], int]:
    actor.require(*REVIEWER_ROLES)
    query = select(Penalty).join(Penalty.enterprise)
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    if enterprise_id is not None:
        query = query.where(Penalty.enterprise_id == enterprise_id)
    return paginate(session, query, offset=offset, limit=limit, order_by=Penalty.id)


def list_integrity_records(
    session: Session, actor: Actor, *, enterprise_id: int | None, offset: int, limit: int
) -> tuple[list[IntegrityRecord], int]:
    actor.require(*REVIEWER_ROLES)
    query = select(IntegrityRecord).join(IntegrityRecord.enterprise)
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    if enterprise_id is not None:
        query = query.where(IntegrityRecord.enterprise_id == enterprise_id)
    return paginate(session, query, offset=offset, limit=limit, order_by=IntegrityRecord.id)


def list_conflicts(
    session: Session,
    actor: Actor,
    *,
    enterprise_id: int | None,
    user_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[ConflictDeclaration], int]:
    """Reviewers see the declarations in their scope; anyone else sees only their own."""
    query = select(ConflictDeclaration).join(ConflictDeclaration.enterprise)
    if actor.role not in REVIEWER_ROLES:
        query = query.where(ConflictDeclaration.user_id == actor.user_id)
    elif actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    if enterprise_id is not None:
        query = query.where(ConflictDeclaration.enterprise_id == enterprise_id)
    if user_id is not None:
        query = query.where(ConflictDeclaration.user_id == user_id)
    return paginate(session, query, offset=offset, limit=limit, order_by=ConflictDeclaration.id)
