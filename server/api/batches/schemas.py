"""Review batch schemas."""

from __future__ import annotations

import marshmallow as ma

from server.api.common import QueryArgs
from server.review.register import RegisterStatus


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


class BatchQuerySchema(QueryArgs):
    year = ma.fields.Integer()
    city = ma.fields.String()


class RegisterQuerySchema(QueryArgs):
    status = ma.fields.Enum(
        RegisterStatus,
        by_value=True,
        metadata={"description": "on_time, late, missing or not_due"},
    )


class RegisterRowSchema(ma.Schema):
    site_id = ma.fields.Integer()
    site_name = ma.fields.String()
    enterprise_id = ma.fields.Integer()
    enterprise_name = ma.fields.String()
    credit_code = ma.fields.String()
    county = ma.fields.String()
    industries = ma.fields.List(
        ma.fields.String(), metadata={"description": "the site's industries in this batch"}
    )
    filing_id = ma.fields.Integer(allow_none=True)
    received_on = ma.fields.Date(allow_none=True)
    status = ma.fields.Enum(
        RegisterStatus,
        by_value=True,
        metadata={
            "description": "late: received after the batch's deadline; missing: no filing and "
            "the deadline has passed; both are managed at the lowest grade (S1 §(十七), S2 §六)"
        },
    )
    days_late = ma.fields.Integer(allow_none=True)
