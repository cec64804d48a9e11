"""Search from every page: a plant's name (enterprise or site), its credit code, a filing
number. A county reviewer finds only their county's filings."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from server.accounts.actor import Actor
from server.api.scope import db_session
from server.auth import current_actor
from server.filings.models import Filing
from server.registry.models import Enterprise, Site
from server.web import queue as q
from server.web.blueprint import page

MAX_QUERY = 100
MAX_RESULTS = 50


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Filing numbers are INTEGER columns: a longer number is no filing's (and would overflow
# PostgreSQL's parameter), so it is matched as text only.
MAX_FILING_ID = 2**31 - 1


def search_filings(session: Session, actor: Actor, text: str) -> tuple[list[Filing], bool]:
    """Filings whose plant name contains ``text``, whose credit code starts with it, or whose
    number it is, newest first; and whether there were more than shown."""
    actor.require_registry_reader()
    text = text.strip()[:MAX_QUERY]
    if not text:
        return [], False
    matches: list[ColumnElement[bool]] = [
        Enterprise.name.like(_like(text), escape="\\"),
        Site.name.like(_like(text), escape="\\"),
        func.upper(Enterprise.credit_code).like(_like(text.upper())[1:], escape="\\"),
    ]
    number = text.lstrip("#")
    if number.isdigit() and int(number) <= MAX_FILING_ID:
        matches.append(Filing.id == int(number))
    query = (
        select(Filing)
        .join(Filing.site)
        .join(Site.enterprise)
        .where(or_(*matches))
        .options(
            contains_eager(Filing.site).contains_eager(Site.enterprise),
            selectinload(Filing.cases),
        )
        .order_by(Filing.year.desc(), Filing.id.desc())
        .limit(MAX_RESULTS + 1)
    )
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    found = list(session.scalars(query).unique())
    return found[:MAX_RESULTS], len(found) > MAX_RESULTS


@page("/search")
def search() -> str:
    text = request.args.get("q", "")[:MAX_QUERY]
    filings, more = search_filings(db_session(), current_actor(), text)
    return render_template(
        "review/search.html",
        query=text.strip(),
        filings=filings,
        more=more,
        limit=MAX_RESULTS,
        industry_name=q.industry_name,
    )
