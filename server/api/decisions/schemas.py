"""Decision schemas: a proposal asked for, a second reviewer's answer, a decision recorded, and
the reason-code catalogue."""

from __future__ import annotations

import marshmallow as ma

from server.review.models import DecisionOutcome, DecisionStatus


class ProposalSchema(ma.Schema):
    outcome = ma.fields.Enum(DecisionOutcome, by_value=True, required=True)
    grade = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "grade_down: the grade decided, below the claim on the main "
            "industry's scale; confirm: the claimed grade (or empty); new_visit: empty"
        },
    )
    reason_codes = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={
            "description": "at least one, each allowed for the outcome (GET /api/review/reason-codes)"
        },
    )
    comment = ma.fields.String(load_default=None, allow_none=True)
    supported_grade = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "the grade the evidence supports, as the proposer saw it"},
    )
    evidence_fingerprint = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "the reconciliation result's fingerprint the proposer saw"},
    )


class AnswerSchema(ma.Schema):
    comment = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "required for a rejection: why"},
    )


class DecisionSchema(ma.Schema):
    id = ma.fields.Integer()
    filing_id = ma.fields.Integer()
    outcome = ma.fields.Enum(DecisionOutcome, by_value=True)
    grade = ma.fields.String(allow_none=True)
    reason_codes = ma.fields.List(ma.fields.String())
    comment = ma.fields.String(allow_none=True)
    supported_grade = ma.fields.String(allow_none=True)
    evidence_fingerprint = ma.fields.String(allow_none=True)
    status = ma.fields.Enum(DecisionStatus, by_value=True)
    proposed_by = ma.fields.Integer()
    proposed_at = ma.fields.AwareDateTime()
    confirmed_by = ma.fields.Integer(allow_none=True)
    confirmed_at = ma.fields.AwareDateTime(allow_none=True)
    confirm_comment = ma.fields.String(allow_none=True)
    closed_by = ma.fields.Integer(
        allow_none=True, metadata={"description": "who rejected or withdrew it"}
    )
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    close_comment = ma.fields.String(allow_none=True)
    version = ma.fields.Integer()


class ReasonCodeSchema(ma.Schema):
    code = ma.fields.String()
    label_zh = ma.fields.String(attribute="zh")
    label_en = ma.fields.String(attribute="en")
    outcomes = ma.fields.Method("_outcomes")
    rule = ma.fields.String()

    def _outcomes(self, reason) -> list[str]:
        return sorted(outcome.value for outcome in reason.outcomes)
