"""Health: is the database reachable, is CouchDB reachable, is the sync worker alive."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text

from server.api.scope import couch_client, db_session
from server.auth import public
from server.syncstate.heartbeat import worker_health

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Liveness of the parts")


class WorkerSchema(ma.Schema):
    status = ma.fields.String(
        metadata={"description": "ok | stale (no heartbeat for stale_after s) | none | unknown"}
    )
    last_heartbeat = ma.fields.AwareDateTime(allow_none=True)
    backlog = ma.fields.Integer(allow_none=True, metadata={"description": "null: unknown"})
    stale_after = ma.fields.Integer(metadata={"description": "seconds"})
    detail = ma.fields.String()


class HealthSchema(ma.Schema):
    database = ma.fields.String(metadata={"description": "'ok' or what is wrong"})
    couchdb = ma.fields.String(metadata={"description": "'ok' or what is wrong"})
    worker = ma.fields.Nested(WorkerSchema, metadata={"description": "the sync worker"})


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
        worker = _worker() if database == "ok" else {"status": "unknown", "detail": database}
        body = {"database": database, "couchdb": couchdb, "worker": worker}
        status = 200 if database == couchdb == "ok" and worker["status"] != "stale" else 503
        return body, status


def _worker() -> dict[str, object]:
    """The sync worker's last heartbeat: "stale" (503) when it is older than the setting; a
    worker that has never run ("none") does not fail the check (the web app starts first)."""
    stale_after = current_app.config["SETTINGS"].worker_stale_after
    try:
        health = worker_health(db_session(), stale_after=stale_after)
    except Exception as exc:  # e.g. not migrated yet: a health answer, not a crash
        return {"status": "unknown", "detail": f"{type(exc).__name__}".splitlines()[0]}
    return {
        "status": health.status,
        "last_heartbeat": health.last_heartbeat,
        "backlog": health.backlog,
        "stale_after": stale_after,
        "detail": health.describe(),
    }
