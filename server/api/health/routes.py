"""Health: is the database reachable, is CouchDB reachable, is the sync worker alive."""

from __future__ import annotations

import time

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text

from server.api.scope import couch_client, db_session, end_reads
from server.auth import public
from server.syncstate.heartbeat import worker_health
from sync.couch import CouchClient

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
    couchdb_security = ma.fields.String(
        metadata={
            "description": "'ok'; 'unsafe: …' when CouchDB lets anonymous requests act as its "
            "admin or any web origin in; 'unknown: …' when it cannot be asked"
        }
    )
    worker = ma.fields.Nested(WorkerSchema, metadata={"description": "the sync worker"})


@blp.route("")
@public
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="a part is down")
    def get(self):
        """Report whether the database, CouchDB and the sync worker are well (no token)"""
        try:
            db_session().execute(text("SELECT 1"))
            database = "ok"
        except Exception as exc:  # any driver error is a health answer, not a crash
            database = f"unreachable: {type(exc).__name__}: {exc}".splitlines()[0][:200]
        worker = _worker() if database == "ok" else {"status": "unknown", "detail": database}
        try:
            end_reads()  # no transaction stays open while CouchDB answers
        except Exception:  # a database that failed above: its session is the request's to close
            db_session().rollback()
        client = couch_client("health", timeout=2)
        couchdb = client.health()
        security = _exposure(client) if couchdb == "ok" else "unknown: CouchDB does not answer"
        body = {
            "database": database,
            "couchdb": couchdb,
            "couchdb_security": security,
            "worker": worker,
        }
        healthy = database == couchdb == "ok" and worker["status"] != "stale"
        status = 200 if healthy and not security.startswith("unsafe") else 503
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
