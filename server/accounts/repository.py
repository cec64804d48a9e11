"""Account queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import Role, User
from server.db import paginate
from server.errors import NotFound


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def list_users(
    session: Session, *, role: Role | None, county: str | None, offset: int, limit: int
) -> tuple[list[User], int]:
    query = select(User)
    if role is not None:
        query = query.where(User.role == role)
    if county:
        query = query.where(User.county == county)
    return paginate(session, query, offset=offset, limit=limit, order_by=User.id)
