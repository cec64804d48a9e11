"""The industry catalogue: guide versions, their industries and grade scales."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from server.catalogue import INDICATOR_CATEGORIES, catalogue
from server.errors import NotFound

blp = Blueprint(
    "catalogue", __name__, url_prefix="/api/guides", description="Technical guides and industries"
)


class IndustrySchema(ma.Schema):
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    scale = ma.fields.List(ma.fields.String(), metadata={"description": "best grade first"})
    scale_basis = ma.fields.String(metadata={"description": "cited or illustrative"})


class GuideSummarySchema(ma.Schema):
    code = ma.fields.String()
    title_zh = ma.fields.String()
    title_en = ma.fields.String()
    issued_by = ma.fields.String()
    source = ma.fields.String()
    note = ma.fields.String()
    indicator_categories = ma.fields.Function(lambda _guide: list(INDICATOR_CATEGORIES))


class GuideSchema(GuideSummarySchema):
    industries = ma.fields.Method("_industries")

    def _industries(self, guide):
        return IndustrySchema(many=True).dump(list(guide.industries.values()))


@blp.route("")
class Guides(MethodView):
    @blp.response(200, GuideSummarySchema(many=True))
    def get(self):
        """List the technical guide versions"""
        return list(catalogue().guides.values())


@blp.route("/<string:code>")
class Guide(MethodView):
    @blp.response(200, GuideSchema)
    def get(self, code: str):
        """One guide version with its industries and their grade scales"""
        guide = catalogue().guide(code)
        if guide is None:
            raise NotFound(f"unknown guide version {code}; known: {', '.join(catalogue().guides)}")
        return guide
