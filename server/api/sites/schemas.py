"""Site schemas, with production lines, CEMS points and vehicle gates nested."""

from __future__ import annotations

import marshmallow as ma

from server.api.common import QueryArgs
from server.registry.geometry import DATUMS

_CODE = ma.validate.Regexp(r"^[A-Za-z0-9_-]{1,20}$", error="1-20 letters, digits, - or _")


class LineSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=_CODE, metadata={"example": "L01"})
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    industry_code = ma.fields.String(load_default=None, allow_none=True)
    stops_in_alert = ma.fields.Boolean(load_default=True)


class CemsPointSchema(ma.Schema):
    mn = ma.fields.String(required=True, metadata={"description": "HJ 212 device code (MN)"})
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    pollutants = ma.fields.List(ma.fields.String(), load_default=list)
    line_code = ma.fields.String(load_default=None, allow_none=True)


class GateSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=_CODE, metadata={"example": "G01"})
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


_BOUNDARY = ma.fields.List(
    ma.fields.Raw(),
    metadata={
        "description": "list of GeoJSON polygons: each a list of rings of [longitude, latitude], "
        "outer ring first, each ring closed (first point repeated last)"
    },
)


class SiteSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    enterprise_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    address = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    datum = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.OneOf(DATUMS))
    boundary = ma.fields.List(
        ma.fields.Raw(), load_default=None, allow_none=True, metadata=_BOUNDARY.metadata
    )
    lines = ma.fields.List(ma.fields.Nested(LineSchema), load_default=list)
    cems_points = ma.fields.List(ma.fields.Nested(CemsPointSchema), load_default=list)
    gates = ma.fields.List(ma.fields.Nested(GateSchema), load_default=list)
    version = ma.fields.Integer(dump_only=True)


class SitePatchSchema(ma.Schema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    address = ma.fields.String(validate=ma.validate.Length(min=1, max=300))
    datum = ma.fields.String(validate=ma.validate.OneOf(DATUMS))
    boundary = ma.fields.List(ma.fields.Raw(), metadata=_BOUNDARY.metadata)


class SiteQuerySchema(QueryArgs):
    enterprise_id = ma.fields.Integer()
