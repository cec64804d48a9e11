"""Sampling draws of review batches (rule 12): made once, published, re-drawn to verify."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import page_window, set_etag
from server.api.draws.schemas import (
    DrawCreateSchema,
    DrawEntrySchema,
    DrawQuerySchema,
    DrawSchema,
    EntryQuerySchema,
    ProposalReportSchema,
    ProposalRequestSchema,
    PublishSchema,
    VerificationSchema,
)
from server.api.scope import db_session
from server.assignments.proposals import propose_for_draw
from server.auth import current_actor
from server.sampling import repository, service

blp = Blueprint("draws", __name__, url_prefix="/api/draws", description="Sampling draws")


@blp.route("")
class Draws(MethodView):
    @blp.arguments(DrawQuerySchema, location="query")
    @blp.response(200, DrawSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List draws; unpublished ones only for city reviewers and admins"""
        offset, limit = page_window(pagination_parameters)
        rows, total = repository.list_draws(
            db_session(),
            current_actor(),
            batch_id=query.get("batch_id"),
            offset=offset,
            limit=limit,
        )
        pagination_parameters.item_count = total
        return rows

    @blp.etag
    @blp.arguments(DrawCreateSchema)
    @blp.response(201, DrawSchema)
    def post(self, data):
        """Draw a batch, or (supplementary) its filings not in an earlier draw"""
        draw = service.create_draw(db_session(), actor=current_actor(), **data)
        set_etag(blp, draw)
        return draw


@blp.route("/<int:draw_id>")
class DrawItem(MethodView):
    @blp.etag
    @blp.response(200, DrawSchema)
    def get(self, draw_id: int):
        """One draw: seed, algorithm, rate, hashes, counts, publication"""
        draw = repository.get_draw(db_session(), current_actor(), draw_id)
        set_etag(blp, draw)
        return draw


@blp.route("/<int:draw_id>/entries")
class DrawEntries(MethodView):
    @blp.arguments(EntryQuerySchema, location="query")
    @blp.response(200, DrawEntrySchema(many=True))
    @blp.paginate()
    def get(self, query, draw_id: int, pagination_parameters: PaginationParameters):
        """A draw's candidates with score, rank and reason; county reviewers see their county"""
        offset, limit = page_window(pagination_parameters)
        rows, total = repository.list_entries(
            db_session(),
            current_actor(),
            draw_id,
            selected=query.get("selected"),
            county=query.get("county"),
            offset=offset,
            limit=limit,
        )
        pagination_parameters.item_count = total
        return rows


@blp.route("/<int:draw_id>/publication")
class DrawPublication(MethodView):
    @blp.etag
    @blp.arguments(PublishSchema)
    @blp.response(200, DrawSchema)
    def post(self, data, draw_id: int):
        """Publish a draw to county reviewers; it never changes again"""
        draw = service.publish_draw(db_session(), actor=current_actor(), draw_id=draw_id, **data)
        set_etag(blp, draw)
        return draw


@blp.route("/<int:draw_id>/verification")
class DrawVerification(MethodView):
    @blp.response(200, VerificationSchema)
    def get(self, draw_id: int):
        """Re-draw from the recorded seed and candidates and compare with the record"""
        return service.verify(db_session(), current_actor(), draw_id)


@blp.route("/<int:draw_id>/assignments")
class DrawAssignments(MethodView):
    @blp.arguments(ProposalRequestSchema)
    @blp.response(200, ProposalReportSchema)
    def post(self, data, draw_id: int):
        """Propose a team for every selected filing without one; unless dry_run, plan them"""
        return propose_for_draw(db_session(), actor=current_actor(), draw_id=draw_id, **data)
