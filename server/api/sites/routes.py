"""Sites (one grading case each): list, add, read, amend."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import check_etag, page_window, set_etag
from server.api.scope import db_session
from server.api.sites.schemas import SitePatchSchema, SiteQuerySchema, SiteSchema
from server.auth import current_actor
from server.registry import repository, service

blp = Blueprint(
    "sites", __name__, url_prefix="/api/sites", description="Sites (厂区), one case each"
)


@blp.route("")
class Sites(MethodView):
    @blp.etag
    @blp.arguments(SiteQuerySchema, location="query")
    @blp.response(200, SiteSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List sites in your scope"""
        actor = current_actor()
        actor.require_registry_reader()
        offset, limit = page_window(pagination_parameters)
        rows, total = repository.list_sites(
            db_session(),
            actor,
            enterprise_id=query.get("enterprise_id"),
            offset=offset,
            limit=limit,
        )
        pagination_parameters.item_count = total
        return rows

    @blp.etag
    @blp.arguments(SiteSchema)
    @blp.response(201, SiteSchema)
    def post(self, data):
        """Add a site with its boundary, production lines, CEMS points and gates"""
        actor = current_actor()
        actor.require_registry_writer()
        session = db_session()
        enterprise = repository.get_enterprise(session, actor, data.pop("enterprise_id"))
        site = service.create_site(session, actor=actor, enterprise=enterprise, **data)
        set_etag(blp, site)
        return site


@blp.route("/<int:site_id>")
class SiteItem(MethodView):
    @blp.etag
    @blp.response(200, SiteSchema)
    def get(self, site_id: int):
        """One site with its lines, CEMS points and gates"""
        actor = current_actor()
        actor.require_registry_reader()
        site = repository.get_site(db_session(), actor, site_id)
        set_etag(blp, site)
        return site

    @blp.etag
    @blp.arguments(SitePatchSchema)
    @blp.response(200, SiteSchema)
    def patch(self, changes, site_id: int):
        """Amend a site's name, address or boundary; needs If-Match with its ETag"""
        actor = current_actor()
        actor.require_registry_reader()
        session = db_session()
        site = repository.get_site(session, actor, site_id)
        check_etag(blp, site)
        if changes:  # an empty PATCH changes nothing: no new version, no audit event
            site = service.update_site(session, actor=actor, site=site, changes=changes)
        set_etag(blp, site)
        return site
