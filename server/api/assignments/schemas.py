"""Assignment schemas: the team and window as reviewers plan them; the tablet payload."""

from __future__ import annotations

import marshmallow as ma

from server.api.common import QueryArgs
from server.assignments.models import AssignmentStatus


class MemberSchema(ma.Schema):
    user_id = ma.fields.Integer()
    display_name = ma.fields.Function(lambda member: member.user.display_name)
    is_lead = ma.fields.Boolean()


class PinSchema(ma.Schema):
    form_id = ma.fields.String()
    version = ma.fields.Integer()
    sha256 = ma.fields.String()


class AssignmentSchema(ma.Schema):
    id = ma.fields.Integer()
    filing_id = ma.fields.Integer()
    site_id = ma.fields.Integer()
    draw_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(
        metadata={
            "description": "full_check or sampled (the city's visits, S4 §三(三)); county_check: "
            "the county's own check in county review (S4 §三(二)), not the city's visit"
        }
    )
    window_start = ma.fields.AwareDateTime()
    window_end = ma.fields.AwareDateTime()
    status = ma.fields.Enum(AssignmentStatus, by_value=True)
    members = ma.fields.List(ma.fields.Nested(MemberSchema))
    form_pins = ma.fields.List(ma.fields.Nested(PinSchema))
    created_at = ma.fields.AwareDateTime()
    created_by = ma.fields.Integer(allow_none=True)
    version = ma.fields.Integer()


class AssignmentCreateSchema(ma.Schema):
    filing_id = ma.fields.Integer(required=True)
    members = ma.fields.List(
        ma.fields.Integer(),
        required=True,
        metadata={"description": "inspector user ids; 2 or more"},
    )
    lead_id = ma.fields.Integer(load_default=None, allow_none=True)
    window_start = ma.fields.AwareDateTime(required=True)
    window_end = ma.fields.AwareDateTime(required=True)
    draw_id = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "the draw that selected it; found by itself when omitted"},
    )


class AssignmentPatchSchema(ma.Schema):
    members = ma.fields.List(ma.fields.Integer())
    lead_id = ma.fields.Integer()
    window_start = ma.fields.AwareDateTime()
    window_end = ma.fields.AwareDateTime()
    status = ma.fields.Enum(
        AssignmentStatus,
        by_value=True,
        metadata={"description": "planned→published|cancelled, published→cancelled|done"},
    )


class AssignmentQuerySchema(QueryArgs):
    status = ma.fields.Enum(AssignmentStatus, by_value=True)
    filing_id = ma.fields.Integer()
    draw_id = ma.fields.Integer()
    user_id = ma.fields.Integer()
