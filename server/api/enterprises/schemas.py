"""Enterprise schemas."""

from __future__ import annotations

import marshmallow as ma

from server.api.common import QueryArgs

_NAME = ma.validate.Length(min=1, max=200)
_PLACE = ma.validate.Length(min=1, max=50)


class EnterpriseSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=_NAME)
    credit_code = ma.fields.String(
        required=True, metadata={"description": "统一社会信用代码, 18 characters"}
    )
    city = ma.fields.String(required=True, validate=_PLACE)
    county = ma.fields.String(required=True, validate=_PLACE)
    classified = ma.fields.Boolean(load_default=False)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    version = ma.fields.Integer(dump_only=True)


class EnterprisePatchSchema(ma.Schema):
    name = ma.fields.String(validate=_NAME)
    county = ma.fields.String(validate=_PLACE)
    classified = ma.fields.Boolean()


class EnterpriseQuerySchema(QueryArgs):
    county = ma.fields.String()
    name = ma.fields.String(metadata={"description": "part of the name"})
