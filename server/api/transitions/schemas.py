"""Workflow schemas: a step asked for, a step recorded, and where the filing stands."""

from __future__ import annotations

import marshmallow as ma

from server.filings.models import FilingStatus
from server.review.workflow import Action


class TransitionRequestSchema(ma.Schema):
    action = ma.fields.Enum(Action, by_value=True, required=True)
    on = ma.fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "the day in China it happened; default today"},
    )
    missing_items = ma.fields.List(
        ma.fields.String(),
        load_default=None,
        allow_none=True,
        metadata={"description": "return_for_supplement: every missing item, at once"},
    )
    reason = ma.fields.String(load_default=None, allow_none=True)
    supplied_items = ma.fields.List(
        ma.fields.String(),
        load_default=None,
        allow_none=True,
        metadata={
            "description": "supplement: the material it brought, each piece named; a later "
            "return may list problems of these besides items left unfixed (S4 §三(二))"
        },
    )


class TransitionSchema(ma.Schema):
    id = ma.fields.Integer()
    filing_id = ma.fields.Integer()
    action = ma.fields.String()
    from_status = ma.fields.String()
    to_status = ma.fields.String()
    effective_on = ma.fields.Date()
    at = ma.fields.AwareDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    missing_items = ma.fields.List(ma.fields.String(), allow_none=True)
    supplied_items = ma.fields.List(ma.fields.String(), allow_none=True)


class DeadlineSchema(ma.Schema):
    stage = ma.fields.String(metadata={"description": "county (7 days) or city (15 days)"})
    started_on = ma.fields.Date()
    due_on = ma.fields.Date(metadata={"description": "the last day allowed"})
    days = ma.fields.Integer()
    day_kind = ma.fields.String(metadata={"description": "calendar or working"})


class LateFilingSchema(ma.Schema):
    batch_id = ma.fields.Integer()
    batch_name = ma.fields.String()
    deadline = ma.fields.Date()
    received_on = ma.fields.Date()
    days_late = ma.fields.Integer()


class ReviewStateSchema(ma.Schema):
    filing_id = ma.fields.Integer()
    status = ma.fields.Enum(FilingStatus, by_value=True)
    allowed_actions = ma.fields.List(ma.fields.Enum(Action, by_value=True))
    deadline = ma.fields.Nested(DeadlineSchema, allow_none=True)
    days_left = ma.fields.Integer(allow_none=True, metadata={"description": "negative: overdue"})
    missing_items = ma.fields.List(ma.fields.String())
    late_filing = ma.fields.Nested(
        LateFilingSchema,
        allow_none=True,
        metadata={
            "description": "received after its batch's deadline: managed at the lowest grade, "
            "its emergency-list grade is the lowest (S1 §(一)(十七), S2 §六)"
        },
    )


class OutcomeSchema(ma.Schema):
    transition = ma.fields.Nested(TransitionSchema)
    state = ma.fields.Nested(ReviewStateSchema)
