"""Draw queries: what an actor may see of draws and their entries, and selections by filing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.accounts.models import Role
from server.db import paginate
from server.errors import NotFound
from server.sampling.models import Draw, DrawEntry


def visible(actor: Actor, draw_row: Draw) -> bool:
    if actor.role in (Role.city_reviewer, Role.admin):
        return True
    return actor.role is Role.county_reviewer and draw_row.published_at is not None


def get_draw(session: Session, actor: Actor, draw_id: int) -> Draw:
    """The draw if the actor may see it (unpublished: city reviewers and admins). Raises NotFound."""
    actor.require(*REVIEWER_ROLES)
    row = session.get(Draw, draw_id)
    if row is None or not visible(actor, row):
        raise NotFound(f"draw {draw_id} not found")
    return row


def list_draws(
    session: Session, actor: Actor, *, batch_id: int | None, offset: int, limit: int
) -> tuple[list[Draw], int]:
    actor.require(*REVIEWER_ROLES)
    query = select(Draw)
    if actor.role is Role.county_reviewer:
        query = query.where(Draw.published_at.is_not(None))
    if batch_id is not None:
        query = query.where(Draw.batch_id == batch_id)
    return paginate(session, query, offset=offset, limit=limit, order_by=Draw.id)


def list_entries(
    session: Session,
    actor: Actor,
    draw_id: int,
    *,
    selected: bool | None,
    county: str | None,
    offset: int,
    limit: int,
) -> tuple[list[DrawEntry], int]:
    """A draw's entries; county reviewers see their county's only. Raises NotFound."""
    draw_row = get_draw(session, actor, draw_id)
    query = select(DrawEntry).where(DrawEntry.draw_id == draw_row.id)
    if actor.county is not None:
        query = query.where(DrawEntry.county == actor.county)
    if county:
        query = query.where(DrawEntry.county == county)
    if selected is not None:
        query = query.where(DrawEntry.selected.is_(selected))
    return paginate(session, query, offset=offset, limit=limit, order_by=DrawEntry.filing_id)


def may_disclose(draw_row: Draw, now: dt.datetime) -> bool:
    """Whether the selection may now be told to the plants (hidden until the visit)."""
    return draw_row.disclose_after is not None and now >= draw_row.disclose_after


def selected_entry(
    session: Session, filing_id: int, draw_id: int | None = None
) -> DrawEntry | None:
    """The entry selecting the filing for an on-site check (in ``draw_id``, or any draw)."""
    query = select(DrawEntry).where(DrawEntry.filing_id == filing_id, DrawEntry.selected.is_(True))
    if draw_id is not None:
        query = query.where(DrawEntry.draw_id == draw_id)
    return session.scalars(query.order_by(DrawEntry.draw_id)).first()
