"""What every page's template may use: labels, times in China time, the CSRF token, links to
the other language and to static files, and the error page."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from typing import Any

from flask import g, render_template, request, url_for

from server.clock import CHINA
from server.errors import DomainError
from server.web import i18n
from server.web.blueprint import STATIC_DIR
from server.web.identity import csrf_token


def error_page(status: int, message: str, code: str | None = None) -> tuple[str, int]:
    return render_template("review/error.html", status=status, message=message, code=code), status


def status_message(status: int) -> str:
    key = f"error.{status}"
    return i18n.t(key) if key in i18n.MESSAGES else i18n.t("error.400")


def domain_message(error: DomainError) -> str:
    """A domain error's message in the page's language, when the error carries both."""
    zh = getattr(error, "message_zh", None)
    en = getattr(error, "message_en", None)
    if zh or en:
        return str(i18n.pick(zh, en))
    return error.message


@cache
def _static_version(filename: str) -> str:
    return hashlib.sha256((STATIC_DIR / filename).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """The file's URL with its content hash, so a browser never keeps a stale stylesheet."""
    return url_for("web.static_file", filename=filename, v=_static_version(filename))


def when(value: dt.datetime | dt.date | str | None, *, seconds: bool = False) -> str:
    """A time as China reads it (CST, stored in UTC), or a date as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
        return value.astimezone(CHINA).strftime(fmt)
    return value.isoformat()


def lang_url(language: str) -> str:
    """This page in the other language (a form's answer: the page it came from)."""
    if request.method != "GET" or request.endpoint is None:
        target = request.referrer if request.method != "GET" else None
        if target and request.host_url and target.startswith(request.host_url):
            separator = "&" if "?" in target else "?"
            return f"{target}{separator}lang={language}"
        return url_for("web.queue", lang=language)
    args: dict[str, Any] = {**request.args.to_dict(), **(request.view_args or {})}
    args["lang"] = language
    return url_for(request.endpoint, **args)


def template_helpers() -> dict[str, Any]:
    return {
        "t": i18n.t,
        "pick": i18n.pick,
        "lang": i18n.language(),
        "status_label": i18n.status_label,
        "action_label": i18n.action_label,
        "grade_label": i18n.grade_label,
        "role_label": i18n.role_label,
        "csrf_token": csrf_token,
        "static_url": static_url,
        "when": when,
        "lang_url": lang_url,
        "viewer": g.get("user"),
    }
