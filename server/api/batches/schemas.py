"""Review batch schemas."""

from __future__ import annotations

import marshmallow as ma


class BatchSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, metadata={"example": "第二批：铸造、有色金属压延"})
    city = ma.fields.String(required=True, metadata={"example": "驻马店市"})
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(min=2019, max=2100))
    industries = ma.fields.List(
        ma.fields.String(), required=True, metadata={"example": ["foundry"]}
    )
    deadline = ma.fields.Date(required=True, metadata={"description": "the batch's report date"})
    created_at = ma.fields.AwareDateTime(dump_only=True)
    version = ma.fields.Integer(dump_only=True)


class BatchDetailSchema(ma.Schema):
    batch = ma.fields.Nested(BatchSchema)
    status_counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        dump_only=True,
        metadata={"description": "the batch's filings per workflow state"},
    )


class BatchQuerySchema(ma.Schema):
    year = ma.fields.Integer()
    city = ma.fields.String()
