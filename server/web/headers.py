"""Security headers on every response of the app: the reviewer pages, the API and its docs.

* Content-Security-Policy: scripts, styles and images from this origin only, no inline script
  or style, no plugins, forms post only here, and no page may be framed (``frame-ancestors
  'none'``, with ``X-Frame-Options: DENY`` for old browsers). Swagger UI (``/api/docs``) has
  its own policy: its one inline script is allowed by its SHA-256 hash, and the inline styles
  its widgets set are allowed there only.
* ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer`` everywhere.
* ``Cache-Control: no-store`` on every page of ``/review/`` and every answer of ``/api/``
  (dossiers, photos and their pictures included), so nothing of a filing stays in a shared
  or browser cache; the static files of the pages and of Swagger UI keep their caching.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"
_STATIC_ENDPOINTS = frozenset({"web.static_file", "swagger_static", "static"})
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def _docs_policy(response: Response) -> str:
    """Swagger UI's page: its inline start-up script by hash, and inline styles."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(response.get_data())
    )
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {hashes}".strip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _secure(response: Response) -> Response:
    headers = response.headers
    if request.endpoint == DOCS_ENDPOINT and not response.direct_passthrough:
        headers["Content-Security-Policy"] = _docs_policy(response)
    else:
        headers["Content-Security-Policy"] = POLICY
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    path = request.path
    if (path.startswith("/review/") or path.startswith("/api/")) and (
        request.endpoint not in _STATIC_ENDPOINTS
    ):
        if "no-store" not in (headers.get("Cache-Control") or ""):
            headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
