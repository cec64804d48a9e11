"""Health: is the database reachable, is CouchDB reachable."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text

from server.api.scope import couch_client, db_session
from server.auth import public

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Liveness of the parts")


class HealthSchema(ma.Schema):
    database = ma.fields.String(metadata={"description": "'ok' or what is wrong"})
    couchdb = ma.fields.String(metadata={"description": "'ok' or what is wrong"})


@blp.route("")
@public
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="a part is down")
    def get(self):
        """Report whether the database and CouchDB answer (no token needed)"""
        try:
            db_session().execute(text("SELECT 1"))
            database = "ok"
        except Exception as exc:  # any driver error is a health answer, not a crash
            database = f"unreachable: {type(exc).__name__}: {exc}".splitlines()[0][:200]
        couchdb = couch_client("health", timeout=2).health()
        body = {"database": database, "couchdb": couchdb}
        status = 200 if database == couchdb == "ok" else 503
        return body, status
