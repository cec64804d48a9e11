"""Penalties (行政处罚) that bar A, B and leading for a year (rule 6)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import page_window
from server.api.scope import db_session
from server.auth import current_actor
from server.compliance import service
from server.compliance.models import PenaltyKind
from server.registry.repository import get_enterprise

blp = Blueprint("penalties", __name__, url_prefix="/api/penalties", description="Penalties")


class PenaltySchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    enterprise_id = ma.fields.Integer(required=True)
    kind = ma.fields.Enum(PenaltyKind, by_value=True, required=True)
    decided_on = ma.fields.Date(required=True)
    document_no = ma.fields.String(load_default=None, allow_none=True)
    description = ma.fields.String(load_default=None, allow_none=True)


class PenaltyQuerySchema(ma.Schema):
    enterprise_id = ma.fields.Integer()


@blp.route("")
class Penalties(MethodView):
    @blp.arguments(PenaltyQuerySchema, location="query")
    @blp.response(200, PenaltySchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List penalties in your scope"""
        offset, limit = page_window(pagination_parameters)
        rows, total = service.list_penalties(
            db_session(),
            current_actor(),
            enterprise_id=query.get("enterprise_id"),
            offset=offset,
            limit=limit,
        )
        pagination_parameters.item_count = total
        return rows

    @blp.arguments(PenaltySchema)
    @blp.response(201, PenaltySchema)
    def post(self, data):
        """Record a penalty decision against an enterprise"""
        actor = current_actor()
        actor.require_registry_reader()
        session = db_session()
        enterprise = get_enterprise(session, actor, data.pop("enterprise_id"))
        return service.record_penalty(session, actor=actor, enterprise=enterprise, **data)
