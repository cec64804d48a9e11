"""Wiring of the reviewer pages: the guard every page passes, error pages, template helpers.

Every request to ``/review/…`` picks its language, checks the CSRF token of a form post, and
(except the sign-in page and the static files) loads the signed-in reviewer or sends the
visitor to sign in. Errors render as pages in the visitor's language, never as the API's JSON.
"""

from __future__ import annotations

from flask import Flask, Response, redirect, request, send_from_directory, url_for
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, NotFound

from server.api.scope import db_session
from server.auth import public
from server.errors import DomainError
from server.web import headers, i18n
from server.web.blueprint import STATIC_DIR, bp, page
from server.web.identity import CsrfFailed, NotAReviewer, NotSignedIn, check_csrf, load_reviewer
from server.web.rendering import domain_message, error_page, status_message, template_helpers
from server.web.views import (  # noqa: F401 (routes)
    admin,
    city,
    county,
    dashboard,
    decisions,
    dossier,
    photos,
    queue,
    search,
    signin,
)

# Pages a visitor reaches without being signed in.
_OPEN_ENDPOINTS = frozenset({"web.sign_in", "web.static_file", "web.not_found"})
STATIC_MAX_AGE = 3600


@bp.before_request
def _guard() -> Response | None:
    i18n.select_language()
    if request.method == "POST":
        check_csrf()
    if request.endpoint in _OPEN_ENDPOINTS:
        return None
    try:
        load_reviewer(db_session())
    except NotSignedIn:
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("web.sign_in", next=target), 303)  # type: ignore[return-value]
    return None


@page("/static/<path:filename>")
def static_file(filename: str) -> Response:
    return send_from_directory(STATIC_DIR, filename, max_age=STATIC_MAX_AGE)


@page("/<path:anything>", methods=["GET", "POST"])
def not_found(anything: str) -> Response:
    """Any other address under /review/: the 404 page rather than the API's JSON."""
    raise NotFound()


@bp.errorhandler(DomainError)
def _domain(error: DomainError) -> tuple[str, int]:
    if isinstance(error, CsrfFailed):
        return error_page(400, i18n.t("error.csrf"), error.code)
    if isinstance(error, NotAReviewer):
        return error_page(403, i18n.t("error.inspector"), error.code)
    # A refusal said only in English (the API's words) is left out of a Chinese page: the
    # status's sentence says it there.
    english_only = not getattr(error, "message_zh", None) and i18n.language() != "en"
    detail = "" if english_only else f" {domain_message(error)}"
    return error_page(error.status, f"{status_message(error.status)}{detail}", error.code)


@bp.errorhandler(StaleDataError)
def _stale(_error: StaleDataError) -> tuple[str, int]:
    return error_page(412, i18n.t("error.412"))


@bp.errorhandler(HTTPException)
def _http(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    return error_page(status, status_message(status))


bp.context_processor(template_helpers)


def init_app(app: Flask) -> None:
    # The cookie goes only to these pages, never to scripts, not on cross-site posts, and only
    # over HTTPS unless the setting says otherwise (a development server on loopback).
    app.config.update(
        SESSION_COOKIE_NAME="review_session",
        SESSION_COOKIE_PATH="/review",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["SETTINGS"].session_cookie_secure,
    )
    app.register_blueprint(bp)
    # The bare address leads to the reviewer pages (their sign-in when signed out), not to
    # the API's JSON 404 (words and dossier).
    app.add_url_rule("/", "home", public(lambda: redirect(url_for("web.queue"), 302)))
    headers.init_app(app)
