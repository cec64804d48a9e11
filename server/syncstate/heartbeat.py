"""The sync worker's heartbeat in SQL, and what health and ``flask sync status`` make of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db import utcnow
from server.syncstate.models import WorkerHeartbeat

# Beyond this many seconds without a heartbeat a worker is reported stale (a setting:
# WORKER_STALE_AFTER). The worker beats every 30 s while it runs, however idle.
DEFAULT_STALE_AFTER = 120


def beat(
    session: Session,
    *,
    name: str,
    backlog: int | None,
    pid: int | None,
    host: str | None,
    error: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Record that worker ``name`` is alive (the caller commits)."""
    row = session.get(WorkerHeartbeat, name)
    if row is None:
        row = WorkerHeartbeat(name=name)
        session.add(row)
    row.beat_at = at or utcnow()
    row.backlog, row.pid, row.host, row.last_error = backlog, pid, host, error


@dataclass(frozen=True)
class WorkerHealth:
    status: str  # ok | stale | none (no worker has ever beaten)
    last_heartbeat: dt.datetime | None
    backlog: int | None
    workers: int
    stale_after: int

    def describe(self) -> str:
        if self.status == "none":
            return "no heartbeat yet: the sync worker has not run"
        assert self.last_heartbeat is not None
        at = self.last_heartbeat.isoformat(timespec="seconds")
        backlog = "unknown" if self.backlog is None else str(self.backlog)
        return f"{self.status}: last heartbeat {at}, backlog {backlog}"


def worker_health(
    session: Session, *, stale_after: int = DEFAULT_STALE_AFTER, now: dt.datetime | None = None
) -> WorkerHealth:
    """The newest heartbeat of any worker, and whether it is older than ``stale_after`` s.

    Several workers each beat under their own name; the backlog is the sum of theirs that are
    not stale (None when one of them does not know its own)."""
    rows = list(session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at)))
    if not rows:
        return WorkerHealth("none", None, None, 0, stale_after)
    now = now or utcnow()
    limit = now - dt.timedelta(seconds=stale_after)
    live = [row for row in rows if row.beat_at >= limit]
    backlogs = [row.backlog for row in live]
    backlog = None if any(b is None for b in backlogs) else sum(b for b in backlogs if b)
    return WorkerHealth(
        "ok" if live else "stale",
        rows[-1].beat_at,
        backlog if live else rows[-1].backlog,
        len(live),
        stale_after,
    )
