"""Filing schemas: the list row reviewers page through, the full filing, and what intake takes."""

from __future__ import annotations

import marshmallow as ma

from server.api.claims.schemas import ClaimSchema
from server.api.common import QueryArgs
from server.filings.models import FilingKind, FilingStatus


class CaseSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    guide_version = ma.fields.String(required=True, metadata={"example": "MEE2020"})
    industry_code = ma.fields.String(required=True, metadata={"example": "foundry"})
    claimed_grade = ma.fields.String(required=True, metadata={"example": "A"})
    is_main = ma.fields.Boolean(
        metadata={"description": "主行业; defaults to true when there is one case"}
    )


class CaseDetailSchema(CaseSchema):
    claims = ma.fields.List(ma.fields.Nested(ClaimSchema), load_default=list)


class PlaceSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class EnterpriseRefSchema(PlaceSchema):
    credit_code = ma.fields.String()
    county = ma.fields.String()


class FilingSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    site_id = ma.fields.Integer(required=True)
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(min=2019, max=2100))
    status = ma.fields.Enum(FilingStatus, by_value=True, dump_only=True)
    sequence = ma.fields.Integer(
        dump_only=True, metadata={"description": "1, 2, … among the site's filings of the year"}
    )
    kind = ma.fields.Enum(
        FilingKind,
        by_value=True,
        dump_only=True,
        metadata={"description": "initial, refiling, dynamic_adjustment or higher_grade"},
    )
    supersedes_id = ma.fields.Integer(dump_only=True, allow_none=True)
    essential_service = ma.fields.Boolean(load_default=False)
    received_on = ma.fields.Date(required=True)
    supplement_on = ma.fields.Date(load_default=None, allow_none=True)
    site = ma.fields.Nested(PlaceSchema, dump_only=True)
    enterprise = ma.fields.Function(
        lambda filing: EnterpriseRefSchema().dump(filing.site.enterprise), dump_only=True
    )
    cases = ma.fields.List(ma.fields.Nested(CaseSchema), required=True)
    version = ma.fields.Integer(dump_only=True)


class FilingDetailSchema(FilingSchema):
    cases = ma.fields.List(ma.fields.Nested(CaseDetailSchema), required=True)


class FilingPatchSchema(ma.Schema):
    essential_service = ma.fields.Boolean()
    received_on = ma.fields.Date()
    supplement_on = ma.fields.Date(allow_none=True)


class FilingQuerySchema(QueryArgs):
    county = ma.fields.String()
    industry = ma.fields.String(metadata={"description": "industry code, e.g. foundry"})
    claimed_grade = ma.fields.String(metadata={"example": "B"})
    status = ma.fields.Enum(FilingStatus, by_value=True)
    year = ma.fields.Integer()
    enterprise_id = ma.fields.Integer()
