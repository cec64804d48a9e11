"""Signing in and out with the session cookie; the password check is the accounts service's."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from server.accounts.errors import SignInThrottled
from server.api.scope import db_session
from server.auth import password_sign_in
from server.errors import Unauthenticated
from server.web.blueprint import page
from server.web.i18n import pick, t
from server.web.identity import require_reviewer, safe_next, sign_out
from server.web.identity import sign_in as start_session


@page("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]] | str:
    """The sign-in form; a good password starts the session, an inspector's gets a 403 page."""
    target = safe_next(request.values.get("next"), url_for("web.queue"))
    if request.method == "GET":
        return render_template("review/sign_in.html", next=target, username="")
    username = request.form.get("username", "").strip()
    try:
        user = password_sign_in(username, request.form.get("password", ""), "web")
    except SignInThrottled as exc:
        message = pick(exc.message_zh, exc.message_en)
        page_html = render_template(
            "review/sign_in.html", next=target, username=username, error=message
        )
        return page_html, 429, {"Retry-After": str(exc.retry_after)}
    except Unauthenticated:
        page_html = render_template(
            "review/sign_in.html", next=target, username=username, error=t("signin.failed")
        )
        return page_html, 401
    require_reviewer(user)  # NotAReviewer: the 403 page
    start_session(db_session(), user)
    return redirect(target, 303)  # type: ignore[return-value]


@page("/sign-out", methods=["POST"], endpoint="sign_out")
def sign_out_view() -> Response:
    sign_out(db_session())
    flash(t("signin.signed_out"))
    return redirect(url_for("web.sign_in"), 303)  # type: ignore[return-value]
