"""The request scope: one SQL session per request, committed once when the response is good.

On SQLite a request that may write takes the write lock when its transaction begins (``BEGIN
IMMEDIATE``) and so waits its turn behind other writers instead of failing "database is locked";
a request that only reads begins deferred and runs beside the others. What a request may do is
read from its method: GET, HEAD and OPTIONS read, the others write, except views marked with
:func:`writes` (a GET that records something, e.g. a custody event) or :func:`reads` (a POST that
only reads SQL, e.g. the sync gateway's). On PostgreSQL nothing differs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session

from server.db import impatient, read_only
from server.reconciliation import service as reconciliation
from sync.couch import CouchClient

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_INTENT = "_sql_intent"


def writes(view: F) -> F:
    """Mark a GET view that writes (records an event, stores something) as a writer."""
    setattr(view, _INTENT, "write")
    return view


def reads(view: F) -> F:
    """Mark a view whose method writes but which only reads SQL as a reader."""
    setattr(view, _INTENT, "read")
    return view


def request_writes() -> bool:
    """Whether this request's SQL transaction may write."""
    view = current_app.view_functions.get(request.endpoint or "")
    for target in (view, getattr(getattr(view, "view_class", None), request.method.lower(), None)):
        intent = getattr(target, _INTENT, None)
        if intent is not None:
            return bool(intent == "write")
    return request.method not in _READ_METHODS


def db_session() -> Session:
    """The request's session, opened on first use."""
    session: Session | None = g.get("db_session")
    if session is None:
        session = current_app.extensions["session_factory"]()
        if not request_writes():
            read_only(session)
            _guard_reads(session)
        g.db_session = session
    return session


# How long a cache write waits for the database before it is skipped.
ASIDE_WAIT_MS = 200


def aside(work: Callable[[Session], object], what: str) -> bool:
    """Do a write that may be skipped (storing a cache) without ever failing the request.

    A request that writes anyway does it in its own transaction; a reader does it in a short
    transaction of its own that gives up, logged, when the database is busy for more than
    ``ASIDE_WAIT_MS``. Returns whether it was written."""
    if request_writes():
        work(db_session())
        return True
    session: Session = current_app.extensions["session_factory"]()
    try:
        impatient(session, ASIDE_WAIT_MS)
        work(session)
        session.commit()
        return True
    except SQLAlchemyError as exc:
        session.rollback()
        log.warning("%s not stored, the database was busy; a later read stores it: %s", what, exc)
        return False
    finally:
        session.close()


def keep_results(pending: list[Any]) -> None:
    """Store reconciliation results a reader computed, on the side (see :func:`aside`)."""
    aside(lambda session: reconciliation.store(session, pending), "reconciliation results")


def end_reads() -> None:
    """End the request's transaction now, keeping what it loaded: call it before a network call
    (nothing may hold a transaction, nor a snapshot of the database, while waiting on one)."""
    session: Session | None = g.get("db_session")
    if session is not None:
        session.commit()


def _guard_reads(session: Session) -> None:
    """A reader that writes anyway would fail "database is locked" under load on SQLite: say
    which view does it (raise while testing, so the suite finds it; log in production)."""

    def refuse(what: str) -> None:
        message = f"{request.method} {request.endpoint} writes ({what}) but is not marked @writes"
        if current_app.config.get("STRICT_READS"):
            raise RuntimeError(message)
        log.error(message)

    @event.listens_for(session, "before_flush")
    def _flush(session: Session, *_args: Any) -> None:
        if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
            refuse("flush")

    @event.listens_for(session, "do_orm_execute")
    def _execute(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            refuse("statement")


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
    app.config.setdefault("STRICT_READS", app.debug or bool(os.environ.get("STRICT_READS")))
    app.after_request(_finish)
    app.teardown_request(_close)
