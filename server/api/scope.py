"""The request scope: one SQL session per request, committed once when the response is good."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session


def db_session() -> Session:
    """The request's session, opened on first use."""
    session: Session | None = g.get("db_session")
    if session is None:
        session = current_app.extensions["session_factory"]()
        g.db_session = session
    return session


def _finish(response: Response) -> Response:
    session: Session | None = g.get("db_session")
    if session is not None:
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
    return response


def _close(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask, session_factory: Any) -> None:
    app.extensions["session_factory"] = session_factory
    app.after_request(_finish)
    app.teardown_request(_close)
