"""Who is asking: every request is authenticated unless its view is marked public.

Default-deny: a new endpoint needs a token until someone decides otherwise with ``@public``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Flask, current_app, g, request

from server.accounts.actor import Actor
from server.accounts.models import User
from server.accounts.service import Attempt, sign_in, user_for_token
from server.api.scope import db_session, request_writes
from server.errors import Unauthenticated

V = TypeVar("V")

# The OpenAPI document and its browsable UI are public, like the health check.
_PUBLIC_BLUEPRINTS = frozenset({"api-docs"})


def public(view: V) -> V:
    """Mark a view (function or MethodView class) as reachable without a token."""
    view._public = True  # type: ignore[attr-defined]
    return view


def _is_public(endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # 404s and 405s: nothing to protect, let Flask answer
    if endpoint.split(".", 1)[0] in _PUBLIC_BLUEPRINTS or endpoint == "static":
        return True
    view = current_app.view_functions.get(endpoint)
    target: Any = getattr(view, "view_class", view)
    return bool(getattr(target, "_public", False))


def _authenticate() -> None:
    if request.method == "OPTIONS" or _is_public(request.endpoint):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(
            "send 'Authorization: Bearer <token>'; get a token from POST /api/auth/token"
        )
    settings = current_app.config["SETTINGS"]
    user = user_for_token(db_session(), settings.secret_key, token.strip(), settings.token_max_age)
    g.actor = Actor.of(user)


def current_actor() -> Actor:
    actor: Actor | None = g.get("actor")
    if actor is None:  # a public view asking for an actor is a programming error
        raise Unauthenticated("this endpoint needs a token")
    return actor


def client_address() -> str:
    """The client's address as this process sees it (behind a reverse proxy, configure the
    proxy to pass it; see docs/security.md)."""
    return request.remote_addr or "unknown"


def password_sign_in(username: str, password: str, door: str) -> User:
    """Check a password at one of the sign-in doors, throttled; a failure is committed with its
    audit event although the request is refused. Raises SignInThrottled, Unauthenticated.

    The throttle writes (a failure counted, an account's count cleared): a request that
    otherwise only reads (the gateway) does it in a writer's transaction of its own, so it
    waits its turn on SQLite instead of failing "database is locked"."""
    settings = current_app.config["SETTINGS"]
    own = not request_writes()
    session = current_app.extensions["session_factory"]() if own else db_session()
    try:
        user = sign_in(
            session,
            Attempt(username, client_address(), door),
            password,
            limits=settings.sign_in,
            secret_key=settings.secret_key,
        )
        if own:
            session.commit()
        return user
    except Unauthenticated:
        session.commit()  # the failure counts, whatever happens to the request
        raise
    finally:
        if own:
            session.close()


def init_app(app: Flask) -> None:
    app.before_request(_authenticate)
