"""Enterprises: list, register, read, amend."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import check_etag, page_window, set_etag
from server.api.enterprises.schemas import (
    EnterprisePatchSchema,
    EnterpriseQuerySchema,
    EnterpriseSchema,
)
from server.api.scope import db_session
from server.auth import current_actor
from server.registry import repository, service

blp = Blueprint(
    "enterprises", __name__, url_prefix="/api/enterprises", description="Enterprises (企业)"
)


@blp.route("")
class Enterprises(MethodView):
    @blp.etag
    @blp.arguments(EnterpriseQuerySchema, location="query")
    @blp.response(200, EnterpriseSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List enterprises in your scope, filtered by county or name"""
        actor = current_actor()
        actor.require_registry_reader()
        offset, limit = page_window(pagination_parameters)
        rows, total = repository.list_enterprises(
            db_session(),
            actor,
            county=query.get("county"),
            name=query.get("name"),
            offset=offset,
            limit=limit,
        )
        pagination_parameters.item_count = total
        return rows

    @blp.etag
    @blp.arguments(EnterpriseSchema)
    @blp.response(201, EnterpriseSchema)
    @blp.alt_response(409, description="an enterprise with this credit code exists")
    def post(self, data):
        """Register an enterprise; the credit code's check character is verified"""
        enterprise = service.create_enterprise(db_session(), actor=current_actor(), **data)
        set_etag(blp, enterprise)
        return enterprise


@blp.route("/<int:enterprise_id>")
class EnterpriseItem(MethodView):
    @blp.etag
    @blp.response(200, EnterpriseSchema)
    def get(self, enterprise_id: int):
        """One enterprise"""
        actor = current_actor()
        actor.require_registry_reader()
        enterprise = repository.get_enterprise(db_session(), actor, enterprise_id)
        set_etag(blp, enterprise)
        return enterprise

    @blp.etag
    @blp.arguments(EnterprisePatchSchema)
    @blp.response(200, EnterpriseSchema)
    def patch(self, changes, enterprise_id: int):
        """Amend an enterprise; needs If-Match with its ETag"""
        actor = current_actor()
        actor.require_registry_reader()
        session = db_session()
        enterprise = repository.get_enterprise(session, actor, enterprise_id)
        check_etag(blp, enterprise)
        if changes:  # an empty PATCH changes nothing: no new version, no audit event
            enterprise = service.update_enterprise(
                session, actor=actor, enterprise=enterprise, changes=changes
            )
        set_etag(blp, enterprise)
        return enterprise
