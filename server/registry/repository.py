"""Registry queries, built with ``select()`` and scoped to what the actor may see."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from server.accounts.actor import Actor
from server.db import paginate
from server.errors import NotFound
from server.registry.models import CemsPoint, Enterprise, Site


def scoped_enterprises(actor: Actor) -> Select[Enterprise]:
    query = select(Enterprise)
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    return query


def get_enterprise(session: Session, actor: Actor, enterprise_id: int) -> Enterprise:
    """The enterprise if the actor may see it. Raises NotFound otherwise (no existence leak)."""
    enterprise = session.scalar(scoped_enterprises(actor).where(Enterprise.id == enterprise_id))
    if enterprise is None:
        raise NotFound(f"enterprise {enterprise_id} not found in your scope")
    return enterprise


def list_enterprises(
    session: Session,
    actor: Actor,
    *,
    county: str | None,
    name: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Enterprise], int]:
    query = scoped_enterprises(actor)
    if county:
        query = query.where(Enterprise.county == county)
    if name:
        query = query.where(Enterprise.name.contains(name))
    return paginate(session, query, offset=offset, limit=limit, order_by=Enterprise.id)


def get_site(session: Session, actor: Actor, site_id: int) -> Site:
    query = (
        select(Site)
        .join(Site.enterprise)
        .where(Site.id == site_id)
        .options(selectinload(Site.lines), selectinload(Site.cems_points), selectinload(Site.gates))
    )
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    site = session.scalar(query)
    if site is None:
        raise NotFound(f"site {site_id} not found in your scope")
    return site


def list_sites(
    session: Session, actor: Actor, *, enterprise_id: int | None, offset: int, limit: int
) -> tuple[list[Site], int]:
    query = select(Site).join(Site.enterprise)
    if actor.county is not None:
        query = query.where(Enterprise.county == actor.county)
    if enterprise_id is not None:
        query = query.where(Site.enterprise_id == enterprise_id)
    query = query.options(
        selectinload(Site.lines), selectinload(Site.cems_points), selectinload(Site.gates)
    )
    return paginate(session, query, offset=offset, limit=limit, order_by=Site.id)


def existing_mns(session: Session, mns: list[str]) -> set[str]:
    if not mns:
        return set()
    return set(session.scalars(select(CemsPoint.mn).where(CemsPoint.mn.in_(mns))))


def credit_code_taken(session: Session, credit_code: str) -> bool:
    return (
        session.scalar(select(Enterprise.id).where(Enterprise.credit_code == credit_code))
        is not None
    )


def get_enterprise_for_declaration(session: Session, enterprise_id: int) -> Enterprise:
    """Any enterprise of the city: an inspector declares a conflict with a plant outside any
    scope they could read, and saying it exists leaks only a name they already know."""
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"enterprise {enterprise_id} not found")
    return enterprise
