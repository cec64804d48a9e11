"""Published assignments for the demo city, so a tablet (docs/examples/tablet-client.cjs) has
something to pull as soon as `make run` is up.

Plants claiming A are checked on site without a draw (rule 12); the first few get a team of two
city-wide inspectors with no declared conflict, and a visit window from today.
"""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import User
from server.assignments.errors import TeamRefused
from server.assignments.models import AssignmentStatus
from server.assignments.service import create_assignment, update_assignment
from server.clock import CHINA
from server.filings.models import Filing, IndustryCase

DEMO_ASSIGNMENTS = 6
_TEAM_POOL = [f"inspector{n:02d}" for n in range(1, 13)]


def publish_demo_assignments(session: Session, admin: Actor, users: dict[str, User]) -> int:
    """Publish up to DEMO_ASSIGNMENTS checks of A claims; returns how many were made."""
    filings = session.scalars(
        select(Filing)
        .join(IndustryCase, IndustryCase.filing_id == Filing.id)
        .where(
            IndustryCase.is_main.is_(True), IndustryCase.claimed_grade == "A", Filing.year == 2026
        )
        .order_by(Filing.id)
    ).all()
    today = dt.datetime.now(CHINA).replace(hour=8, minute=0, second=0, microsecond=0)
    start, end = today.astimezone(dt.UTC), (today + dt.timedelta(days=5)).astimezone(dt.UTC)
    # Disjoint pairs first (01+02, 03+04, …), so the work is spread; then mixed ones.
    disjoint = list(zip(_TEAM_POOL[::2], _TEAM_POOL[1::2], strict=True))
    pairs = itertools.cycle(disjoint + list(itertools.combinations(_TEAM_POOL, 2)))
    made = 0
    for filing in filings:
        if made == DEMO_ASSIGNMENTS:
            break
        for _ in range(10):  # the next pair without a conflict for this plant
            lead, second = next(pairs)
            try:
                with session.begin_nested():
                    assignment = create_assignment(
                        session,
                        actor=admin,
                        filing_id=filing.id,
                        members=[users[lead].id, users[second].id],
                        lead_id=users[lead].id,
                        window_start=start,
                        window_end=end,
                    )
                    update_assignment(
                        session,
                        actor=admin,
                        assignment=assignment,
                        changes={"status": AssignmentStatus.published},
                    )
            except TeamRefused:
                continue
            made += 1
            break
    return made
