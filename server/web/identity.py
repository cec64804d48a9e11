"""Who is looking: the signed-in reviewer in the session cookie, and the CSRF token of its forms.

The cookie is Flask's signed session (HttpOnly, SameSite=Lax, Secure unless configured off). It
holds the user's id and token generation, so a password change or a deactivation signs the user
out everywhere, exactly as it revokes their API tokens; the time of sign-in, so the sign-in
lasts as long as a token; and the id of a session row on the server
(``server.accounts.sessions``): signing out ends that row, so a copy of the cookie kept from
before no longer signs anyone in.

Every form carries a per-session random token that the post must send back; a forged post from
another site cannot read it. The session being signed, the token cannot be planted either.
"""

from __future__ import annotations

import hmac
import secrets
import time
from urllib.parse import urlsplit

from flask import current_app, g, request, session
from sqlalchemy.orm import Session

from server.accounts import sessions
from server.accounts.actor import REVIEWER_ROLES, Actor
from server.accounts.models import User
from server.errors import DomainError, Forbidden

CSRF_FIELD = "csrf_token"


class CsrfFailed(DomainError):
    """A form post without this session's token: forged, or from a page of an older session."""

    status = 400
    code = "csrf.failed"


class NotSignedIn(Exception):
    """No reviewer in the session: the page sends the visitor to the sign-in page."""


class NotAReviewer(Forbidden):
    code = "web.reviewers_only"


def csrf_token() -> str:
    """This session's form token, made on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf() -> None:
    """Refuse a form post whose token is not this session's. Raises CsrfFailed."""
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise CsrfFailed("missing or invalid CSRF token; reload the page and send the form again")


def require_reviewer(user: User) -> None:
    """Only reviewers and admins use these pages. Raises NotAReviewer (inspectors)."""
    if user.role not in REVIEWER_ROLES:
        raise NotAReviewer("the review pages are for reviewers and administrators")


def sign_in(db: Session, user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token too), keeping the language."""
    language = session.get("lang")
    session.clear()
    session.update(
        {
            "uid": user.id,
            "gen": user.token_generation,
            "at": int(time.time()),
            "sid": sessions.start(db, user.id),
        }
    )
    if language:
        session["lang"] = language
    csrf_token()


def sign_out(db: Session | None = None) -> None:
    """Forget the session in the cookie and, with ``db``, end it on the server."""
    sid = session.get("sid")
    if db is not None and isinstance(sid, str):
        sessions.end(db, sid)
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def load_reviewer(db: Session) -> Actor:
    """The signed-in reviewer as an actor (also in ``g.actor`` for ``server.auth``).

    Raises NotSignedIn (no session, expired, revoked), NotAReviewer.
    """
    uid, generation, at = session.get("uid"), session.get("gen"), session.get("at")
    sid = session.get("sid")
    if not isinstance(uid, int) or not isinstance(at, int) or not isinstance(sid, str):
        sign_out()
        raise NotSignedIn
    max_age = current_app.config["SETTINGS"].token_max_age
    user = db.get(User, uid)
    if (
        user is None
        or not user.active
        or user.token_generation != generation
        or time.time() - at > max_age
        or not sessions.alive(db, sid, uid)
    ):
        sign_out()
        raise NotSignedIn
    require_reviewer(user)
    actor = Actor.of(user)
    g.actor, g.user = actor, user
    return actor


def safe_next(target: str | None, default: str) -> str:
    """Where to go after signing in: a path of these pages only, never another site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/review/"):
        return default
    return target
