"""The field app's files: the shell page, its scripts and styles, the web manifest, the service
worker, and PouchDB's browser build from the pinned npm package.

Nothing here reads or writes data: the app signs in with ``POST /api/auth/token`` and replicates
the inspector's database through the gateway (``/sync/``), like any tablet client
(docs/sync.md). Every view is public (there is nothing to protect in the files); the shell is
served with ``no-cache`` so the service worker sees a new version as soon as one is deployed.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    render_template,
    request,
    send_from_directory,
)

from server.auth import public
from server.config import PROJECT_ROOT
from server.web.blueprint import STATIC_DIR as REVIEW_STATIC_DIR

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static" / "field"
# PouchDB's browser build comes from the pinned npm package (package.json, `make install`),
# as Swagger UI does for the API docs: nothing is copied into the repository.
POUCHDB_DIR = PROJECT_ROOT / "node_modules" / "pouchdb"
POUCHDB_VERSION = "9.0.0"  # = package.json; tests/field/test_field_files.py checks both
POUCHDB_FILE = "pouchdb.min.js"

bp = Blueprint("field", __name__, url_prefix="/field", template_folder="templates")

# What the service worker caches on install: everything the app needs offline.
SHELL_STATIC = (
    "app.js",
    "checklist.js",
    "geo.js",
    "i18n.js",
    "store.js",
    "photos.js",
    "validator.js",
    "field.css",
    "icon.svg",
)


def shell_urls() -> list[str]:
    return [
        "/field/",
        "/field/manifest.webmanifest",
        f"/field/vendor/{POUCHDB_FILE}",
        "/review/static/review.css",
        *(f"/field/static/{name}" for name in SHELL_STATIC),
    ]


@cache
def _pouchdb_checked() -> Path:
    package = POUCHDB_DIR / "package.json"
    if not package.is_file():
        abort(503, description="PouchDB is not installed; run `make install`")
    version = json.loads(package.read_text())["version"]
    if version != POUCHDB_VERSION:
        abort(503, description=f"PouchDB {version} is installed; the app needs {POUCHDB_VERSION}")
    return POUCHDB_DIR / "dist"


def shell_version() -> str:
    """A digest of every file of the shell: a new deployment gives a new service worker."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in sorted((HERE / "templates" / "field").iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update((REVIEW_STATIC_DIR / "review.css").read_bytes())
    digest.update(POUCHDB_VERSION.encode())
    return digest.hexdigest()[:16]


def _no_cache(response: Response) -> Response:
    """Revalidated on every use (an unchanged file answers 304 with no body)."""
    response.headers["Cache-Control"] = "no-cache"
    if not response.direct_passthrough and not response.get_etag()[0]:
        response.add_etag()
    response.make_conditional(request)
    return response


@bp.route("/")
@public
def shell() -> Response:
    return _no_cache(Response(render_template("field/app.html", version=shell_version())))


@bp.route("/sw.js")
@public
def service_worker() -> Response:
    body = render_template("field/sw.js", version=shell_version(), urls=json.dumps(shell_urls()))
    return _no_cache(Response(body, mimetype="text/javascript"))


@bp.route("/manifest.webmanifest")
@public
def manifest() -> Response:
    body = render_template("field/manifest.webmanifest")
    return _no_cache(Response(body, mimetype="application/manifest+json"))


@bp.route("/static/<path:filename>")
@public
def static_file(filename: str) -> Response:
    return _no_cache(send_from_directory(STATIC_DIR, filename, max_age=0))


@bp.route("/vendor/pouchdb.min.js")
@public
def pouchdb() -> Response:
    return _no_cache(send_from_directory(_pouchdb_checked(), POUCHDB_FILE, max_age=0))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
