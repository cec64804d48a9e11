"""Health: is the database reachable, is CouchDB reachable."""

from __future__ import annotations

import time

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text

from server.api.scope import couch_client, db_session
from server.auth import public
from sync.couch import CouchClient

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Liveness of the parts")


class HealthSchema(ma.Schema):
    database = ma.fields.String(metadata={"description": "'ok' or what is wrong"})
    couchdb = ma.fields.String(metadata={"description": "'ok' or what is wrong"})
    couchdb_security = ma.fields.String(
        metadata={
            "description": "'ok'; 'unsafe: …' when CouchDB lets anonymous requests act as its "
            "admin or any web origin in; 'unknown: …' when it cannot be asked"
        }
    )


@blp.route("")
@public
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="a part is down")
    def get(self):
        """Report whether the database and CouchDB answer and CouchDB is closed to strangers (no token)"""
        try:
            db_session().execute(text("SELECT 1"))
            database = "ok"
        except Exception as exc:  # any driver error is a health answer, not a crash
            database = f"unreachable: {type(exc).__name__}: {exc}".splitlines()[0][:200]
        client = couch_client("health", timeout=2)
        couchdb = client.health()
        security = _exposure(client) if couchdb == "ok" else "unknown: CouchDB does not answer"
        body = {"database": database, "couchdb": couchdb, "couchdb_security": security}
        status = 200 if database == couchdb == "ok" and not security.startswith("unsafe") else 503
        return body, status


EXPOSURE_TTL = 60.0  # seconds: a CouchDB's admin and CORS settings rarely change


def _exposure(client: CouchClient) -> str:
    """Whether CouchDB is open to anyone, asked at most once a minute per process."""
    cached = current_app.extensions.get("couch_exposure")
    now = time.monotonic()
    if cached is not None and now - cached[0] < EXPOSURE_TTL:
        return str(cached[1])
    verdict = client.exposure()
    if not verdict.startswith("unknown"):
        current_app.extensions["couch_exposure"] = (now, verdict)
    return verdict
