"""Review batches: an industry batch of the year with its deadline (S0 §四, S2 §七)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.batches.schemas import (
    BatchDetailSchema,
    BatchQuerySchema,
    BatchSchema,
    RegisterQuerySchema,
    RegisterRowSchema,
)
from server.api.common import page_window, set_etag
from server.api.scope import db_session
from server.auth import current_actor
from server.review import batches, register

blp = Blueprint("batches", __name__, url_prefix="/api/batches", description="Review batches")


@blp.route("")
class Batches(MethodView):
    @blp.arguments(BatchQuerySchema, location="query")
    @blp.response(200, BatchSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List review batches (reviewers)"""
        offset, limit = page_window(pagination_parameters)
        rows, total = batches.list_batches(
            db_session(), current_actor(), offset=offset, limit=limit, **query
        )
        pagination_parameters.item_count = total
        return rows

    @blp.etag
    @blp.arguments(BatchSchema)
    @blp.response(201, BatchSchema)
    def post(self, data):
        """Open a batch of industries for the year (city reviewers, admins)"""
        batch = batches.create_batch(db_session(), actor=current_actor(), **data)
        set_etag(blp, batch)
        return batch


@blp.route("/<int:batch_id>")
class BatchItem(MethodView):
    @blp.etag
    @blp.response(200, BatchDetailSchema)
    def get(self, batch_id: int):
        """One batch, with how many of its filings are in each workflow state"""
        summary = batches.batch_summary(db_session(), current_actor(), batch_id)
        set_etag(blp, summary.batch)
        return summary


@blp.route("/<int:batch_id>/register")
class BatchRegister(MethodView):
    @blp.arguments(RegisterQuerySchema, location="query")
    @blp.response(200, RegisterRowSchema(many=True))
    @blp.paginate()
    def get(self, query, batch_id: int, pagination_parameters: PaginationParameters):
        """The plants the batch expects, each on time, late, missing or not yet due (S1 §(十七),
        S2 §六); county reviewers see their county"""
        _, rows = register.register_for(db_session(), current_actor(), batch_id, **query)
        offset, limit = page_window(pagination_parameters)
        pagination_parameters.item_count = len(rows)
        return rows[offset : offset + limit]
