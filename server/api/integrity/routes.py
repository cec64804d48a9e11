"""Integrity records (诚信档案): falsification bars applications for a year (rule 7)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import QueryArgs, page_window
from server.api.scope import db_session
from server.auth import current_actor
from server.compliance import service
from server.registry.repository import get_enterprise

blp = Blueprint(
    "integrity", __name__, url_prefix="/api/integrity-records", description="Integrity records"
)


class IntegrityRecordSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    enterprise_id = ma.fields.Integer(required=True)
    recorded_on = ma.fields.Date(required=True)
    barred_until = ma.fields.Date(
        load_default=None, metadata={"description": "defaults to one year after recorded_on"}
    )
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1))


class IntegrityQuerySchema(QueryArgs):
    enterprise_id = ma.fields.Integer()


@blp.route("")
class IntegrityRecords(MethodView):
    @blp.arguments(IntegrityQuerySchema, location="query")
    @blp.response(200, IntegrityRecordSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List integrity records in your scope"""
        offset, limit = page_window(pagination_parameters)
        rows, total = service.list_integrity_records(
            db_session(),
            current_actor(),
            enterprise_id=query.get("enterprise_id"),
            offset=offset,
            limit=limit,
        )
        pagination_parameters.item_count = total
        return rows

    @blp.arguments(IntegrityRecordSchema)
    @blp.response(201, IntegrityRecordSchema)
    def post(self, data):
        """Record falsified or concealed material (city reviewers and admins)"""
        actor = current_actor()
        actor.require_registry_reader()
        session = db_session()
        enterprise = get_enterprise(session, actor, data.pop("enterprise_id"))
        return service.record_integrity(session, actor=actor, enterprise=enterprise, **data)
