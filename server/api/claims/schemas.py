"""Indicator claim schemas."""

from __future__ import annotations

import marshmallow as ma

from server.catalogue import INDICATOR_CATEGORIES


class DocumentSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    reference = ma.fields.String(load_default=None, allow_none=True)
    sha256 = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Regexp(r"^[0-9a-f]{64}$")
    )


class ClaimSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    case_id = ma.fields.Integer(dump_only=True)
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(INDICATOR_CATEGORIES))
    indicator_code = ma.fields.String(
        required=True, metadata={"example": "fugitive_emissions.no_visible_dust"}
    )
    claimed_value = ma.fields.String(load_default=None, allow_none=True)
    statement = ma.fields.String(load_default=None, allow_none=True)
    documents = ma.fields.List(ma.fields.Nested(DocumentSchema), load_default=list)
    version = ma.fields.Integer(dump_only=True)


class ClaimPatchSchema(ma.Schema):
    claimed_value = ma.fields.String(allow_none=True)
    statement = ma.fields.String(allow_none=True)
