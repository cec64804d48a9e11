"""Reviewer page sessions kept on the server: the cookie names a row, signing out ends it.

The cookie holds a random id; the table keeps its SHA-256 only, so reading the table does not
give anyone a working cookie. A session also ends when its user's tokens are revoked
(``server.accounts.service.revoke``).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.accounts.models import WebSession
from server.db import utcnow


def _digest(cookie_id: str) -> str:
    return hashlib.sha256(cookie_id.encode()).hexdigest()


def start(session: Session, user_id: int) -> str:
    """A new session for the user; the id for the cookie. Flushes."""
    cookie_id = secrets.token_urlsafe(32)
    session.add(WebSession(id=_digest(cookie_id), user_id=user_id))
    session.flush()
    return cookie_id


def alive(session: Session, cookie_id: str, user_id: int) -> bool:
    """Is this cookie's session still open for this user?"""
    row = session.get(WebSession, _digest(cookie_id))
    return row is not None and row.user_id == user_id and row.ended_at is None


def end(session: Session, cookie_id: str) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.id == _digest(cookie_id), WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def end_all(session: Session, user_id: int) -> int:
    """End every open session of the user; how many were open."""
    open_ids = session.scalars(
        select(WebSession.id).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
    ).all()
    if open_ids:
        session.execute(
            update(WebSession)
            .where(WebSession.id.in_(open_ids))
            .values(ended_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return len(open_ids)
