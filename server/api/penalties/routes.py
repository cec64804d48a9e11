"""Penalties (行政处罚); which kinds bar which grades is a jurisdiction setting (rule 6)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import QueryArgs, page_window
from server.api.scope import db_session
from server.auth import current_actor
from server.compliance import service
from server.compliance.kinds import PENALTY_LABELS, PenaltyKind
from server.registry.repository import get_enterprise

blp = Blueprint("penalties", __name__, url_prefix="/api/penalties", description="Penalties")


class PenaltySchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    enterprise_id = ma.fields.Integer(required=True)
    kind = ma.fields.Enum(
        PenaltyKind,
        by_value=True,
        required=True,
        metadata={
            "description": "; ".join(
                f"{k.value}: {PENALTY_LABELS[k][0]} / {PENALTY_LABELS[k][1]}" for k in PenaltyKind
            )
            + ". Which kinds bar which grades, and over which period, is a jurisdiction setting."
        },
    )
    kind_label = ma.fields.Method("_label", dump_only=True)

    def _label(self, penalty) -> dict[str, str]:
        zh, en = PENALTY_LABELS[penalty.kind]
        return {"zh": zh, "en": en}

    decided_on = ma.fields.Date(required=True)
    document_no = ma.fields.String(load_default=None, allow_none=True)
    description = ma.fields.String(load_default=None, allow_none=True)


class PenaltyQuerySchema(QueryArgs):
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
