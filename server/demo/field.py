"""The demo city's assignment for the field app (``/field/``): ``make run`` prints the app's
address, an inspector's account and the plant waiting for them.

The demo city publishes its assignments with a visit window from the day it was loaded
(``server.demo.field_work``). A database loaded days ago would leave the field app with a
window already closed, so the first demo inspector's assignment gets a window from today again
(a new assignment version, which the sync worker pushes to both members' tablets).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.assignments.models import Assignment, AssignmentMember, AssignmentStatus
from server.assignments.service import update_assignment
from server.clock import CHINA
from server.filings.models import Filing

FIELD_INSPECTOR = "inspector01"
WINDOW_DAYS = 5


@dataclass(frozen=True)
class FieldDemo:
    username: str
    assignment_id: int
    plant: str
    window_end: dt.datetime
    extended: bool


def ready_field_assignment(
    session: Session, username: str = FIELD_INSPECTOR, now: dt.datetime | None = None
) -> FieldDemo | None:
    """The inspector's first published assignment, its window reaching from today; None when
    the demo city has no such inspector or assignment (an empty or a real database)."""
    inspector = session.scalar(select(User).where(User.username == username))
    admin = session.scalar(select(User).where(User.role == Role.admin).order_by(User.id))
    if inspector is None or admin is None:
        return None
    assignment = session.scalar(
        select(Assignment)
        .join(AssignmentMember, AssignmentMember.assignment_id == Assignment.id)
        .where(
            AssignmentMember.user_id == inspector.id,
            Assignment.status == AssignmentStatus.published,
        )
        .order_by(Assignment.id)
    )
    if assignment is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    extended = assignment.window_end.astimezone(dt.UTC) < now + dt.timedelta(days=1)
    if extended:
        today = now.astimezone(CHINA).replace(hour=8, minute=0, second=0, microsecond=0)
        update_assignment(
            session,
            actor=Actor.of(admin),
            assignment=assignment,
            changes={
                "window_start": min(today.astimezone(dt.UTC), now),
                "window_end": (today + dt.timedelta(days=WINDOW_DAYS)).astimezone(dt.UTC),
            },
        )
    filing = session.get(Filing, assignment.filing_id)
    plant = filing.site.enterprise.name if filing is not None else ""
    return FieldDemo(username, assignment.id, plant, assignment.window_end, extended)
