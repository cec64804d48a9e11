"""The reviewer pages' blueprint, and ``page``: a route that signs in by cookie, not by token.

The API's default-deny (``server.auth``) wants a bearer token on every view not marked public;
these pages authenticate with the session cookie instead (``server.web.identity``), so each of
their views is marked public for the token check and the blueprint's own check runs instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import Blueprint

from server.auth import public

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"

bp = Blueprint("web", __name__, url_prefix="/review", template_folder="templates")

F = TypeVar("F", bound=Callable[..., Any])


def page(rule: str, **options: Any) -> Callable[[F], F]:
    """``bp.route`` for a page: reachable without a bearer token, guarded by the cookie."""

    def register(view: F) -> F:
        bp.add_url_rule(rule, view_func=public(view), **options)
        return view

    return register
