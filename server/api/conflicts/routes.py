"""Conflict-of-interest declarations (rule 9): who may not inspect or review an enterprise."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import QueryArgs, page_window
from server.api.scope import db_session
from server.auth import current_actor
from server.compliance import service
from server.compliance.models import ConflictKind
from server.registry.repository import get_enterprise_for_declaration

blp = Blueprint(
    "conflicts", __name__, url_prefix="/api/conflicts", description="Conflict declarations"
)


class ConflictSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    enterprise_id = ma.fields.Integer(required=True)
    user_id = ma.fields.Integer(
        metadata={"description": "who has the conflict; defaults to the caller"}
    )
    kind = ma.fields.Enum(ConflictKind, by_value=True, required=True)
    declared_on = ma.fields.Date(required=True)
    description = ma.fields.String(load_default=None, allow_none=True)


class ConflictQuerySchema(QueryArgs):
    enterprise_id = ma.fields.Integer()
    user_id = ma.fields.Integer()


@blp.route("")
class Conflicts(MethodView):
    @blp.arguments(ConflictQuerySchema, location="query")
    @blp.response(200, ConflictSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List declarations: reviewers see their scope, everyone else their own"""
        offset, limit = page_window(pagination_parameters)
        rows, total = service.list_conflicts(
            db_session(),
            current_actor(),
            enterprise_id=query.get("enterprise_id"),
            user_id=query.get("user_id"),
            offset=offset,
            limit=limit,
        )
        pagination_parameters.item_count = total
        return rows

    @blp.arguments(ConflictSchema)
    @blp.response(201, ConflictSchema)
    def post(self, data):
        """Declare a conflict of interest (your own, or anyone's if you are a reviewer)"""
        actor = current_actor()
        session = db_session()
        enterprise = get_enterprise_for_declaration(session, data.pop("enterprise_id"))
        data.setdefault("user_id", actor.user_id)
        return service.declare_conflict(session, actor=actor, enterprise=enterprise, **data)
