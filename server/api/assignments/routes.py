"""On-site check assignments: a team of two or more inspectors, a visit window, pinned forms."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.assignments.schemas import (
    AssignmentCreateSchema,
    AssignmentPatchSchema,
    AssignmentQuerySchema,
    AssignmentSchema,
)
from server.api.common import check_etag, page_window, set_etag
from server.api.forms.schemas import FormSchema
from server.api.scope import db_session
from server.assignments import repository, service
from server.assignments.checklist import checklist_for
from server.assignments.payload import payload_for
from server.auth import current_actor

blp = Blueprint(
    "assignments", __name__, url_prefix="/api/assignments", description="Check assignments"
)


@blp.route("")
class Assignments(MethodView):
    @blp.arguments(AssignmentQuerySchema, location="query")
    @blp.response(200, AssignmentSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List assignments: inspectors see only those they are members of"""
        offset, limit = page_window(pagination_parameters)
        rows, total = repository.list_assignments(
            db_session(), current_actor(), offset=offset, limit=limit, **query
        )
        pagination_parameters.item_count = total
        return rows

    @blp.etag
    @blp.arguments(AssignmentCreateSchema)
    @blp.response(201, AssignmentSchema)
    def post(self, data):
        """Assign a team to check a filing on site; refused for a conflicted, blacklisted or
        non-inspector member, a team of one, or a filing neither drawn nor a full check"""
        assignment = service.create_assignment(db_session(), actor=current_actor(), **data)
        set_etag(blp, assignment)
        return assignment


@blp.route("/<int:assignment_id>")
class AssignmentItem(MethodView):
    @blp.etag
    @blp.response(200, AssignmentSchema)
    def get(self, assignment_id: int):
        """One assignment (inspectors: only their own)"""
        assignment = repository.get_assignment(db_session(), current_actor(), assignment_id)
        set_etag(blp, assignment)
        return assignment

    @blp.etag
    @blp.arguments(AssignmentPatchSchema)
    @blp.response(200, AssignmentSchema)
    def patch(self, changes, assignment_id: int):
        """Change the team, the window or the status; needs If-Match with its ETag"""
        actor = current_actor()
        session = db_session()
        assignment = repository.get_assignment(session, actor, assignment_id)
        check_etag(blp, assignment)
        if changes:  # an empty PATCH changes nothing: no new version, no audit event
            assignment = service.update_assignment(
                session, actor=actor, assignment=assignment, changes=changes
            )
        set_etag(blp, assignment)
        return assignment


@blp.route("/<int:assignment_id>/payload")
class AssignmentPayload(MethodView):
    @blp.response(200)
    def get(self, assignment_id: int):
        """What the team's tablets receive: plant, site, lines, gates, CEMS, claims, pinned forms"""
        return payload_for(db_session(), current_actor(), assignment_id)


@blp.route("/<int:assignment_id>/checklist")
class AssignmentChecklist(MethodView):
    @blp.response(200, FormSchema(many=True))
    def get(self, assignment_id: int):
        """Every form the assignment pins, the checklist generated from the claims included,
        exactly as the tablets received it"""
        return checklist_for(db_session(), current_actor(), assignment_id)
