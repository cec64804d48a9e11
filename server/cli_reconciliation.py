"""``flask --app wsgi reconcile``: bring stored reconciliations up to date in bulk.

Reads recompute a stale result by themselves; this is for after a change of rules or code (a new
``CODE_VERSION``), or to fill the results of a whole city before its review starts.
"""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


@click.command("reconcile")
@with_appcontext
@click.option("--filing", "filing_ids", type=int, multiple=True, help="only these filings")
@click.option("--year", type=int, help="only the filings of this year")
def reconcile_command(filing_ids: tuple[int, ...], year: int | None) -> None:
    """Recompute every filing whose evidence changed since its stored result; print a summary."""
    from server.filings.models import Filing
    from server.reconciliation.models import ReconciliationResult
    from server.reconciliation.service import refresh_all

    session = current_app.extensions["session_factory"]()
    try:
        query = select(Filing.id)
        if filing_ids:
            query = query.where(Filing.id.in_(filing_ids))
        if year is not None:
            query = query.where(Filing.year == year)
        ids = list(session.scalars(query))
        started = time.perf_counter()
        computed = refresh_all(session, ids)
        session.commit()
        void = session.scalar(
            select(ReconciliationResult.id)
            .where(ReconciliationResult.needs_new_visit.is_(True))
            .limit(1)
        )
    finally:
        session.close()
    seconds = time.perf_counter() - started
    click.echo(
        f"{len(ids)} filings checked, {computed} recomputed in {seconds:.1f} s"
        + ("; some need a new visit: GET /api/reconciliation/new-visits" if void else "")
    )
