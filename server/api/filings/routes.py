"""Filings: the reviewers' filtered list, intake, the full filing, amendments."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import check_etag, page_window, set_etag
from server.api.filings.schemas import (
    FilingDetailSchema,
    FilingPatchSchema,
    FilingQuerySchema,
    FilingSchema,
)
from server.api.scope import db_session
from server.auth import current_actor
from server.filings import repository, service
from server.filings.repository import FilingFilter
from server.registry.repository import get_site
from server.review import refiling

blp = Blueprint("filings", __name__, url_prefix="/api/filings", description="Filings (申报材料)")


@blp.route("")
class Filings(MethodView):
    @blp.etag
    @blp.arguments(FilingQuerySchema, location="query")
    @blp.response(200, FilingSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List filings in your scope by county, industry, claimed grade, status or year"""
        actor = current_actor()
        actor.require_registry_reader()
        offset, limit = page_window(pagination_parameters)
        rows, total = repository.list_filings(
            db_session(), actor, FilingFilter(**query), offset=offset, limit=limit
        )
        pagination_parameters.item_count = total
        return rows

    @blp.etag
    @blp.arguments(FilingDetailSchema)
    @blp.response(201, FilingDetailSchema)
    def post(self, data):
        """Receive a site's filing with its industry cases and indicator claims: the year's
        first, or again after a withdrawal or a decided grade (dynamic adjustment, a higher
        grade: S0 §五(一), S2 §七, S4 §三(四))"""
        actor = current_actor()
        actor.require_registry_writer()
        session = db_session()
        site = get_site(session, actor, data.pop("site_id"))
        filing = refiling.receive(session, actor=actor, site=site, **data)
        set_etag(blp, filing)
        return filing


@blp.route("/<int:filing_id>")
class FilingItem(MethodView):
    @blp.etag
    @blp.response(200, FilingDetailSchema)
    def get(self, filing_id: int):
        """One filing with every industry case, claim and supporting document"""
        actor = current_actor()
        actor.require_registry_reader()
        filing = repository.get_filing(db_session(), actor, filing_id)
        set_etag(blp, filing)
        return filing

    @blp.etag
    @blp.arguments(FilingPatchSchema)
    @blp.response(200, FilingDetailSchema)
    def patch(self, changes, filing_id: int):
        """Amend the essential-service flag or dates; needs If-Match with its ETag"""
        actor = current_actor()
        actor.require_registry_reader()
        session = db_session()
        filing = repository.get_filing(session, actor, filing_id)
        check_etag(blp, filing)
        if changes:  # an empty PATCH changes nothing: no new version, no audit event
            filing = service.update_filing(session, actor=actor, filing=filing, changes=changes)
        set_etag(blp, filing)
        return filing
