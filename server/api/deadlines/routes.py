"""Review deadlines (S4 §三): filings past their due day, and those due soon."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import QueryArgs, page_window
from server.api.scope import db_session
from server.api.transitions.schemas import DeadlineSchema
from server.auth import current_actor
from server.filings.models import FilingStatus
from server.review.deadlines import DEFAULT_WITHIN_DAYS, DeadlineKind, list_deadlines

blp = Blueprint("deadlines", __name__, url_prefix="/api/deadlines", description="Deadlines")


class DeadlineQuerySchema(QueryArgs):
    kind = ma.fields.Enum(DeadlineKind, by_value=True, load_default=DeadlineKind.overdue)
    within = ma.fields.Integer(
        load_default=DEFAULT_WITHIN_DAYS,
        validate=ma.validate.Range(min=0, max=60),
        metadata={"description": "upcoming: due today or within this many days"},
    )
    stage = ma.fields.String(validate=ma.validate.OneOf(["county", "city"]))
    county = ma.fields.String()


class DeadlineRowSchema(ma.Schema):
    filing_id = ma.fields.Integer()
    site_id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
    enterprise_name = ma.fields.String()
    county = ma.fields.String()
    status = ma.fields.Enum(FilingStatus, by_value=True)
    deadline = ma.fields.Nested(DeadlineSchema)
    days_left = ma.fields.Integer(metadata={"description": "negative: days overdue"})


@blp.route("")
class Deadlines(MethodView):
    @blp.arguments(DeadlineQuerySchema, location="query")
    @blp.response(200, DeadlineRowSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """Overdue filings (most overdue first) or those due within N days, in your scope"""
        offset, limit = page_window(pagination_parameters)
        rows, total = list_deadlines(
            db_session(), current_actor(), offset=offset, limit=limit, **query
        )
        pagination_parameters.item_count = total
        return rows
