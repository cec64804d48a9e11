"""Draw schemas: the record of a draw, its entries, publication, verification, team proposals."""

from __future__ import annotations

import marshmallow as ma

from server.api.common import QueryArgs
from server.db import utcnow
from server.sampling.repository import may_disclose


class DrawSchema(ma.Schema):
    id = ma.fields.Integer()
    batch_id = ma.fields.Integer()
    sequence = ma.fields.Integer(metadata={"description": "1: the main draw; 2, 3…: supplementary"})
    kind = ma.fields.String(metadata={"description": "main or supplementary"})
    algorithm_version = ma.fields.String(metadata={"example": "stratified-hmac-sha256/v1"})
    seed = ma.fields.String(metadata={"description": "re-draw with it: see docs/review.md"})
    sampling_rate = ma.fields.String(metadata={"example": "0.30"})
    settings_version = ma.fields.Integer(allow_none=True)
    eligible_hash = ma.fields.String()
    eligible_count = ma.fields.Integer()
    selected_hash = ma.fields.String()
    selected_count = ma.fields.Integer()
    drawn_at = ma.fields.AwareDateTime()
    drawn_by = ma.fields.Integer(allow_none=True)
    published_at = ma.fields.AwareDateTime(allow_none=True)
    disclose_after = ma.fields.AwareDateTime(allow_none=True)
    disclosable = ma.fields.Function(
        lambda draw: may_disclose(draw, utcnow()),
        metadata={"description": "whether the selection may now be told to the plants"},
    )
    version = ma.fields.Integer()


class DrawCreateSchema(ma.Schema):
    batch_id = ma.fields.Integer(required=True)
    supplementary = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "draw only the batch's filings not in any earlier draw"},
    )
    sampling_rate = ma.fields.Decimal(
        load_default=None,
        allow_none=True,
        metadata={"description": "default: the city's rate; never below it or 0.30"},
    )


class DrawQuerySchema(QueryArgs):
    batch_id = ma.fields.Integer()


class DrawEntrySchema(ma.Schema):
    filing_id = ma.fields.Integer()
    county = ma.fields.String()
    industry_code = ma.fields.String()
    claimed_grade = ma.fields.String()
    score = ma.fields.String(metadata={"description": "HMAC-SHA256(seed, filing id), hex"})
    rank = ma.fields.Integer(allow_none=True)
    selected = ma.fields.Boolean()
    reason = ma.fields.String(metadata={"description": "full_check, sampled or not_sampled"})


class EntryQuerySchema(QueryArgs):
    selected = ma.fields.Boolean()
    county = ma.fields.String()


class PublishSchema(ma.Schema):
    disclose_after = ma.fields.AwareDateTime(
        required=True,
        metadata={"description": "from when the plants may learn of the selection (the visit)"},
    )


class VerificationSchema(ma.Schema):
    draw_id = ma.fields.Integer()
    matches = ma.fields.Boolean()
    problems = ma.fields.List(ma.fields.String())
    selected_count = ma.fields.Integer()
    eligible_count = ma.fields.Integer()


class ProposalRequestSchema(ma.Schema):
    window_start = ma.fields.AwareDateTime(required=True)
    window_end = ma.fields.AwareDateTime(required=True)
    team_size = ma.fields.Integer(load_default=2)
    dry_run = ma.fields.Boolean(load_default=False)


class TeamSchema(ma.Schema):
    filing_id = ma.fields.Integer()
    members = ma.fields.List(ma.fields.Integer(), metadata={"description": "the lead first"})


class UnstaffedSchema(ma.Schema):
    filing_id = ma.fields.Integer()
    reason = ma.fields.String()


class ProposalReportSchema(ma.Schema):
    draw_id = ma.fields.Integer()
    dry_run = ma.fields.Boolean()
    teams = ma.fields.List(ma.fields.Nested(TeamSchema))
    unstaffed = ma.fields.List(ma.fields.Nested(UnstaffedSchema))
    already_assigned = ma.fields.Integer()
    created = ma.fields.Function(
        lambda report: [a.id for a in report.created],
        metadata={"description": "ids of the planned assignments made"},
    )
