"""The request scope: one SQL session per request, committed once when the response is good."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session

from sync.couch import CouchClient


def db_session() -> Session:
    """The request's session, opened on first use."""
    session: Session | None = g.get("db_session")
    if session is None:
        session = current_app.extensions["session_factory"]()
        g.db_session = session
    return session


def couch_client(purpose: str, *, timeout: float | None = None) -> CouchClient:
    """The process's CouchDB client for ``purpose`` (its connections are reused across requests).

    The health check keeps a short timeout of its own; the gateway sets one per request.
    """
    clients: dict[str, CouchClient] = current_app.extensions.setdefault("couch_clients", {})
    if purpose not in clients:
        url = current_app.config["SETTINGS"].couchdb_url
        clients[purpose] = CouchClient(url, timeout=timeout) if timeout else CouchClient(url)
    return clients[purpose]


def close_couch_clients(app: Flask) -> None:
    for client in app.extensions.pop("couch_clients", {}).values():
        client.close()


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
