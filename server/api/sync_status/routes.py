"""Sync status for administrators: backlog, last processed time, quarantined documents."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.scope import db_session
from server.auth import current_actor
from server.syncstate.status import quarantined_documents, sync_status

blp = Blueprint("sync_status", __name__, url_prefix="/api/sync", description="Sync status")


class DatabaseStatusSchema(ma.Schema):
    db_name = ma.fields.String()
    user_id = ma.fields.Integer()
    username = ma.fields.String()
    backlog = ma.fields.Integer(allow_none=True, metadata={"description": "null: unknown"})
    processed_at = ma.fields.AwareDateTime(allow_none=True)
    checked_at = ma.fields.AwareDateTime(allow_none=True)
    retrying = ma.fields.Integer()
    quarantined = ma.fields.Integer()
    outbox_pending = ma.fields.Integer()


class QuarantinedSchema(ma.Schema):
    db_name = ma.fields.String()
    doc_id = ma.fields.String()
    rev = ma.fields.String()
    attempts = ma.fields.Integer()
    last_error = ma.fields.String()
    updated_at = ma.fields.AwareDateTime()


@blp.route("/status")
class Status(MethodView):
    @blp.response(200, DatabaseStatusSchema(many=True))
    def get(self):
        """Per inspector database: backlog, last processed, retrying and quarantined (admin)"""
        return sync_status(db_session(), current_actor())


@blp.route("/quarantine")
class Quarantine(MethodView):
    @blp.response(200, QuarantinedSchema(many=True))
    def get(self):
        """Documents the worker set aside after repeated failures, with the reason (admin)"""
        return quarantined_documents(db_session(), current_actor())
