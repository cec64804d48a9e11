"""The review workflow of a filing (S4 §三): its steps, and where it stands with its deadline."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import page_window
from server.api.scope import db_session
from server.api.transitions.schemas import (
    OutcomeSchema,
    ReviewStateSchema,
    TransitionRequestSchema,
    TransitionSchema,
)
from server.auth import current_actor
from server.filings.repository import get_filing
from server.review import service

blp = Blueprint("transitions", __name__, url_prefix="/api/filings", description="Review workflow")


@blp.route("/<int:filing_id>/transitions")
class Transitions(MethodView):
    @blp.response(200, TransitionSchema(many=True))
    @blp.paginate()
    def get(self, filing_id: int, pagination_parameters: PaginationParameters):
        """The filing's steps through the workflow, oldest first"""
        actor = current_actor()
        actor.require_registry_reader()
        offset, limit = page_window(pagination_parameters)
        rows, total = service.list_transitions(
            db_session(), actor, filing_id, offset=offset, limit=limit
        )
        pagination_parameters.item_count = total
        return rows

    @blp.arguments(TransitionRequestSchema)
    @blp.response(201, OutcomeSchema)
    def post(self, data, filing_id: int):
        """Move the filing on: county steps by its county, city steps by the city; refused with
        the reason from a wrong state"""
        actor = current_actor()
        actor.require_registry_reader()
        session = db_session()
        filing = get_filing(session, actor, filing_id)
        return service.transition(session, actor=actor, filing=filing, **data)


@blp.route("/<int:filing_id>/review")
class ReviewState(MethodView):
    @blp.response(200, ReviewStateSchema)
    def get(self, filing_id: int):
        """Where the filing stands: state, allowed actions, the deadline running, missing items"""
        actor = current_actor()
        actor.require_registry_reader()
        return service.filing_review_state(db_session(), actor, filing_id)
